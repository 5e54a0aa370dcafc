package org.regbert.metrics;

/**
 * Independent, deliberately naive definitions the fast implementations are checked against:
 * quadratic loops straight from the textbook formulas, sharing no code with the library.
 */
final class Reference {
    private Reference() {
    }

    /** Mann–Whitney U / (P·N): over every positive-negative pair, 1 if ranked right, ½ if tied. */
    static double mannWhitneyAuc(double[] scores, boolean[] positive) {
        double u = 0;
        long pairs = 0;
        for (int i = 0; i < scores.length; i++) {
            for (int j = 0; j < scores.length; j++) {
                if (positive[i] && !positive[j]) {
                    pairs++;
                    u += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }
        return u / pairs;
    }

    /**
     * Average precision as the mean, over positives, of the precision at that positive's score:
     * (positives scoring ≥ s) / (windows scoring ≥ s).
     */
    static double averagePrecision(double[] scores, boolean[] positive) {
        double sum = 0;
        int positives = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!positive[i]) {
                continue;
            }
            positives++;
            int above = 0;
            int truePositives = 0;
            for (int j = 0; j < scores.length; j++) {
                if (scores[j] >= scores[i]) {
                    above++;
                    truePositives += positive[j] ? 1 : 0;
                }
            }
            sum += (double) truePositives / above;
        }
        return sum / positives;
    }

    /** The largest recall over every threshold t in the scores with FP/(TP+FP) ≤ q (0 if none). */
    static double recallAtFdr(double[] scores, boolean[] positive, double q) {
        int p = 0;
        for (boolean b : positive) {
            p += b ? 1 : 0;
        }
        double best = 0;
        for (double t : scores) {
            int tp = 0;
            int fp = 0;
            for (int j = 0; j < scores.length; j++) {
                if (scores[j] >= t) {
                    if (positive[j]) {
                        tp++;
                    } else {
                        fp++;
                    }
                }
            }
            if ((double) fp / (tp + fp) <= q) {
                best = Math.max(best, (double) tp / p);
            }
        }
        return best;
    }

    /** 1-based ranks: (number of smaller values) + (number of equal values + 1) / 2. */
    static double[] ranks(double[] values) {
        double[] ranks = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            int less = 0;
            int equal = 0;
            for (double v : values) {
                less += v < values[i] ? 1 : 0;
                equal += v == values[i] ? 1 : 0;
            }
            ranks[i] = less + (equal + 1) / 2.0;
        }
        return ranks;
    }

    /** Pearson's r from the raw-sum formula. */
    static double pearson(double[] a, double[] b) {
        int n = a.length;
        double sa = 0;
        double sb = 0;
        double saa = 0;
        double sbb = 0;
        double sab = 0;
        for (int i = 0; i < n; i++) {
            sa += a[i];
            sb += b[i];
            saa += a[i] * a[i];
            sbb += b[i] * b[i];
            sab += a[i] * b[i];
        }
        return (n * sab - sa * sb) / Math.sqrt((n * saa - sa * sa) * (n * sbb - sb * sb));
    }
}
