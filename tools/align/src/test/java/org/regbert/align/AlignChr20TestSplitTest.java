package org.regbert.align;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The case on the kit: hg19 chr20 in 126-token windows, RefSeq TSS promoter labels,
 * {@code --test 20:50000000-56000000 --negatives-per-positive 2}. Sampling used to leave about 200 of
 * the ~47,600 test windows labelled; now every window of the test region is labelled.
 */
class AlignChr20TestSplitTest {
    static final long TEST_START = 50_000_000L;
    static final long TEST_END = 56_000_000L;

    @TempDir
    Path dir;

    @Test
    void everyWindowOfTheTestRegionIsLabelled() throws IOException {
        Path tokens = dir.resolve("tokens");
        TestShards.Run run = TestShards.tokenize("--reference",
                TestShards.kitData().resolve("genome/hg19.chr20.fa.gz").toString(), "--kmer", "6", "--window", "126",
                "--output", tokens.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
        Path aligned = dir.resolve("aligned");
        run = TestShards.align("--shards", tokens.toString(), "--labels", "promoter=" + AlignChr20Test.TSS,
                "--contig-alias", "chr20=20", "--skip-missing-contigs", "--test", "20:50000000-56000000",
                "--negatives-per-positive", "2", "--output", aligned.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());

        // Independently of align: the windows of the tokenized input that touch the test region, and
        // which of them hold a TSS. 126 overlapping 6-mers span 131 bases, less than the 200-base label
        // bin, so a window's bin is the whole window.
        long[] starts = TestShards.concatLong(tokens, "start");
        long[] ends = TestShards.concatLong(tokens, "end");
        List<long[]> tss = AlignChr20Test.chr20Lines(AlignChr20Test.TSS, 1, 2);
        tss.sort(Comparator.comparingLong(t -> t[0]));
        long inRegion = 0;
        long tssWindows = 0;
        boolean[] expectedTest = new boolean[starts.length];
        boolean[] expectedPositive = new boolean[starts.length];
        for (int w = 0; w < starts.length; w++) {
            assertEquals(131, ends[w] - starts[w], "window " + w);
            if (starts[w] < TEST_END && ends[w] > TEST_START) {
                expectedTest[w] = true;
                inRegion++;
                for (long[] t : tss) {
                    if (t[0] >= ends[w]) {
                        break;
                    }
                    expectedPositive[w] |= Math.max(t[1], t[0] + 1) > starts[w];
                }
                tssWindows += expectedPositive[w] ? 1 : 0;
            }
        }
        assertTrue(inRegion > 47_000, "6 Mb in 126-base steps, less windows with Ns: " + inRegion);
        // about 0.1 % of the windows hold a TSS: the class ratio the test split must keep
        assertTrue(tssWindows > 10 && tssWindows < inRegion / 100,
                "windows with a RefSeq TSS in 20:50-56 Mb: " + tssWindows);

        int[] split = TestShards.concat(aligned, "split");
        int[] labels = TestShards.concat(aligned, "label_promoter");
        assertEquals(starts.length, labels.length);
        long testWindows = 0;
        for (int w = 0; w < labels.length; w++) {
            assertEquals(expectedTest[w] ? Holdouts.TEST : Holdouts.TRAIN, split[w], "split of window at " + starts[w]);
            if (expectedTest[w]) {
                testWindows++;
                assertEquals(expectedPositive[w] ? 1 : 0, labels[w], "test window at " + starts[w] + " is labelled");
            }
        }
        assertEquals(inRegion, testWindows);

        JsonNode summary = new ObjectMapper().readTree(aligned.resolve(AlignRun.SUMMARY).toFile());
        JsonNode test = summary.get("labels").get("promoter").get("test");
        assertEquals(tssWindows, test.get("positives").asLong(), test.toString());
        assertEquals(inRegion - tssWindows, test.get("negatives").asLong(), test.toString());
        assertEquals(0, test.get("notSampled").asLong(), test.toString());
        assertEquals(0, test.get("ambiguous").asLong(), test.toString());
        assertEquals(false, summary.get("testSampled").asBoolean(true));
        // Training is still thinned: two negatives per training positive, the rest not sampled.
        JsonNode train = summary.get("labels").get("promoter").get("train");
        assertEquals(2 * train.get("positives").asLong(), train.get("negatives").asLong(), train.toString());
        assertTrue(train.get("notSampled").asLong() > 100_000, train.toString());
    }
}
