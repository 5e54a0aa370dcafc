package org.regbert.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BinaryMetricsTest {
    private static final double EXACT = 1e-12;

    /** Worked by hand: ranks 1 2 4 positive, 3 5 6 negative. */
    @Test
    void smallCaseComputedByHand() {
        float[] scores = {0.9f, 0.8f, 0.7f, 0.6f, 0.55f, 0.4f};
        byte[] labels = {1, 1, 0, 1, 0, 0};
        BinaryMetrics m = BinaryMetrics.compute(scores, labels, 0.5);
        assertEquals(3, m.positives());
        assertEquals(3, m.negatives());
        // Pairs ranked right: 3 + 3 + 2 of 9.
        assertEquals(8.0 / 9, m.auroc(), EXACT);
        // Precision at each positive: 1/1, 2/2, 3/4.
        assertEquals((1 + 1 + 0.75) / 3, m.auprc(), EXACT);
        // FDR ≤ 10% only at the top two (recall 2/3); FDR 1/4 at the third positive (recall 1).
        assertEquals(2.0 / 3, m.recallAtFdr10(), EXACT);
        assertEquals(1.0, m.recallAtFdr50(), EXACT);
        // At 0.5: TP 3, FP 2, TN 1, FN 0.
        assertEquals(4.0 / 6, m.accuracy(), EXACT);
        assertEquals(3.0 / 5, m.precision(), EXACT);
        assertEquals(1.0, m.recall(), EXACT);
        assertEquals(6.0 / 8, m.f1(), EXACT);
        assertEquals(3 / Math.sqrt(5 * 3 * 3 * 1), m.mcc(), EXACT);
        assertNull(m.undefinedReason());
        assertArrayEquals(new double[] {0, 0, 0, 1.0 / 3, 1.0 / 3, 2.0 / 3, 1}, m.roc().x(), EXACT);
        assertArrayEquals(new double[] {0, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1, 1, 1}, m.roc().y(), EXACT);
        assertArrayEquals(new double[] {1, 1, 2.0 / 3, 0.75, 0.6, 0.5}, m.pr().y(), EXACT);
    }

    /** Scores drawn from a few values, so most windows tie, against quadratic definitions. */
    @Test
    void tiedAndRandomScoresMatchTheReferenceDefinitions() {
        Random random = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            int n = 2 + random.nextInt(60);
            int levels = 1 + random.nextInt(trial % 2 == 0 ? 4 : 1000);
            double[] scores = new double[n];
            boolean[] positive = new boolean[n];
            for (int i = 0; i < n; i++) {
                scores[i] = random.nextInt(levels) / (double) levels;
                positive[i] = random.nextDouble() < 0.3;
            }
            positive[0] = true;
            positive[1] = false;
            BinaryMetrics m = BinaryMetrics.compute(scores, positive, 0.5, 0);
            assertEquals(Reference.mannWhitneyAuc(scores, positive), m.auroc(), 1e-12, "trial " + trial);
            assertEquals(Reference.averagePrecision(scores, positive), m.auprc(), 1e-12, "trial " + trial);
            assertEquals(Reference.recallAtFdr(scores, positive, 0.1), m.recallAtFdr10(), EXACT);
            assertEquals(Reference.recallAtFdr(scores, positive, 0.5), m.recallAtFdr50(), EXACT);
            assertEquals(m.auroc(), trapezoid(m.roc()), 1e-12, "ROC points integrate to auROC");
        }
    }

    @Test
    void allTiedScoresGiveChanceAurocAndPrevalenceAuprc() {
        double[] scores = {0.3, 0.3, 0.3, 0.3, 0.3};
        boolean[] positive = {true, false, false, true, false};
        BinaryMetrics m = BinaryMetrics.compute(scores, positive, 0.5, 0);
        assertEquals(0.5, m.auroc(), EXACT);
        assertEquals(0.4, m.auprc(), EXACT);
        assertEquals(0.0, m.recallAtFdr50(), EXACT, "FDR 60% at the only threshold");
        assertEquals(2, m.roc().size());
    }

    @Test
    void perfectAndReversedRankings() {
        double[] scores = {4, 3, 2, 1};
        BinaryMetrics perfect = BinaryMetrics.compute(scores, new boolean[] {true, true, false, false}, 2.5, 0);
        assertEquals(1.0, perfect.auroc(), EXACT);
        assertEquals(1.0, perfect.auprc(), EXACT);
        assertEquals(1.0, perfect.recallAtFdr10(), EXACT);
        assertEquals(1.0, perfect.mcc(), EXACT);
        BinaryMetrics reversed = BinaryMetrics.compute(scores, new boolean[] {false, false, true, true}, 2.5, 0);
        assertEquals(0.0, reversed.auroc(), EXACT);
        assertEquals((1.0 / 3 + 2.0 / 4) / 2, reversed.auprc(), EXACT);
        assertEquals(0.0, reversed.recallAtFdr10(), EXACT);
        assertEquals(-1.0, reversed.mcc(), EXACT);
    }

    @Test
    void rankingMetricsIgnoreMonotoneTransforms() {
        Random random = new Random(3);
        double[] scores = new double[200];
        double[] logits = new double[200];
        boolean[] positive = new boolean[200];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = random.nextDouble();
            logits[i] = Math.log(scores[i] / (1 - scores[i]));
            positive[i] = random.nextDouble() < scores[i];
        }
        BinaryMetrics a = BinaryMetrics.compute(scores, positive, 0.5, 0);
        BinaryMetrics b = BinaryMetrics.compute(logits, positive, 0.0, 0);
        assertEquals(a.auroc(), b.auroc(), EXACT);
        assertEquals(a.auprc(), b.auprc(), EXACT);
        assertEquals(a.mcc(), b.mcc(), EXACT, "threshold 0.5 on p is threshold 0 on the logit");
    }

    /** Ambiguous (−1) and not-sampled (−2) windows change nothing, whatever their scores. */
    @Test
    void negativeLabelsAreExcluded() {
        float[] scores = {0.9f, 0.8f, 0.7f, 0.6f, 0.55f, 0.4f};
        byte[] labels = {1, 1, 0, 1, 0, 0};
        BinaryMetrics plain = BinaryMetrics.compute(scores, labels, 0.5);
        float[] moreScores = {0.9f, 0.99f, 0.8f, 0.7f, 0.01f, 0.6f, 0.55f, 0.4f, 0.65f};
        byte[] moreLabels = {1, -1, 1, 0, -2, 1, 0, 0, -1};
        BinaryMetrics withExcluded = BinaryMetrics.compute(moreScores, moreLabels, 0.5);
        assertEquals(6, withExcluded.windows());
        assertEquals(3, withExcluded.excluded());
        assertEquals(plain.auroc(), withExcluded.auroc(), EXACT);
        assertEquals(plain.auprc(), withExcluded.auprc(), EXACT);
        assertEquals(plain.f1(), withExcluded.f1(), EXACT);
        assertEquals(plain.mcc(), withExcluded.mcc(), EXACT);
    }

    @Test
    void oneClassOnlyGivesNanWithAReason() {
        BinaryMetrics allPositive = BinaryMetrics.compute(new float[] {0.2f, 0.7f}, new byte[] {1, 1}, 0.5);
        assertTrue(Double.isNaN(allPositive.auroc()));
        assertTrue(Double.isNaN(allPositive.auprc()));
        assertTrue(Double.isNaN(allPositive.recallAtFdr10()));
        assertEquals("no negative windows", allPositive.undefinedReason());
        assertEquals(0.5, allPositive.accuracy(), EXACT, "threshold metrics stay defined");
        assertTrue(Double.isNaN(allPositive.mcc()), "no negatives: MCC's denominator is 0");

        BinaryMetrics allNegative = BinaryMetrics.compute(new float[] {0.2f, 0.7f}, new byte[] {0, -1}, 0.5);
        assertTrue(Double.isNaN(allNegative.auroc()));
        assertEquals("no positive windows", allNegative.undefinedReason());
        assertEquals(1, allNegative.excluded());

        BinaryMetrics none = BinaryMetrics.compute(new float[] {0.2f}, new byte[] {-1}, 0.5);
        assertEquals("no windows with a label", none.undefinedReason());
        assertEquals(0, none.windows());
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> BinaryMetrics.compute(new float[] {0.1f, 0.2f}, new byte[] {1, 2}, 0.5));
        assertThrows(IllegalArgumentException.class,
                () -> BinaryMetrics.compute(new float[] {0.1f}, new byte[] {1, 0}, 0.5));
        assertThrows(IllegalArgumentException.class,
                () -> BinaryMetrics.compute(new float[] {Float.NaN, 0.2f}, new byte[] {1, 0}, 0.5));
    }

    @Test
    void thinningKeepsEndsAndShape() {
        Random random = new Random(11);
        double[] scores = new double[20000];
        boolean[] positive = new boolean[scores.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = random.nextGaussian();
            positive[i] = random.nextDouble() < 0.2;
            scores[i] += positive[i] ? 1 : 0;
        }
        Curve roc = BinaryMetrics.compute(scores, positive, 0.5, 0).roc();
        Curve thin = roc.thinned(500);
        assertTrue(thin.size() < 1100, "thinned to " + thin.size());
        assertEquals(0.0, thin.x()[0]);
        assertEquals(1.0, thin.x()[thin.size() - 1]);
        assertEquals(1.0, thin.y()[thin.size() - 1]);
        assertEquals(trapezoid(roc), trapezoid(thin), 2e-3);
    }

    static double trapezoid(Curve c) {
        double area = 0;
        for (int i = 1; i < c.size(); i++) {
            area += (c.x()[i] - c.x()[i - 1]) * (c.y()[i] + c.y()[i - 1]) / 2;
        }
        return area;
    }
}
