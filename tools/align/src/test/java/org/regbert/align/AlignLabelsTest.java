package org.regbert.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;

/** Label semantics on windows of a reference the test describes: 1,000-bp windows every 500 bp. */
class AlignLabelsTest {
    @TempDir
    Path dir;
    Path shards;

    @BeforeEach
    void shards() throws IOException {
        shards = TestShards.tiledReference(dir, TestShards.sizes("chrA", 20_000, "chrB", 10_000), "unknown", 1000, 500);
    }

    private Path bed(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void binsOverlappingPositivesAreOneAndRelaxedOnlyAreAmbiguous() throws IOException {
        // The bin of the window at s is [s+400, s+600).
        Path conservative = bed("cons.narrowPeak", "chrA\t1450\t1460\tp1\t0\t.\t5.0\t-1\t-1\t5\n");
        Path relaxed = bed("relaxed.narrowPeak", "chrA\t1450\t1460\tp1\t0\t.\t5.0\t-1\t-1\t5\n"
                + "chrA\t5000\t5010\tp2\t0\t.\t2.0\t-1\t-1\t5\n");
        Path out = dir.resolve("out");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--labels", "ctcf=" + conservative,
                "--ambiguous", "ctcf=" + relaxed, "--output", out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
        int[] labels = TestShards.concat(out, "label_ctcf");
        long[] starts = TestShards.concatLong(out, "start");
        for (int w = 0; w < labels.length; w++) {
            long bin = starts[w] + 400;
            boolean chrA = w < 39;
            int expected = chrA && bin < 1460 && bin + 200 > 1450 ? 1 : chrA && bin < 5010 && bin + 200 > 5000 ? -1 : 0;
            assertEquals(expected, labels[w], "window at " + starts[w] + (chrA ? " on chrA" : " on chrB"));
        }
        assertEquals(1, Arrays.stream(labels).filter(l -> l == 1).count(), "only the bin 1400-1600 holds the peak");
    }

    @Test
    void levelsComeFromMcvNames() throws IOException {
        Path dhs = bed("dhs.bed", "chrB\t2450\t2600\tMCV-3\t1.0\nchrB\t2500\t2650\tMCV-41\t1.0\n");
        Path out = dir.resolve("out");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--labels", "dhs=" + dhs, "--output",
                out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
        int[] levels = TestShards.concat(out, "label_dhs_level");
        long[] starts = TestShards.concatLong(out, "start");
        // chrB windows start after the 39 chrA windows; the one at 2000 has bin [2400, 2600).
        int window = 39 + 4;
        assertEquals(2000, starts[window]);
        assertEquals(41, levels[window]);
        assertEquals(0, levels[window - 3]);
    }

    @Test
    void spliceSitesAreStrandAware() throws IOException {
        // '+' intron 3000..3999: donor at 3000, acceptor at 3999. '-' intron: acceptor at left, donor at right.
        Path introns = bed("introns.bedpe", "chrA\t3000\t3001\tchrA\t3999\t4000\tx\t.\t+\t+\n"
                + "chrA\t8500\t8501\tchrA\t9500\t9501\ty\t.\t-\t-\n");
        Path out = dir.resolve("out");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--labels", "splice=" + introns,
                "--label-bin", "100", "--output", out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
        int[] labels = TestShards.concat(out, "label_splice");
        long[] starts = TestShards.concatLong(out, "start");
        for (int w = 0; w < 39; w++) {
            long binStart = starts[w] + 450;
            int expected = binStart <= 3000 && 3000 < binStart + 100 ? SpliceLabelTask.DONOR
                    : binStart <= 3999 && 3999 < binStart + 100 ? SpliceLabelTask.ACCEPTOR : 0;
            assertEquals(expected, labels[w], "forward window at " + starts[w] + ": '-' sites are ignored");
        }
        assertEquals(2, Arrays.stream(labels).filter(l -> l > 0).count());
    }

    @Test
    void holdoutsAndSeededSamplingAreReproducible() throws IOException {
        Path positives = bed("pos.bed", "chrA\t0\t20000\n");
        int[] first = null;
        for (String name : new String[] {"a", "b"}) {
            Path out = dir.resolve(name);
            TestShards.Run run = TestShards.align("--shards", shards.toString(), "--labels", "p=" + bed("few.bed",
                    "chrA\t2450\t2460\nchrA\t9450\t9460\nchrA\t15450\t15460\n"), "--negatives-per-positive", "2",
                    "--seed", "7", "--test", "chrB", "--valid", "chrA:0-3000", "--output", out.toString(), "--quiet");
            assertEquals(0, run.exitCode(), run.stderr());
            int[] labels = TestShards.concat(out, "label_p");
            assertEquals(3, Arrays.stream(labels).filter(l -> l == 1).count());
            // Training holds the positives at 9000 and 15000: 2 x 2 = 4 negatives kept; validation (the 6
            // windows starting below 3000, one positive) and test (chrB's 19 windows) keep all: 5 + 19.
            assertEquals(4 + 5 + 19, Arrays.stream(labels).filter(l -> l == 0).count(),
                    "2 negatives per training positive kept, validation and test whole");
            if (first == null) {
                first = labels;
            } else {
                assertArrayEquals(first, labels, "same seed, same draw");
            }
            int[] split = TestShards.concat(out, "split");
            long[] starts = TestShards.concatLong(out, "start");
            for (int w = 0; w < split.length; w++) {
                int expected = w >= 39 ? Holdouts.TEST : starts[w] < 3000 ? Holdouts.VALID : Holdouts.TRAIN;
                assertEquals(expected, split[w], "window " + w);
            }
        }
        assertTrue(Files.exists(positives));
    }

    @Test
    void liftoverMovesIntervalsAndCountsFailures() throws IOException {
        // A chain from an older assembly where chrA:0-10000 maps to chrA:5000-15000 of ours.
        Path chain = bed("old-to-new.chain", "chain 1000 chrA 12000 + 0 10000 chrA 20000 + 5000 15000 1\n10000\n\n");
        Path old = bed("old.bed", "chrA\t1000\t1010\tkept\nchrA\t11000\t11010\tunmapped\n");
        Path out = dir.resolve("out");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--labels", "p=" + old, "--liftover",
                chain.toString(), "--output", out.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        int[] labels = TestShards.concat(out, "label_p");
        long[] starts = TestShards.concatLong(out, "start");
        for (int w = 0; w < 39; w++) {
            long bin = starts[w] + 400;
            assertEquals(bin < 6010 && bin + 200 > 6000 ? 1 : 0, labels[w], "window at " + starts[w]);
        }
        assertTrue(run.stderr().contains("lifted=1") && run.stderr().contains("failed=1"), run.stderr());
        String summary = Files.readString(out.resolve("align-summary.json"));
        assertTrue(summary.contains("\"failed\" : 1"), summary);
    }

    @Test
    void annotatedShardsKeepTheTokenArraysAndDescribeTheNewOnes() throws IOException {
        Path out = dir.resolve("out");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--labels", "p=" + bed("p.bed",
                "chrA\t100\t200\n"), "--output", out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
        Path source = ShardSet.list(shards).get(0);
        try (TokenShard before = TokenShard.open(source); TokenShard after = TokenShard.open(ShardSet.list(out).get(0))) {
            assertEquals(before.tokens().data(), after.tokens().data());
            assertTrue(after.manifest().arrays().containsKey("label_p"));
            assertTrue(after.manifest().annotations().get("labels").get("tasks").has("p"));
            assertEquals(source.getFileName().toString(),
                    after.manifest().annotations().get("align").get("sourceShard").get("file").asText());
        }
        assertFalse(Files.exists(out.resolve(".regbert-staging")));
    }

