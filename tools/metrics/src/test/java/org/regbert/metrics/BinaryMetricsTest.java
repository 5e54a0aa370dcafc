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

    /**
     * Worked by hand: ranks 1 2 4 positive, 3 5 6 negative. P = 3. The PR points (TP, FP) after
     * each threshold: (1,0) (2,0) (2,1) (3,1) (3,2) (3,3), precision 1, 1, 2/3, 3/4, 3/5, 1/2.
     */
    @Test
    void smallCaseComputedByHand() {
        float[] scores = {0.9f, 0.8f, 0.7f, 0.6f, 0.55f, 0.4f};
        byte[] labels = {1, 1, 0, 1, 0, 0};
        BinaryMetrics m = BinaryMetrics.compute(scores, labels, 0.5);
        assertEquals(3, m.positives());
        assertEquals(3, m.negatives());
        // Pairs ranked right: 3 + 3 + 2 of 9.
        assertEquals(8.0 / 9, m.auroc(), EXACT);
        // Average precision: precision at each positive, 1/1, 2/2, 3/4, averaged.
        assertEquals((1 + 1 + 0.75) / 3, m.averagePrecision(), EXACT);
        // Davis–Goadrich: every step gains at most one TP, so no intermediate points; trapezoids in
        // recall (width 1/3 per positive): origin→(1,0) flat at precision 1: 1/3; (1,0)→(2,0):
        // 1/3·(1+1)/2 = 1/3; (2,0)→(2,1) no recall gained: 0; (2,1)→(3,1): 1/3·(2/3+3/4)/2 = 17/72;
        // the rest gain no recall. 1/3 + 1/3 + 17/72 = 65/72.
        assertEquals(65.0 / 72, m.auprc(), EXACT);
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

    /**
     * A tie group mixing classes needs Davis–Goadrich's intermediate points. Scores: 0.9 (+), then
     * 0.5 for three positives and three negatives, then 0.1 for two negatives. P = 4; points
     * (1,0), (4,3), (4,5). Origin→(1,0): flat at precision 1 over recall 1/4: 1/4. (1,0)→(4,3): 3
     * TP and 3 FP gained, one FP per TP, so intermediate points (2,1), (3,2), (4,3) with precision
     * 2/3, 3/5, 4/7; trapezoids of width 1/4: ((1+2/3) + (2/3+3/5) + (3/5+4/7))/2·1/4
     * = (175+133+123)/105/8 = 431/840. (4,3)→(4,5) gains no recall. Total 210/840 + 431/840 =
     * 641/840. Average precision credits the whole group with its end precision 4/7:
     * 1/4·1 + 3/4·4/7 = 19/28; a straight line from (1/4, 1) to (1, 4/7) would give 47/56.
     */
    @Test
    void tieGroupsAreInterpolatedAsDavisAndGoadrich() {
        double[] scores = {0.9, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.1, 0.1};
        boolean[] positive = {true, true, false, true, false, true, false, false, false};
        BinaryMetrics m = BinaryMetrics.compute(scores, positive, 0.5, 0);
        assertEquals(641.0 / 840, m.auprc(), EXACT);
        assertEquals(19.0 / 28, m.averagePrecision(), EXACT);
    }

    /**
     * A negative on top: points (0,1), (1,1), (2,1) with P = 2, precision 0, 1/2, 2/3. PRROC
     * starts the curve at the first point's precision, 0, so Davis–Goadrich = (0+1/2)/2·1/2 +
     * (1/2+2/3)/2·1/2 = 1/8 + 7/24 = 5/12, below AP = (1/2 + 2/3)/2 = 7/12. Recall at 50 % FDR:
     * FDR 1, 1/2, 1/3 at the three thresholds, so recall 1 (threshold 3); at 10 % FDR none: 0.
     */
    @Test
    void aNegativeOnTopStartsTheCurveAtPrecisionZero() {
        BinaryMetrics m = BinaryMetrics.compute(new double[] {0.9, 0.8, 0.7}, new boolean[] {false, true, true}, 0.5, 0);
        assertEquals(5.0 / 12, m.auprc(), EXACT);
        assertEquals(7.0 / 12, m.averagePrecision(), EXACT);
        assertEquals(1.0, m.recallAtFdr50(), EXACT);
        assertEquals(0.0, m.recallAtFdr10(), EXACT);
    }

    /**
     * An FDR exactly at the cut-off counts (DREAM's {@code 1 − precision ≤ q}). Scores 10..1, the
     * 9th window negative, the other nine positive (P = 9): the top 8 are 8 TP (FDR 0, recall 8/9);
     * the top 9 are 8 TP 1 FP (FDR 1/9 > 10 %); all 10 are 9 TP 1 FP: FDR exactly 1/10, recall 1.
     */
    @Test
    void anFdrExactlyAtTheCutOffCounts() {
        double[] scores = new double[10];
        boolean[] positive = new boolean[10];
        for (int i = 0; i < 10; i++) {
            scores[i] = 10 - i;
            positive[i] = i != 8;
        }
        assertEquals(1.0, BinaryMetrics.compute(scores, positive, 0.5, 0).recallAtFdr10(), EXACT);
        // One positive and one negative tied: FDR exactly 1/2 at recall 1.
        BinaryMetrics half = BinaryMetrics.compute(new double[] {1, 1}, new boolean[] {true, false}, 0.5, 0);
        assertEquals(1.0, half.recallAtFdr50(), EXACT);
        assertEquals(0.0, half.recallAtFdr10(), EXACT);
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
            assertEquals(Reference.averagePrecision(scores, positive), m.averagePrecision(), 1e-12, "trial " + trial);
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
        // One point (TP 2, FP 3): AP = 2/5; Davis–Goadrich: flat at 2/5 from recall 0 to 1.
        assertEquals(0.4, m.averagePrecision(), EXACT);
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
        assertEquals(1.0, perfect.averagePrecision(), EXACT);
        assertEquals(1.0, perfect.recallAtFdr10(), EXACT);
        assertEquals(1.0, perfect.mcc(), EXACT);
        BinaryMetrics reversed = BinaryMetrics.compute(scores, new boolean[] {false, false, true, true}, 2.5, 0);
        assertEquals(0.0, reversed.auroc(), EXACT);
        assertEquals((1.0 / 3 + 2.0 / 4) / 2, reversed.averagePrecision(), EXACT);
        // Points (0,1) (0,2) (1,2) (2,2), precision 0, 0, 1/3, 1/2. Davis–Goadrich: the curve starts
        // at the first point's precision, 0; trapezoids of width 1/2: (0,2)→(1,2): (0+1/3)/2·1/2 =
        // 1/12; (1,2)→(2,2): (1/3+1/2)/2·1/2 = 5/24. Sum 7/24 (below AP: the first positive is
        // interpolated up from precision 0, not credited with its own precision).
        assertEquals(7.0 / 24, reversed.auprc(), EXACT);
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
        assertEquals(a.averagePrecision(), b.averagePrecision(), EXACT);
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
        assertEquals(plain.averagePrecision(), withExcluded.averagePrecision(), EXACT);
        assertEquals(plain.f1(), withExcluded.f1(), EXACT);
        assertEquals(plain.mcc(), withExcluded.mcc(), EXACT);
    }

    @Test
    void oneClassOnlyGivesNanWithAReason() {
        BinaryMetrics allPositive = BinaryMetrics.compute(new float[] {0.2f, 0.7f}, new byte[] {1, 1}, 0.5);
        assertTrue(Double.isNaN(allPositive.auroc()));
        assertTrue(Double.isNaN(allPositive.auprc()));
        assertTrue(Double.isNaN(allPositive.averagePrecision()));
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
