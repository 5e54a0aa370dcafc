package org.regbert.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class BootstrapTest {
    @Test
    void quantileIsNumpysLinearPercentile() {
        double[] sorted = {1, 2, 3, 4, 10};
        // np.percentile([1, 2, 3, 4, 10], [2.5, 50, 97.5]) = [1.1, 3.0, 9.4]
        assertEquals(1.1, Bootstrap.quantile(sorted, 0.025), 1e-12);
        assertEquals(3.0, Bootstrap.quantile(sorted, 0.5), 1e-12);
        assertEquals(9.4, Bootstrap.quantile(sorted, 0.975), 1e-12);
        assertTrue(Double.isNaN(Bootstrap.quantile(new double[0], 0.5)));
    }

    /**
     * Block structure checked by hand, 1 kb blocks. Contig 7: starts 100, 600, 1100, 1500, 2900;
     * blocks tile from its first window (100), so (start − 100) / 1000 = 0, 0, 1, 1, 2: blocks
     * {0,1} {2,3} {4}. Contig 3: starts 5000, 5200, 7100 → 0, 0, 2: blocks {5,6} {7} (block 1 is
     * empty, so not a block). A resample draws 3 blocks among contig 7's and 2 among contig 3's.
     */
    @Test
    void blocksAreContiguousAndDrawnWithinEachContig() {
        int[] contig = {7, 7, 7, 7, 7, 3, 3, 3};
        long[] start = {100, 600, 1100, 1500, 2900, 5000, 5200, 7100};
        ResamplingBlocks blocks = ResamplingBlocks.genomic(contig, start, 1000);
        assertEquals("1 kb genomic blocks", blocks.unit());
        assertEquals(5, blocks.blocks());
        assertEquals(2, blocks.strata());
        int[][] together = {{0, 1}, {2, 3}, {4}, {5, 6}, {7}};
        int[] drawsOnContig7 = new int[4];
        ToDoubleFunction<int[]> check = weights -> {
            for (int[] block : together) {
                for (int window : block) {
                    assertEquals(weights[block[0]], weights[window], "windows of one block move together");
                }
            }
            assertEquals(3, weights[0] + weights[2] + weights[4], "contig 7 draws its 3 blocks");
            assertEquals(2, weights[5] + weights[7], "contig 3 draws its 2 blocks");
            drawsOnContig7[weights[0]]++;
            return 0;
        };
        new Bootstrap(blocks, new Bootstrap.Settings(400, 9, 0.95)).replicates(List.of(check));
        // Block {0,1} is drawn 0..3 times: Binomial(3, 1/3) gives 8/27, 12/27, 6/27, 1/27 of 400.
        assertTrue(drawsOnContig7[0] > 80 && drawsOnContig7[1] > 130 && drawsOnContig7[3] > 0,
                java.util.Arrays.toString(drawsOnContig7));
    }

    /** FASTA records have no genomic position: each record is a unit, drawn among all records. */
    @Test
    void fastaRecordsAreTheUnits() {
        int[] record = {0, 0, 1, 2, 2, 2};
        ResamplingBlocks blocks = ResamplingBlocks.records(record);
        assertEquals("FASTA records", blocks.unit());
        assertEquals(3, blocks.blocks());
        assertEquals(1, blocks.strata());
        double[] totals = new Bootstrap(blocks, new Bootstrap.Settings(200, 4, 0.95)).replicates(List.of(w -> {
            assertEquals(w[0], w[1]);
            assertEquals(w[3], w[4]);
            assertEquals(w[3], w[5]);
            assertEquals(3, w[0] + w[2] + w[3], "three records drawn");
            return w[0] * 2 + w[2] + w[3] * 3;
        }))[0];
        assertTrue(java.util.Arrays.stream(totals).distinct().count() > 3, "records drawn in varying numbers");
    }

    /**
     * Correlated data, as neighbouring windows are: 40 stretches of 1 Mb on one contig, each with
     * its own separation of positives from negatives (a random effect shared by its 100 windows).
     * Resampling single windows (1 bp blocks: one window each) ignores that and gives narrow
     * intervals; 1 Mb blocks carry the stretch-to-stretch variation and are clearly wider.
     */
    @Test
    void correlatedWindowsGiveWiderBlockIntervalsThanSingleWindows() {
        Random random = new Random(12);
        int stretches = 40;
        int perStretch = 100;
        int n = stretches * perStretch;
        double[] scores = new double[n];
        boolean[] positive = new boolean[n];
        long[] start = new long[n];
        for (int s = 0; s < stretches; s++) {
            double separation = random.nextGaussian() * 1.5 + 1;
            for (int j = 0; j < perStretch; j++) {
                int i = s * perStretch + j;
                start[i] = s * 1_000_000L + j * 10_000L;
                positive[i] = random.nextDouble() < 0.3;
                scores[i] = random.nextGaussian() + (positive[i] ? separation : 0);
            }
        }
        int[] contig = new int[n];
        Ranking ranking = new Ranking(scores, positive);
        ConfidenceInterval byWindow = new Bootstrap(ResamplingBlocks.genomic(contig, start, 1),
                new Bootstrap.Settings(400, 3, 0.95)).interval(ranking::auroc, ranking.auroc(null));
        ConfidenceInterval byBlock = new Bootstrap(ResamplingBlocks.genomic(contig, start, 1_000_000),
                new Bootstrap.Settings(400, 3, 0.95)).interval(ranking::auroc, ranking.auroc(null));
        double windowWidth = byWindow.upper() - byWindow.lower();
        double blockWidth = byBlock.upper() - byBlock.lower();
        assertTrue(blockWidth > 2 * windowWidth, "blocks " + byBlock + " against windows " + byWindow);
    }

    @Test
    void seededAndReproducible() {
        ResamplingBlocks records = ResamplingBlocks.records(new int[] {0, 1, 2, 3, 4, 5});
        ToDoubleFunction<int[]> first = w -> w[0] * 10 + w[5];
        double[] a = new Bootstrap(records, new Bootstrap.Settings(100, 42, 0.9)).replicates(List.of(first))[0];
        double[] b = new Bootstrap(records, new Bootstrap.Settings(100, 42, 0.9)).replicates(List.of(first))[0];
        double[] c = new Bootstrap(records, new Bootstrap.Settings(100, 43, 0.9)).replicates(List.of(first))[0];
        assertArrayEquals(a, b);
        assertTrue(!java.util.Arrays.equals(a, c), "another seed, other resamples");
    }

    /** The weighted ranking metrics equal the metrics of the resample written out window by window. */
    @Test
    void weightedRankingEqualsTheExpandedResample() {
        Random random = new Random(2);
        int n = 120;
        double[] scores = new double[n];
        boolean[] positive = new boolean[n];
        int[] contig = new int[n];
        long[] start = new long[n];
        for (int i = 0; i < n; i++) {
            positive[i] = random.nextDouble() < 0.3;
            scores[i] = random.nextInt(20) + (positive[i] ? 4 : 0);
            contig[i] = i % 2;
            start[i] = i * 1000L;
        }
        Ranking ranking = new Ranking(scores, positive);
        ToDoubleFunction<int[]> check = w -> {
            int total = 0;
            for (int x : w) {
                total += x;
            }
            double[] s = new double[total];
            boolean[] p = new boolean[total];
            int k = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < w[i]; j++) {
                    s[k] = scores[i];
                    p[k++] = positive[i];
                }
            }
            assertEquals(Reference.mannWhitneyAuc(s, p), ranking.auroc(w), 1e-12);
            assertEquals(Reference.averagePrecision(s, p), ranking.averagePrecision(w), 1e-12);
            // The unweighted Davis–Goadrich area is checked against the paper (SklearnCrossCheckTest);
            // here the weighted pass must agree with it on the written-out resample.
            assertEquals(new Ranking(s, p).davisGoadrich(null), ranking.davisGoadrich(w), 1e-12);
            return 0;
        };
        new Bootstrap(ResamplingBlocks.genomic(contig, start, 10_000), new Bootstrap.Settings(30, 5, 0.95))
                .replicates(List.of(check));
    }

    @Test
    void intervalsCoverTheEstimateAndPairedDifferencesWork() {
        Random random = new Random(8);
        int n = 3000;
        double[] strong = new double[n];
        double[] weak = new double[n];
        boolean[] positive = new boolean[n];
        long[] start = new long[n];
        for (int i = 0; i < n; i++) {
            start[i] = i * 1000L;
            positive[i] = random.nextDouble() < 0.25;
            double noise = random.nextGaussian();
            strong[i] = noise + (positive[i] ? 2 : 0);
            weak[i] = noise + random.nextGaussian() * 2 + (positive[i] ? 0.5 : 0);
        }
        Ranking a = new Ranking(strong, positive);
        Ranking b = new Ranking(weak, positive);
        // 300 blocks of 10 windows on one contig.
        Bootstrap bootstrap = new Bootstrap(ResamplingBlocks.genomic(new int[n], start, 10_000),
                new Bootstrap.Settings(400, 1, 0.95));
        double[][] reps = bootstrap.replicates(List.of(a::auroc, b::auroc, a::auroc));
        ConfidenceInterval ci = bootstrap.interval(reps[0], a.auroc(null));
        assertTrue(ci.lower() < ci.estimate() && ci.estimate() < ci.upper(), ci.toString());
        assertTrue(ci.upper() - ci.lower() < 0.05, ci.toString());
        assertEquals(400, ci.replicates());

        PairedDifference worse = bootstrap.difference(reps[0], reps[1], b.auroc(null) - a.auroc(null));
        assertTrue(worse.upper() < 0, worse.toString());
        assertEquals(0.0, worse.pValue(), "never better in 400 resamples");

        PairedDifference same = bootstrap.difference(reps[0], reps[2], 0);
        assertEquals(0.0, same.lower());
        assertEquals(0.0, same.upper());
        assertEquals(1.0, same.pValue());
    }

    @Test
    void undefinedResamplesAreDroppedAndCounted() {
        // Only record 0 holds a positive: resamples without it have no auROC.
        double[] scores = {0.9, 0.1, 0.2, 0.3};
        boolean[] positive = {true, false, false, false};
        Ranking ranking = new Ranking(scores, positive);
        Bootstrap bootstrap = new Bootstrap(ResamplingBlocks.records(new int[] {0, 1, 2, 3}),
                new Bootstrap.Settings(200, 3, 0.95));
        ConfidenceInterval ci = bootstrap.interval(ranking::auroc, ranking.auroc(null));
        assertTrue(ci.replicates() < 200 && ci.replicates() > 100, ci.toString());
        assertEquals(1.0, ci.lower());
        assertEquals(1.0, ci.upper());
    }
}
