package org.regbert.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MulticlassMetricsTest {
    /** Splice-style: 0 none, 1 donor, 2 acceptor; one ambiguous window excluded. */
    private static final float[] SCORES = {
        0.7f, 0.2f, 0.1f, // label 0, called 0
        0.5f, 0.4f, 0.1f, // label 1, called 0
        0.1f, 0.8f, 0.1f, // label 1, called 1
        0.2f, 0.3f, 0.5f, // label 2, called 2
        0.3f, 0.3f, 0.4f, // label 0, called 2
        0.1f, 0.1f, 0.8f, // label -1: excluded
    };
    private static final byte[] LABELS = {0, 1, 1, 2, 0, -1};

    @Test
    void confusionMatrixAndAccuracyByHand() {
        MulticlassMetrics m = MulticlassMetrics.compute(SCORES, 3, LABELS, 0.5);
        assertEquals(5, m.windows());
        assertEquals(1, m.excluded());
        assertArrayEquals(new long[] {1, 0, 1}, m.confusion()[0]);
        assertArrayEquals(new long[] {1, 1, 0}, m.confusion()[1]);
        assertArrayEquals(new long[] {0, 0, 1}, m.confusion()[2]);
        assertEquals(3.0 / 5, m.accuracy(), 1e-12);
    }

    @Test
    void eachClassIsItsColumnAgainstTheRest() {
        MulticlassMetrics m = MulticlassMetrics.compute(SCORES, 3, LABELS, 0.5);
        double aurocSum = 0;
        double auprcSum = 0;
        double apSum = 0;
        for (int c = 0; c < 3; c++) {
            double[] column = new double[5];
            boolean[] positive = new boolean[5];
            for (int i = 0; i < 5; i++) {
                column[i] = SCORES[i * 3 + c];
                positive[i] = LABELS[i] == c;
            }
            assertEquals(Reference.mannWhitneyAuc(column, positive), m.perClass().get(c).auroc(), 1e-12);
            assertEquals(Reference.averagePrecision(column, positive), m.perClass().get(c).averagePrecision(), 1e-12);
            apSum += m.perClass().get(c).averagePrecision();
            aurocSum += m.perClass().get(c).auroc();
            auprcSum += m.perClass().get(c).auprc();
        }
        // Class 2 (acceptor): its one positive 0.5 beats 0.1, 0.1, 0.1 and 0.4: auROC 1.
        assertEquals(1.0, m.perClass().get(2).auroc(), 1e-12);
        assertEquals(aurocSum / 3, m.macroAuroc(), 1e-12);
        assertEquals(auprcSum / 3, m.macroAuprc(), 1e-12);
        assertEquals(apSum / 3, m.macroAveragePrecision(), 1e-12);
        // Class 0 (none) by hand: 0.7 (+), 0.5, 0.3 (+), 0.2, 0.1; P = 2, points (1,0) (1,1) (2,1)
        // (2,2) (2,3). Davis–Goadrich: flat at 1 to recall 1/2, then (1/2 + 2/3)/2·1/2 = 7/24:
        // 12/24 + 7/24 = 19/24; average precision (1 + 2/3)/2 = 5/6. Class 2: its positive on top, 1.
        assertEquals(19.0 / 24, m.perClass().get(0).auprc(), 1e-12);
        assertEquals(5.0 / 6, m.perClass().get(0).averagePrecision(), 1e-12);
        assertEquals(1.0, m.perClass().get(2).auprc(), 1e-12);
    }

    @Test
    void macroSkipsClassesWithoutPositives() {
        float[] scores = {0.9f, 0.1f, 0f, 0.2f, 0.8f, 0f, 0.6f, 0.4f, 0f};
        byte[] labels = {0, 1, 1};
        MulticlassMetrics m = MulticlassMetrics.compute(scores, 3, labels, 0.5);
        assertEquals("no positive windows", m.perClass().get(2).undefinedReason());
        assertEquals((m.perClass().get(0).auroc() + m.perClass().get(1).auroc()) / 2, m.macroAuroc(), 1e-12);
    }

    @Test
    void labelsOutsideTheClassesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> MulticlassMetrics.compute(new float[] {0.5f, 0.5f}, 2, new byte[] {2}, 0.5));
        assertThrows(IllegalArgumentException.class,
                () -> MulticlassMetrics.compute(new float[] {0.5f, 0.5f, 0.1f}, 2, new byte[] {1}, 0.5));
    }
}
