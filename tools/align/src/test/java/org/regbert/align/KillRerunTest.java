package org.regbert.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tokenize and align killed with SIGKILL at random points (seeded) on the kit's whole hg19 chr20,
 * then run again into the same output without --overwrite: the rerun is not blocked by what the
 * killed run left (its lock, its staging folder) and writes the same bytes as an uninterrupted run
 * (SOURCE_DATE_EPOCH fixed; the summaries, which hold timings, aside); nothing else is left beside
 * the output. Each run is a JVM of its own.
 */
class KillRerunTest {
    private static final Path CHR20 = TestShards.kitData().resolve("genome/hg19.chr20.fa.gz");
    private static final Path DHS = TestShards.kitData().resolve("accessibility/uw-dhs-master.hg19.bed.gz");

    @TempDir
    Path dir;

    @Test
    void killedTokenizeAndAlignRerunToTheBytesOfAnUninterruptedRun() throws Exception {
        Random random = new Random(17);
        Path tokens = dir.resolve("tokens");
        long tokenizeMillis = stage(null, null, "tokenize", "--reference", CHR20.toString(), "--kmer", "6",
                "--window", "510", "--output", tokens.toString(), "--threads", "2");
        for (int i = 0; i < 3; i++) {
            Path out = dir.resolve("tokens-killed-" + i);
            long delay = (long) (tokenizeMillis * (0.2 + 0.7 * random.nextDouble()));
            stage(delay, out.resolve("tokenize-summary.json"), "tokenize", "--reference", CHR20.toString(), "--kmer", "6", "--window", "510",
                    "--output", out.toString(), "--threads", "2");
            assertSameOutput(tokens, out);
        }
        Path aligned = dir.resolve("aligned");
        List<String> align = List.of("--shards", tokens.toString(), "--peaks", DHS + ":DHS", "--contig-alias",
                "chr20=20", "--skip-missing-contigs", "--threads", "2");
        long alignMillis = stage(null, null, with(align, "--output", aligned.toString()));
        for (int i = 0; i < 3; i++) {
            Path out = dir.resolve("aligned-killed-" + i);
            long delay = (long) (alignMillis * (0.2 + 0.7 * random.nextDouble()));
            stage(delay, out.resolve("align-summary.json"), with(align, "--output", out.toString()));
            assertSameOutput(aligned, out);
        }
        try (Stream<Path> left = Files.list(dir)) {
            List<String> names = left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
            assertTrue(names.stream().allMatch(n -> n.endsWith(".regbert-lock")), "only lock files beside: " + names);
        }
    }

    private static String[] with(List<String> args, String... more) {
        List<String> all = new ArrayList<>(List.of("align"));
        all.addAll(args);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** The output of the stage started last. */
    private Path log;

    /**
     * Runs a stage; with KILL_AFTER, SIGKILLs it after that many milliseconds (if still running) and
     * runs it again to the end, unless PUBLISHED (the summary, the file a stage moves into place last)
     * exists: then the kill came after the commit, the output is whole, and a rerun would rightly refuse
     * it. Returns the (first) run's milliseconds.
     */
    private long stage(Long killAfter, Path published, String... args) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process first = start(args);
        if (killAfter != null && !first.waitFor(killAfter, TimeUnit.MILLISECONDS)) {
            first.destroyForcibly();
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            if (Files.exists(published)) {
                return killAfter;
            }
            Process again = start(args);
            assertTrue(again.waitFor(5, TimeUnit.MINUTES));
            assertEquals(0, again.exitValue(), "the rerun after a kill at " + killAfter + " ms: " + Files.readString(log));
            return killAfter;
        }
        assertTrue(first.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, first.exitValue(), Files.readString(log));
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private Process start(String... args) throws IOException {
        log = Files.createTempFile("regbert-stage-", ".log");
        log.toFile().deleteOnExit();
        return StageMain.start(dir, log, args);
    }

    /** The same files with the same bytes, summaries (timings, the output's own path) aside. */
    private static void assertSameOutput(Path expected, Path actual) throws IOException {
        List<String> names = names(expected);
        assertEquals(names, names(actual), actual.toString());
        for (String name : names) {
            if (!name.endsWith("-summary.json")) {
                assertArrayEquals(Files.readAllBytes(expected.resolve(name)), Files.readAllBytes(actual.resolve(name)),
                        name + " of " + actual);
            }
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }
}