    @Test
    void liftoverAlsoMovesPeakTracks() throws IOException {
        Path chain = bed("old-to-new.chain", "chain 1000 chrA 12000 + 0 10000 chrA 20000 + 5000 15000 1\n10000\n\n");
        Path peaks = bed("GM12878.narrowPeak", "chrA\t1000\t1100\tp1\t0\t.\t5\t-1\t-1\t50\n"
                + "chrA\t11000\t11100\tgone\t0\t.\t5\t-1\t-1\t50\n");
        Path out = dir.resolve("out");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--peaks", peaks.toString(), "--liftover",
                chain.toString(), "--output", out.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("lifted=1") && run.stderr().contains("failed=1"), run.stderr());
        try (TokenShard shard = TokenShard.open(ShardSet.list(out).get(0))) {
            var states = shard.array("peaks");
            var names = shard.manifest().annotations().get("peaks").get("vocabulary").get("names");
            int tokens = (int) states.shape()[2];
            long[] starts = TestShards.concatLong(out, "start");
            int window = 11; // starts at 5,500 on chrA
            assertEquals(5500, starts[window]);
            for (int j = 0; j < tokens; j++) {
                long from = 5500 + j;
                String expected = from >= 6000 && from + 6 <= 6100 ? "open" : from + 6 <= 6000 || from >= 6100 ? "closed"
                        : null;
                if (expected != null) {
                    assertEquals(expected, names.get(states.getByte((long) window * tokens + j) & 0xFF).asText(),
                            "token at chrA:" + from);
                }
            }
            assertEquals("GM12878", shard.array("peaks_cell_types").getString(0));
            // the manifest names the user's file, not the lifted copy in a temporary folder (which would
            // make two runs on the same inputs write different bytes)
            assertEquals(peaks.toString(), shard.manifest().annotations().get("peaks").get("tracks").get(0)
                    .get("files").get(0).asText());
        }
    }
}
