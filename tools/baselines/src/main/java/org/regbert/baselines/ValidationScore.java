package org.regbert.baselines;

import java.util.Arrays;

/**
 * What picks k and the penalty on validation windows: average precision for classification
 * (scikit-learn's average_precision_score: sum over thresholds of (R_n - R_{n-1}) P_n, tied scores
 * one threshold; macro over classes for multi-class), R^2 for regression. Higher is better; NaN
 * when undefined (no positive, or constant targets).
 */
final class ValidationScore {
    private ValidationScore() {
    }

    static double averagePrecision(double[] scores, boolean[] positive) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        int positives = 0;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            positives += positive[i] ? 1 : 0;
        }
        if (positives == 0) {
            return Double.NaN;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        double ap = 0;
        int truePositives = 0;
        int seen = 0;
        double previousRecall = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j < n && scores[order[j]] == scores[order[i]]) {
                truePositives += positive[order[j]] ? 1 : 0;
                j++;
            }
            seen = j;
            double recall = (double) truePositives / positives;
            ap += (recall - previousRecall) * truePositives / seen;
            previousRecall = recall;
            i = j;
        }
        return ap;
    }

    /** Mean average precision over the classes with a positive (one against the rest); scores [n * classes]. */
    static double macroAveragePrecision(double[] scores, int classes, double[] labels) {
        int n = labels.length;
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < classes; c++) {
            double[] column = new double[n];
            boolean[] positive = new boolean[n];
            for (int i = 0; i < n; i++) {
                column[i] = scores[i * classes + c];
                positive[i] = (int) labels[i] == c;
            }
            double ap = averagePrecision(column, positive);
            if (!Double.isNaN(ap)) {
                sum += ap;
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    /** 1 - sum (y - p)^2 / sum (y - mean y)^2. */
    static double rSquared(double[] predicted, double[] measured) {
        double mean = 0;
        for (double y : measured) {
            mean += y;
        }
        mean /= Math.max(1, measured.length);
        double residual = 0;
        double total = 0;
        for (int i = 0; i < measured.length; i++) {
            residual += (measured[i] - predicted[i]) * (measured[i] - predicted[i]);
            total += (measured[i] - mean) * (measured[i] - mean);
        }
        return total == 0 ? Double.NaN : 1 - residual / total;
    }
}
