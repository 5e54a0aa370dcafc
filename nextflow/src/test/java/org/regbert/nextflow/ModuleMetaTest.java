package org.regbert.nextflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nf-core conformance of the modules: every {@code modules/*}{@code /meta.yml} validates against nf-core's meta.yml
 * schema and lists the inputs, outputs and topics its main.nf declares (names, order, channels), as
 * {@code nf-core modules lint} checks. nf-core tools is not installable here, so
 * src/test/python/check_module_meta.py does those checks with Debian's python3-jsonschema and python3-yaml.
 * The schema: {@code -Dregbert.nfcore.schema}, else {@code shared/nfcore/meta-schema.json} beside the nearest
 * ancestor of the working directory (a checkout's {@code ../shared/nfcore}, as the data kit is found).
 * The checker is also shown to catch each kind of defect, on copies of the tokenize module broken by hand.
 */
class ModuleMetaTest {
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path MODULES = MODULE.resolve("modules");
    static final Path CHECKER = MODULE.resolve("src/test/python/check_module_meta.py");
    static final List<String> STAGES = List.of("align", "evaluate", "finetune", "pretrain", "score", "tokenize");

    static Path schema() {
        String configured = System.getProperty("regbert.nfcore.schema");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path dir = MODULE; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/nfcore/meta-schema.json");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("nf-core's meta.yml schema (../shared/nfcore/meta-schema.json) was not found:"
                + " set -Dregbert.nfcore.schema");
    }

    record Result(int exitCode, String output) {
    }

    static Result check(List<Path> modules) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", CHECKER.toString(), schema().toString()));
        modules.forEach(m -> command.add(m.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the checker did not finish");
        assertTrue(!output.contains("ModuleNotFoundError"),
                "the checker needs Debian's python3-jsonschema and python3-yaml (.ci/run installs them):\n" + output);
        return new Result(process.exitValue(), output);
    }

    @Test
    void everyModuleMetaYmlValidatesAndMatchesItsMainNf() throws Exception {
        List<Path> modules;
        try (Stream<Path> dirs = Files.list(MODULES)) {
            modules = dirs.filter(Files::isDirectory).sorted().toList();
        }
        assertTrue(modules.stream().map(m -> m.getFileName().toString()).toList().containsAll(STAGES),
                "a module per stage: " + modules);
        Result result = check(modules);
        assertEquals("", result.output(), "problems reported");
        assertEquals(0, result.exitCode());
    }

    /** A copy of the tokenize module with one hand-made defect: the checker names it and fails. */
    static Result brokenCopy(Path dir, String file, String from, String to) throws Exception {
        Path copy = Files.createDirectories(dir.resolve("tokenize"));
        for (String name : List.of("main.nf", "meta.yml")) {
            String text = Files.readString(MODULES.resolve("tokenize").resolve(name));
            if (name.equals(file)) {
                assertTrue(text.contains(from), name + " has no '" + from + "' to break");
                text = text.replace(from, to);
            }
            Files.writeString(copy.resolve(name), text);
        }
        return check(List.of(copy));
    }

    @Test
    void aDocumentationThatIsNoUrlFailsTheSchema(@TempDir Path dir) throws Exception {
        Result result = brokenCopy(dir, "meta.yml", "doi: \"10.48550/arXiv.2112.07571\"",
                "documentation: \"regbert tokenize --help\"");
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("tokenize: meta.yml does not validate against the nf-core schema at"
                + " tools/0/regbert/documentation: 'regbert tokenize --help' does not match"), result.output());
    }

    @Test
    void anInputOutsideAChannelListFailsTheSchemaAndTheComparison(@TempDir Path dir) throws Exception {
        // "- regions:" (an element on its own) instead of "- - regions:" (a channel holding one element)
        Result result = brokenCopy(dir, "meta.yml", "  - - regions:", "  - regions:");
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("at input/1: "), result.output());
        assertTrue(result.output().contains("tokenize: inputs [['meta', 'fasta', 'fasta_index'], 'regions', ['exclude']] in"
                + " meta.yml, main.nf declares [['meta', 'fasta', 'fasta_index'], ['regions'], ['exclude']]"), result.output());
    }

    @Test
    void anInputMainNfAddsIsMissingFromMetaYml(@TempDir Path dir) throws Exception {
        Result result = brokenCopy(dir, "main.nf", "    path regions ", "    val window_args\n    path regions ");
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("main.nf declares [['meta', 'fasta', 'fasta_index'], ['window_args'],"
                + " ['regions'], ['exclude']]"), result.output());
    }

    @Test
    void anOutputRenamedInMainNfNoLongerMatches(@TempDir Path dir) throws Exception {
        Result result = brokenCopy(dir, "main.nf", "emit: summary", "emit: tokenize_summary");
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("main.nf declares [('shards', ['meta', '${prefix}']),"
                + " ('tokenize_summary', ['meta', '${prefix}/tokenize-summary.json']),"
                + " ('versions', ['versions.yml'])]"), result.output());
    }

    @Test
    void aNameThatIsNotTheProcessFails(@TempDir Path dir) throws Exception {
        Result result = brokenCopy(dir, "meta.yml", "name: \"tokenize\"", "name: \"tokenise\"");
        assertEquals(1, result.exitCode(), result.output());
        assertEquals("tokenize: name 'tokenise' is not the process name TOKENIZE", result.output().strip());
    }
}
