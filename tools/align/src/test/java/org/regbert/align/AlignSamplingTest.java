package org.regbert.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;

/**
 * Negative sampling thins the training split only, unless validation or test are asked for: worked by
 * hand on 1,000-bp windows every 500 bp of chrA (20 kb, windows 0-38) and chrB (10 kb, windows 39-57),
 * whose label bins are [start+400, start+600).
 */
class AlignSamplingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path bed(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    /**
     * Positives at chrA 2450, 9450, 15450 and chrB 4450, 7450 fall in the bins of the windows starting
     * at chrA 2000 (window 4), 9000 (18), 15000 (30) and chrB 4000 (39+8), 7000 (39+14); relaxed-only
     * peaks at chrA 12450 and chrB 5450 make chrA 12000 (24) and chrB 5000 (39+10) ambiguous.
     * --valid chrA:0-3000 takes the windows starting at 0 to 2500 (0-5: 2500-3500 touches it), --test
     * chrB all 19 of chrB, training the 33 windows 6-38.
     */
    private TestShards.Run alignHandCase(Path out, String... extra) throws IOException {
        Path shards = TestShards.tiledReference(dir, TestShards.sizes("chrA", 20_000, "chrB", 10_000), "unknown",
                1000, 500);
        Path positives = bed("cons.bed", "chrA\t2450\t2460\nchrA\t9450\t9460\nchrA\t15450\t15460\n"
                + "chrB\t4450\t4460\nchrB\t7450\t7460\n");
        Path relaxed = bed("relaxed.bed", "chrA\t2450\t2460\nchrA\t12450\t12460\nchrB\t5450\t5460\n");
        List<String> args = Stream.concat(Stream.of("--shards", shards.toString(), "--labels", "tf=" + positives,
                "--ambiguous", "tf=" + relaxed, "--valid", "chrA:0-3000", "--test", "chrB",
                "--negatives-per-positive", "1", "--seed", "3", "--output", out.toString(), "--quiet"),
                Arrays.stream(extra)).toList();
        return TestShards.align(args.toArray(String[]::new));
    }

    private static final int[] VALID = {0, 1, 2, 3, 4, 5};
    private static final int[] TEST = {39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57};
    /** Labels of the validation windows 0-5: the positive at 2000, five negatives. */
    private static final int[] VALID_LABELS = {0, 0, 0, 0, 1, 0};
    /** Labels of chrB's 19 windows (starts 0, 500, ..., 9000): 4000 and 7000 positive, 5000 ambiguous. */
    private static final int[] TEST_LABELS = {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, -1, 0, 0, 0, 1, 0, 0, 0, 0};

    private static int[] pick(int[] values, int[] windows) {
        return Arrays.stream(windows).map(w -> values[w]).toArray();
    }

    private static JsonNode summary(Path out) throws IOException {
        return JSON.readTree(out.resolve(AlignRun.SUMMARY).toFile());
    }

    private static void assertCounts(JsonNode counts, long positives, long negatives, long ambiguous, long notSampled) {
        assertEquals(positives, counts.get("positives").asLong(), counts.toString());
        assertEquals(negatives, counts.get("negatives").asLong(), counts.toString());
        assertEquals(ambiguous, counts.get("ambiguous").asLong(), counts.toString());
        assertEquals(notSampled, counts.get("notSampled").asLong(), counts.toString());
    }

    @Test
    void trainingIsThinnedWhileValidationAndTestKeepEveryWindow() throws IOException {
        Path out = dir.resolve("out");
        TestShards.Run run = alignHandCase(out);
        assertEquals(0, run.exitCode(), run.stderr());
        int[] split = TestShards.concat(out, "split");
        int[] labels = TestShards.concat(out, "label_tf");
        assertEquals(58, split.length);
        for (int w = 0; w < split.length; w++) {
            int expected = w >= 39 ? Holdouts.TEST : w <= 5 ? Holdouts.VALID : Holdouts.TRAIN;
            assertEquals(expected, split[w], "split of window " + w);
        }
        assertArrayEquals(VALID_LABELS, pick(labels, VALID), "validation kept whole");
        assertArrayEquals(TEST_LABELS, pick(labels, TEST), "test kept whole: every window labelled");
        // Training (windows 6-38): positives 18 and 30, ambiguous 24; of its 30 negatives one per positive
        // (2) is kept, the other 28 are not sampled.
        assertEquals(1, labels[18]);
        assertEquals(1, labels[30]);
        assertEquals(-1, labels[24]);
        int[] otherTraining = java.util.stream.IntStream.rangeClosed(6, 38).filter(w -> w != 18 && w != 30 && w != 24)
                .map(w -> labels[w]).toArray();
        assertEquals(2, Arrays.stream(otherTraining).filter(l -> l == 0).count(), Arrays.toString(otherTraining));
        assertEquals(28, Arrays.stream(otherTraining).filter(l -> l == -2).count(), Arrays.toString(otherTraining));

        JsonNode summary = summary(out);
        JsonNode counts = summary.get("labels").get("tf");
        assertCounts(counts.get("train"), 2, 2, 1, 28);
        assertCounts(counts.get("validation"), 1, 5, 0, 0);
        assertCounts(counts.get("test"), 2, 16, 1, 0);
        assertEquals(false, summary.get("testSampled").asBoolean(true));
        assertEquals(false, summary.get("validationSampled").asBoolean(true));
        assertEquals("[\"train\"]", summary.get("sampledSplits").toString());
        try (TokenShard shard = TokenShard.open(ShardSet.list(out).get(0))) {
            JsonNode section = shard.manifest().annotations().get("labels");
            assertEquals(false, section.get("testSampled").asBoolean(true));
            assertEquals("[\"train\"]", section.get("sampledSplits").toString());
        }
    }

    @Test
    void sampleValidationAndSampleTestThinThoseSplitsToo() throws IOException {
        Path whole = dir.resolve("whole");
        assertEquals(0, alignHandCase(whole).exitCode());
        Path out = dir.resolve("sampled");
        TestShards.Run run = alignHandCase(out, "--sample-validation", "--sample-test");
        assertEquals(0, run.exitCode(), run.stderr());
        int[] labels = TestShards.concat(out, "label_tf");
        int[] training = java.util.stream.IntStream.rangeClosed(6, 38).toArray();
        assertArrayEquals(pick(TestShards.concat(whole, "label_tf"), training), pick(labels, training),
                "thinning validation and test leaves the training draw as it was");
        // Validation: 1 positive -> 1 of its 5 negatives kept. Test: 2 positives -> 2 of 16 kept; the
        // positives and the ambiguous window stay as they are.
        int[] valid = pick(labels, VALID);
        assertEquals(1, valid[4]);
        assertEquals(1, Arrays.stream(valid).filter(l -> l == 0).count(), Arrays.toString(valid));
        assertEquals(4, Arrays.stream(valid).filter(l -> l == -2).count(), Arrays.toString(valid));
        int[] test = pick(labels, TEST);
        for (int i = 0; i < test.length; i++) {
            if (TEST_LABELS[i] != 0) {
                assertEquals(TEST_LABELS[i], test[i], "chrB window " + i);
            }
        }
        assertEquals(2, Arrays.stream(test).filter(l -> l == 0).count(), Arrays.toString(test));
        assertEquals(14, Arrays.stream(test).filter(l -> l == -2).count(), Arrays.toString(test));
        JsonNode summary = summary(out);
        assertCounts(summary.get("labels").get("tf").get("validation"), 1, 1, 0, 4);
        assertCounts(summary.get("labels").get("tf").get("test"), 2, 2, 1, 14);
        assertTrue(summary.get("testSampled").asBoolean(false));
        assertTrue(summary.get("validationSampled").asBoolean(false));
        assertEquals("[\"train\",\"validation\",\"test\"]", summary.get("sampledSplits").toString());
        try (TokenShard shard = TokenShard.open(ShardSet.list(out).get(0))) {
            assertTrue(shard.manifest().annotations().get("labels").get("testSampled").asBoolean(false));
        }
    }

    /**
     * chrA only, windows starting below 10,000 all G (100 % GC), the others all A (0 %). Positives at
     * 2450 and 5450 (windows 2000 and 5000, GC-rich, training) and 17450 (window 17000, AT-rich, in
     * --test chrA:15000-20000, which takes the windows starting at 14500 to 19000). Matched per split:
     * training keeps 2 x 2 = 4 negatives, all GC-rich although 9 AT-rich training windows (10000-14000)
     * are negatives too; the sampled test keeps 2 x 1 = 2, all AT-rich.
     */
    @Test
    void matchedNegativesFollowTheGcOfTheirOwnSplitsPositives() throws IOException {
        Path shards = TestShards.tiledReference(dir, TestShards.sizes("chrA", 20_000), "unknown", 1000, 500,
                (contig, start) -> start < 10_000);
        Path positives = bed("p.bed", "chrA\t2450\t2460\nchrA\t5450\t5460\nchrA\t17450\t17460\n");
        Path out = dir.resolve("out");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--labels", "p=" + positives,
                "--test", "chrA:15000-20000", "--negatives-per-positive", "2", "--matched-negatives", "--sample-test",
                "--output", out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
        int[] labels = TestShards.concat(out, "label_p");
        int[] split = TestShards.concat(out, "split");
        long[] starts = TestShards.concatLong(out, "start");
        int trainKept = 0;
        int testKept = 0;
        for (int w = 0; w < labels.length; w++) {
            assertEquals(starts[w] >= 14_500 ? Holdouts.TEST : Holdouts.TRAIN, split[w], "window at " + starts[w]);
            boolean positive = starts[w] == 2000 || starts[w] == 5000 || starts[w] == 17_000;
            assertEquals(positive, labels[w] == 1, "window at " + starts[w]);
            if (labels[w] == 0) {
                if (split[w] == Holdouts.TRAIN) {
                    assertTrue(starts[w] < 10_000, "a kept training negative is GC-rich: window at " + starts[w]);
                    trainKept++;
                } else {
                    assertTrue(starts[w] >= 10_000, "a kept test negative is AT-rich: window at " + starts[w]);
                    testKept++;
                }
            }
        }
        assertEquals(4, trainKept);
        assertEquals(2, testKept);
    }
}
