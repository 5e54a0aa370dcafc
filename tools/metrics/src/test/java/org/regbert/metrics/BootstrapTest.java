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

    /** With several contigs, a resample holds whole contigs: a window's weight is its contig's draws. */
    @Test
    void blocksAreWholeContigs() {
        int[] contig = {0, 0, 0, 1, 1, 2, 2, 2, 2};
        Bootstrap bootstrap = new Bootstrap(contig, new Bootstrap.Settings(50, 9, 0.95));
        assertEquals("contig", bootstrap.unit());
        assertEquals(3, bootstrap.blocks());
        ToDoubleFunction<int[]> check = weights -> {
            int drawn = 0;
            for (int c = 0; c < 3; c++) {
                int first = -1;
                for (int i = 0; i < contig.length; i++) {
                    if (contig[i] == c) {
                        if (first < 0) {
                            first = weights[i];
                        }
                        assertEquals(first, weights[i], "windows of one contig move together");
                    }
                }
                drawn += first;
            }
            assertEquals(3, drawn, "three contigs drawn per resample");
            return drawn;
        };
        assertEquals(50, bootstrap.replicates(List.of(check))[0].length);
    }

    @Test
    void oneContigFallsBackToWindows() {
        Bootstrap bootstrap = new Bootstrap(new int[] {4, 4, 4, 4}, Bootstrap.Settings.DEFAULT);
        assertEquals("window", bootstrap.unit());
        assertEquals(4, bootstrap.blocks());
        double[] totals = bootstrap.replicates(List.of(w -> w[0] + w[1] + w[2] + w[3]))[0];
        for (double total : totals) {
            assertEquals(4, total);
        }
    }

    @Test
    void seededAndReproducible() {
        int[] contig = {0, 1, 2, 3, 4, 5};
        ToDoubleFunction<int[]> first = w -> w[0] * 10 + w[5];
        double[] a = new Bootstrap(contig, new Bootstrap.Settings(100, 42, 0.9)).replicates(List.of(first))[0];
        double[] b = new Bootstrap(contig, new Bootstrap.Settings(100, 42, 0.9)).replicates(List.of(first))[0];
        double[] c = new Bootstrap(contig, new Bootstrap.Settings(100, 43, 0.9)).replicates(List.of(first))[0];
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
        for (int i = 0; i < n; i++) {
            positive[i] = random.nextDouble() < 0.3;
            scores[i] = random.nextInt(20) + (positive[i] ? 4 : 0);
            contig[i] = i % 7;
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
            return 0;
        };
        new Bootstrap(contig, new Bootstrap.Settings(30, 5, 0.95)).replicates(List.of(check));
    }

    @Test
    void intervalsCoverTheEstimateAndPairedDifferencesWork() {
        Random random = new Random(8);
        int n = 3000;
        double[] strong = new double[n];
        double[] weak = new double[n];
        boolean[] positive = new boolean[n];
        int[] contig = new int[n];
        for (int i = 0; i < n; i++) {
            positive[i] = random.nextDouble() < 0.25;
            double noise = random.nextGaussian();
            strong[i] = noise + (positive[i] ? 2 : 0);
            weak[i] = noise + random.nextGaussian() * 2 + (positive[i] ? 0.5 : 0);
            contig[i] = i / 300;
        }
        Ranking a = new Ranking(strong, positive);
        Ranking b = new Ranking(weak, positive);
        Bootstrap bootstrap = new Bootstrap(contig, new Bootstrap.Settings(400, 1, 0.95));
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
        // Only contig 0 holds a positive: resamples without it have no auROC.
        double[] scores = {0.9, 0.1, 0.2, 0.3};
        boolean[] positive = {true, false, false, false};
        Ranking ranking = new Ranking(scores, positive);
        Bootstrap bootstrap = new Bootstrap(new int[] {0, 1, 2, 3}, new Bootstrap.Settings(200, 3, 0.95));
        ConfidenceInterval ci = bootstrap.interval(ranking::auroc, ranking.auroc(null));
        assertTrue(ci.replicates() < 200 && ci.replicates() > 100, ci.toString());
        assertEquals(1.0, ci.lower());
        assertEquals(1.0, ci.upper());
    }
}
