package org.regbert.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RegressionMetricsTest {
    @Test
    void pearsonByHand() {
        // x = 1..5, y = 2, 4, 5, 4, 5: Sxy = 6, Sxx = 10, Syy = 6, r = 6 / sqrt(60).
        double[] x = {1, 2, 3, 4, 5};
        double[] y = {2, 4, 5, 4, 5};
        RegressionMetrics m = RegressionMetrics.compute(x, y);
        assertEquals(6 / Math.sqrt(60), m.pearson(), 1e-12);
        assertEquals(5, m.windows());
    }

    @Test
    void averageRanksSplitTies() {
        assertArrayEquals(new double[] {1, 3, 3, 3, 5.5, 5.5},
                RegressionMetrics.averageRanks(new double[] {0.1, 2, 2, 2, 7, 7}), 0);
        assertArrayEquals(new double[] {4, 1.5, 3, 1.5},
                RegressionMetrics.averageRanks(new double[] {9, -1, 3, -1}), 0);
    }

    /** MCV-like levels (small integers, many ties) against Pearson of naive ranks. */
    @Test
    void spearmanIsPearsonOfAverageRanks() {
        Random random = new Random(5);
        for (int trial = 0; trial < 100; trial++) {
            int n = 3 + random.nextInt(80);
            double[] predicted = new double[n];
            double[] measured = new double[n];
            for (int i = 0; i < n; i++) {
                measured[i] = 1 + random.nextInt(8);
                predicted[i] = trial % 3 == 0 ? random.nextInt(4) : measured[i] + random.nextGaussian() * 3;
            }
            measured[0] = 1;
            measured[1] = 2;
            predicted[0] = 0;
            predicted[1] = 5;
            RegressionMetrics m = RegressionMetrics.compute(predicted, measured);
            assertEquals(Reference.pearson(predicted, measured), m.pearson(), 1e-9);
            assertEquals(Reference.pearson(Reference.ranks(predicted), Reference.ranks(measured)), m.spearman(), 1e-9);
        }
    }

    @Test
    void monotoneButNonlinearGivesSpearmanOne() {
        double[] x = {1, 2, 3, 4, 5, 6};
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.exp(3 * x[i]);
        }
        RegressionMetrics m = RegressionMetrics.compute(x, y);
        assertEquals(1.0, m.spearman(), 1e-12);
        assertTrue(m.pearson() < 0.9, "Pearson sees the curvature: " + m.pearson());
    }

    @Test
    void constantOrTooFewValuesGiveNan() {
        assertTrue(Double.isNaN(RegressionMetrics.compute(new double[] {1, 2, 3}, new double[] {4, 4, 4}).pearson()));
        assertTrue(Double.isNaN(RegressionMetrics.compute(new double[] {1, 2, 3}, new double[] {4, 4, 4}).spearman()));
        assertTrue(Double.isNaN(RegressionMetrics.compute(new double[] {1}, new double[] {2}).pearson()));
    }
}
