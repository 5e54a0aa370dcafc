package org.regbert.metrics;

/**
 * Binary-classification metrics of one model on one task and cell type, computed exactly from
 * every kept window (no binning of scores). See the module README for the definitions.
 *
 * @param windows windows kept (labels 0 or 1)
 * @param excluded windows left out because their label is negative (DREAM "A", not sampled)
 * @param auroc area under the ROC curve (trapezoid = Mann–Whitney, ties ½); NaN when a class is absent
 * @param auprc Davis–Goadrich interpolated area under the PR curve, as ENCODE-DREAM computed auPRC
 *     (R PRROC's {@code auc.davis.goadrich}); NaN when a class is absent
 * @param averagePrecision average precision, the area under the step-wise PR curve (scikit-learn's
 *     {@code average_precision_score}); NaN when a class is absent
 * @param recallAtFdr10 largest recall among thresholds whose FDR = 1 − precision ≤ 0.10 (0 if none):
 *     ENCODE-DREAM's {@code recall_at_fdr}
 * @param recallAtFdr50 the same at FDR ≤ 0.50
 * @param threshold score at or above which a window is called positive for the next five values
 * @param mcc Matthews correlation; NaN when a row or column of the confusion matrix is empty
 * @param undefinedReason why the ranking metrics are NaN, or null when they are defined
 */
public record BinaryMetrics(int windows, int excluded, int positives, int negatives,
        double auroc, double auprc, double averagePrecision, double recallAtFdr10, double recallAtFdr50,
        double threshold, double accuracy, double precision, double recall, double f1, double mcc,
        Curve roc, Curve pr, String undefinedReason) {

    /** The default decision threshold, for scores that are probabilities. */
    public static final double DEFAULT_THRESHOLD = 0.5;

    /**
     * Metrics from scores and int8-style labels: 1 positive, 0 negative, any negative value
     * excluded.
     *
     * @throws IllegalArgumentException when the arrays differ in length, a label is above 1 or a
     *     kept score is NaN
     */
    public static BinaryMetrics compute(float[] scores, byte[] labels, double threshold) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + labels.length + " labels");
        }
        int kept = 0;
        for (byte label : labels) {
            if (label > 1) {
                throw new IllegalArgumentException("binary label " + label + " (expected 1, 0 or negative)");
            }
            if (label >= 0) {
                kept++;
            }
        }
        double[] keptScores = new double[kept];
        boolean[] positive = new boolean[kept];
        int k = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= 0) {
                keptScores[k] = scores[i];
                positive[k++] = labels[i] == 1;
            }
        }
        return compute(keptScores, positive, threshold, labels.length - kept);
    }

    /** Metrics of windows already filtered to known labels. */
    public static BinaryMetrics compute(double[] scores, boolean[] positive, double threshold, int excluded) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + positive.length + " labels");
        }
        Ranking ranking = new Ranking(scores, positive);
        long[][] c = ranking.cumulative(null);
        int groups = ranking.groups();
        long p = groups == 0 ? 0 : c[0][groups - 1];
        long n = groups == 0 ? 0 : c[1][groups - 1];
        String reason = p == 0 && n == 0 ? "no windows with a label"
                : p == 0 ? "no positive windows" : n == 0 ? "no negative windows" : null;

        double[] rocX = new double[groups + 1];
        double[] rocY = new double[groups + 1];
        double[] rocT = new double[groups + 1];
        double[] prX = new double[groups];
        double[] prY = new double[groups];
        rocT[0] = Double.POSITIVE_INFINITY;
        double best10 = 0;
        double best50 = 0;
        for (int g = 0; g < groups; g++) {
            long tp = c[0][g];
            long fp = c[1][g];
            rocX[g + 1] = n == 0 ? Double.NaN : (double) fp / n;
            rocY[g + 1] = p == 0 ? Double.NaN : (double) tp / p;
            rocT[g + 1] = ranking.groupScore[g];
            prX[g] = p == 0 ? Double.NaN : (double) tp / p;
            prY[g] = (double) tp / (tp + fp);
            // 1 − precision, computed as scikit-learn's precision_recall_curve and DREAM's
            // recall_at_fdr do, so a threshold exactly at the cut-off falls on the same side.
            double fdr = 1 - prY[g];
            if (p > 0 && fdr <= 0.10) {
                best10 = Math.max(best10, prX[g]);
            }
            if (p > 0 && fdr <= 0.50) {
                best50 = Math.max(best50, prX[g]);
            }
        }
        Curve roc = new Curve(rocX, rocY, rocT);
        Curve pr = new Curve(prX, prY, ranking.groupScore.clone());

        long tp = 0;
        long fp = 0;
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] >= threshold) {
                if (positive[i]) {
                    tp++;
                } else {
                    fp++;
                }
            }
        }
        long fn = p - tp;
        long tn = n - fp;
        double accuracy = (double) (tp + tn) / (p + n);
        double precision = tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
        double recall = p == 0 ? Double.NaN : (double) tp / p;
        double f1 = 2 * tp + fp + fn == 0 ? Double.NaN : 2.0 * tp / (2 * tp + fp + fn);
        double denominator = Math.sqrt((double) (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
        double mcc = denominator == 0 ? Double.NaN : ((double) tp * tn - (double) fp * fn) / denominator;

        boolean defined = reason == null;
        return new BinaryMetrics(scores.length, excluded, (int) p, (int) n,
                defined ? ranking.auroc(null) : Double.NaN,
                defined ? ranking.davisGoadrich(null) : Double.NaN,
                defined ? ranking.averagePrecision(null) : Double.NaN,
                defined ? best10 : Double.NaN, defined ? best50 : Double.NaN,
                threshold, accuracy, precision, recall, f1, mcc, roc, pr, reason);
    }
}
