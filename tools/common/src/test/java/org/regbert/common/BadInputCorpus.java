package org.regbert.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * The bad-input corpus ({@code testdata/bad-inputs/STAGE/CASE/}, see its README): one small case
 * per folder, run against a stage in-process. Each case must end with the exit code its
 * {@code expect} file names, exactly one error line ({@code regbert STAGE: error: ...}) that holds
 * every {@code error} text of {@code expect} (the file and line, the problem), no stack trace, and
 * nothing left behind: the output does not exist and no file appeared beside the case's inputs
 * (but those its {@code beside} lines name: a documented side file, such as the {@code .fai} index
 * tokenize builds beside a plain FASTA before it reads the regions).
 */
public final class BadInputCorpus {
    private BadInputCorpus() {
    }

    /** The corpus folder of the checkout (found from the module's folder upwards). */
    public static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path corpus = p.resolve("testdata/bad-inputs");
            if (Files.isDirectory(corpus)) {
                return corpus;
            }
        }
        throw new IllegalStateException("no testdata/bad-inputs above " + Path.of("").toAbsolutePath());
    }

    /**
     * One dynamic test per case of STAGE. In {@code args}, {@code {case}} is the case's folder (a
     * copy in a temporary folder), {@code {out}} the output to be refused, and each key of
     * PLACEHOLDERS (e.g. {@code {shards}}) its value.
     */
    public static Stream<DynamicTest> tests(String stage, Supplier<Object> command, Map<String, String> placeholders)
            throws IOException {
        List<Path> cases;
        try (Stream<Path> dirs = Files.list(root().resolve(stage))) {
            cases = dirs.filter(Files::isDirectory).sorted().toList();
        }
        assertFalse(cases.isEmpty(), "no cases for " + stage);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.getFileName().toString(),
                () -> run(stage, c, command.get(), placeholders)));
    }

    private static void run(String stage, Path source, Object command, Map<String, String> placeholders)
            throws IOException {
        Path work = Files.createTempDirectory("regbert-bad-" + source.getFileName() + "-");
        try {
            Path dir = TestTrees.copy(source, work.resolve("case"));
            Path out = work.resolve("out");
            List<String> args = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("args"), StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String arg = line.replace("{case}", dir.toString()).replace("{out}", out.toString());
                for (Map.Entry<String, String> p : placeholders.entrySet()) {
                    arg = arg.replace("{" + p.getKey() + "}", p.getValue());
                }
                args.add(arg);
            }
            int exit = -1;
            List<String> errors = new ArrayList<>();
            List<String> beside = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("expect"), StandardCharsets.UTF_8)) {
                if (line.startsWith("exit ")) {
                    exit = Integer.parseInt(line.substring(5).strip());
                } else if (line.startsWith("error ")) {
                    errors.add(line.substring(6).replace("{case}", dir.toString()));
                } else if (line.startsWith("beside ")) {
                    beside.add("case/" + line.substring(7).strip());
                }
            }
            List<String> before = listing(work);
            StageCli.Outcome outcome = StageCli.runCapturing(command, args.toArray(String[]::new));
            String stderr = outcome.stderr();
            assertEquals(exit, outcome.exitCode(), stderr);
            List<String> errorLines = stderr.lines().filter(l -> l.startsWith("regbert " + stage + ": error: ")).toList();
            assertEquals(1, errorLines.size(), "one error line:\n" + stderr);
            assertFalse(stderr.lines().anyMatch(l -> l.matches("\\s+at [\\w.$]+\\(.*")), "a stack trace:\n" + stderr);
            for (String text : errors) {
                assertTrue(errorLines.get(0).contains(text), "'" + text + "' in " + errorLines.get(0));
            }
            assertFalse(Files.exists(out), "no output left behind");
            List<String> after = new ArrayList<>(listing(work));
            after.removeAll(beside);
            assertEquals(before, after, "nothing new beside the inputs");
        } finally {
            FileTrees.delete(work);
        }
    }

    private static List<String> listing(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(p -> dir.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
