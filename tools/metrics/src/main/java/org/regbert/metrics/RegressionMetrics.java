package org.regbert.metrics;

import java.util.Arrays;

/**
 * Correlation of predicted and measured levels (for example the DHS list's MCV, the number of
 * cell types where a site is open).
 *
 * @param pearson Pearson's r; NaN when either side is constant
 * @param spearman Spearman's ρ: Pearson's r of the average ranks (ties share their mean rank)
 */
public record RegressionMetrics(int windows, double pearson, double spearman) {

    public static RegressionMetrics compute(double[] predicted, double[] measured) {
        if (predicted.length != measured.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + measured.length + " values");
        }
        return new RegressionMetrics(predicted.length, pearson(predicted, measured),
                pearson(averageRanks(predicted), averageRanks(measured)));
    }

    /** Pearson's r with two-pass (mean-centred) sums; NaN for fewer than 2 values or no variance. */
    public static double pearson(double[] a, double[] b) {
        int n = a.length;
        if (n < 2) {
            return Double.NaN;
        }
        double meanA = 0;
        double meanB = 0;
        for (int i = 0; i < n; i++) {
            meanA += a[i];
            meanB += b[i];
        }
        meanA /= n;
        meanB /= n;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            double da = a[i] - meanA;
            double db = b[i] - meanB;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        return saa == 0 || sbb == 0 ? Double.NaN : Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
    }

    /** 1-based ranks in increasing order; tied values get the mean of the ranks they span. */
    public static double[] averageRanks(double[] values) {
        int n = values.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(values[x], values[y]));
        double[] ranks = new double[n];
        for (int start = 0; start < n;) {
            int end = start + 1;
            while (end < n && values[order[end]] == values[order[start]]) {
                end++;
            }
            double rank = (start + 1 + end) / 2.0;
            for (int i = start; i < end; i++) {
                ranks[order[i]] = rank;
            }
            start = end;
        }
        return ranks;
    }
}
