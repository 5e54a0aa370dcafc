package org.regbert.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.OutputLock;
import org.regbert.common.StageCli;
import org.regbert.shards.ShardSet;

/**
 * An output folder belongs to one run at a time: a second run given it while the first writes is
 * refused (exit 2), never interleaved with or replacing the first; and a full disk is one line,
 * exit 1, with nothing left behind.
 */
class TokenizeOutputClaimTest {
    /** One contig of 200,104 bases, tokenized with --window 100 --stride 100 (tokens). */
    private static final int LENGTH = 200_104;
    /**
     * Windows by hand: a window of 100 overlapping k-mers spans 99 + k bases and the next starts 100
     * bases on, so a contig of L bases holds (L - (99 + k)) / 100 + 1 windows (integer division):
     * k 5: (200104 - 104) / 100 + 1 = 2001; k 6: (200104 - 105) / 100 + 1 = 1999 + 1 = 2000.
     */
    private static final Map<Integer, Integer> WINDOWS = Map.of(5, 2001, 6, 2000);

    @TempDir
    Path dir;

    /** The outcome of one run, with its own stderr: runs in parallel threads must not share System.err. */
    record Run(int k, int exitCode, String stderr) {
    }

    private static Run tokenize(int k, Path fasta, Path out) {
        StringWriter err = new StringWriter();
        var commandLine = StageCli.configure(new picocli.CommandLine(new TokenizeCommand()));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute("--reference", fasta.toString(), "--kmer", "" + k, "--window", "100",
                "--stride", "100", "--windows-per-shard", "500", "--quiet", "--output", out.toString());
        return new Run(k, code, err.toString());
    }

    private Path fasta() throws Exception {
        return Fixtures.writeFasta(dir.resolve("g.fa"), Fixtures.randomGenome(11, LENGTH));
    }

    private static List<String> entries(Path folder) throws Exception {
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The folder holds exactly one complete run's output: that of the run with k {@code k}. */
    private static void assertOutputOf(int k, Path out) throws Exception {
        ShardContents contents = ShardContents.read(out);
        assertEquals(k, contents.manifest().tokenizer().k());
        assertEquals(WINDOWS.get(k), contents.windows().size());
        JsonNode summary = new ObjectMapper().readTree(out.resolve(TokenizeRun.SUMMARY).toFile());
        assertEquals(WINDOWS.get(k).longValue(), summary.path("windows").asLong());
        List<String> shards = new ArrayList<>();
        summary.path("shardFiles").forEach(s -> shards.add(s.asText()));
        assertEquals(shards, ShardSet.list(out).stream().map(p -> p.getFileName().toString()).toList());
        // 500 windows a shard: 2001 windows fill 5 shards (the last holds 1), 2000 fill 4.
        assertEquals(WINDOWS.get(k) == 2001 ? 5 : 4, shards.size());
        List<String> expected = new ArrayList<>(shards);
        expected.add(TokenizeRun.SUMMARY);
        expected.sort(String::compareTo);
        assertEquals(expected, entries(out), "nothing else: no staging folder, no other run's files");
    }

    @Test
    void aRunIsRefusedWhileAnotherHoldsTheOutput() throws Exception {
        Path fasta = fasta();
        Path out = dir.resolve("out");
        try (OutputLock other = OutputLock.acquire(out)) {
            Run refused = tokenize(6, fasta, out);
            assertEquals(2, refused.exitCode(), refused.stderr());
            assertTrue(refused.stderr().startsWith("regbert tokenize: error: " + out + ": another regbert run"),
                    refused.stderr());
            assertTrue(refused.stderr().contains("is writing this output now"), refused.stderr());
            assertFalse(refused.stderr().contains("\tat "), refused.stderr());
            assertFalse(Files.exists(out), "the refused run wrote nothing");
        }
        Run after = tokenize(6, fasta, out);
        assertEquals(0, after.exitCode(), after.stderr());
        assertOutputOf(6, out);
        assertEquals(List.of(), entries(dir).stream().filter(n -> n.startsWith(".")).toList(),
                "no lock file left beside the output");
    }

    @Test
    void ofTwoRunsStartedTogetherOnOneOutputExactlyOneWins() throws Exception {
        Path fasta = fasta();
        tokenize(5, fasta, dir.resolve("warm-up")); // indexes the FASTA and loads the classes: the runs then race
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                Path out = dir.resolve("out" + round);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Run>> runs = new ArrayList<>();
                for (int k : new int[] {6, 5}) {
                    runs.add(pool.submit(() -> {
                        start.await();
                        return tokenize(k, fasta, out);
                    }));
                }
                start.countDown();
                List<Run> done = new ArrayList<>();
                for (Future<Run> run : runs) {
                    done.add(run.get());
                }
                List<Run> won = done.stream().filter(r -> r.exitCode() == 0).toList();
                List<Run> lost = done.stream().filter(r -> r.exitCode() != 0).toList();
                assertEquals(1, won.size(), "exactly one run succeeds: " + done);
                assertEquals(2, lost.get(0).exitCode(), lost.get(0).stderr());
                String message = lost.get(0).stderr();
                // Refused while the winner writes, or (if it started after the winner finished) by its results.
                assertTrue(message.startsWith("regbert tokenize: error: " + out + ": another regbert run")
                        || message.startsWith("regbert tokenize: error: " + out + ": already holds tokenize output"),
                        message);
                assertOutputOf(won.get(0).k(), out);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFullDiskIsOneLineExitOneAndLeavesNothing() throws Exception {
        Path fasta = fasta();
        Path small = Files.createDirectory(dir.resolve("small"));
        // A 64 KiB file system: the shards (2000 windows of 100 uint16 tokens, 400 kB) cannot fit.
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        String said = new String(mount.getInputStream().readAllBytes());
        assertEquals(0, mount.waitFor(), "this test mounts a tiny tmpfs (needs root, as the CI has): " + said);
        try {
            Path out = small.resolve("out");
            Run run = tokenize(6, fasta, out);
            assertEquals(1, run.exitCode(), run.stderr());
            assertTrue(run.stderr().startsWith("regbert tokenize: error: the disk is full: "), run.stderr());
            assertTrue(run.stderr().contains("No space left on device"), run.stderr());
            assertEquals(1, run.stderr().lines().count(), "one line, no stack trace: " + run.stderr());
            assertEquals(List.of(), entries(small), "no output folder, staging folder or lock file left");
        } finally {
            new ProcessBuilder("umount", small.toString()).inheritIO().start().waitFor();
        }
    }
}
