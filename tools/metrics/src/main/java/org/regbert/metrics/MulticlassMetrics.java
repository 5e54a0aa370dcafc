package org.regbert.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Multi-class metrics (for example splice: 0 none, 1 donor, 2 acceptor): each class one-vs-rest
 * on its own score column, macro averages over the classes whose metric is defined, and the
 * confusion matrix of the arg-max call.
 *
 * @param perClass one-vs-rest metrics of class c (its score column against label == c)
 * @param macroAuroc mean auROC over classes where it is defined (NaN if none)
 * @param macroAuprc mean Davis–Goadrich auPRC over classes where it is defined
 * @param macroAveragePrecision mean average precision over classes where it is defined
 * @param confusion {@code confusion[truth][predicted]} window counts, predicted = arg-max score
 *     (the lowest class on ties)
 * @param accuracy fraction of kept windows whose arg-max is their label
 */
public record MulticlassMetrics(int windows, int excluded, List<BinaryMetrics> perClass,
        double macroAuroc, double macroAuprc, double macroAveragePrecision, double macroF1, long[][] confusion, double accuracy) {

    /**
     * @param scores row-major [N, classes] scores (probabilities or logits)
     * @param labels class ids 0..classes−1; negative values excluded
     * @param threshold the per-class one-vs-rest decision threshold (for F1, MCC)
     */
    public static MulticlassMetrics compute(float[] scores, int classes, byte[] labels, double threshold) {
        if (classes < 2 || scores.length != (long) labels.length * classes) {
            throw new IllegalArgumentException(scores.length + " scores for " + labels.length
                    + " labels of " + classes + " classes");
        }
        int n = labels.length;
        long[][] confusion = new long[classes][classes];
        int kept = 0;
        long correct = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0) {
                continue;
            }
            if (labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of window " + i
                        + " is not below " + classes + " classes");
            }
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (scores[i * classes + c] > scores[i * classes + best]) {
                    best = c;
                }
            }
            confusion[labels[i]][best]++;
            correct += best == labels[i] ? 1 : 0;
            kept++;
        }
        List<BinaryMetrics> perClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            float[] column = new float[n];
            byte[] oneVsRest = new byte[n];
            for (int i = 0; i < n; i++) {
                column[i] = scores[i * classes + c];
                oneVsRest[i] = labels[i] < 0 ? -1 : (byte) (labels[i] == c ? 1 : 0);
            }
            perClass.add(BinaryMetrics.compute(column, oneVsRest, threshold));
        }
        return new MulticlassMetrics(kept, n - kept, List.copyOf(perClass),
                macro(perClass, BinaryMetrics::auroc), macro(perClass, BinaryMetrics::auprc),
                macro(perClass, BinaryMetrics::averagePrecision),
                macro(perClass, BinaryMetrics::f1), confusion, kept == 0 ? Double.NaN : (double) correct / kept);
    }

    private static double macro(List<BinaryMetrics> perClass, java.util.function.ToDoubleFunction<BinaryMetrics> metric) {
        double sum = 0;
        int defined = 0;
        for (BinaryMetrics m : perClass) {
            double value = metric.applyAsDouble(m);
            if (!Double.isNaN(value)) {
                sum += value;
                defined++;
            }
        }
        return defined == 0 ? Double.NaN : sum / defined;
    }
}
