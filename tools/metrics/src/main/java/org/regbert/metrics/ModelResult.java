package org.regbert.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One model's metrics on one task and cell type. Exactly one of {@code binary},
 * {@code multiclass}, {@code regression} is set, by {@code kind}.
 *
 * @param intervals bootstrap intervals of the headline ranking metrics, by metric name
 *     ({@code auroc}, {@code auprc}, {@code averagePrecision}; {@code macroAuroc}, {@code macroAuprc},
 *     {@code macroAveragePrecision}; {@code pearson},
 *     {@code spearman}); empty when the bootstrap is off
 */
public record ModelResult(String model, Predictions.Kind kind, BinaryMetrics binary, MulticlassMetrics multiclass,
        RegressionMetrics regression, Map<String, ConfidenceInterval> intervals) {

    /** The metrics shown in tables and compared between models, in display order. */
    public Map<String, Double> headline() {
        Map<String, Double> values = new LinkedHashMap<>();
        switch (kind) {
            case BINARY -> {
                values.put("auroc", binary.auroc());
                values.put("auprc", binary.auprc());
                values.put("averagePrecision", binary.averagePrecision());
                values.put("recallAtFdr10", binary.recallAtFdr10());
                values.put("recallAtFdr50", binary.recallAtFdr50());
                values.put("f1", binary.f1());
                values.put("mcc", binary.mcc());
            }
            case MULTICLASS -> {
                values.put("macroAuroc", multiclass.macroAuroc());
                values.put("macroAuprc", multiclass.macroAuprc());
                values.put("macroAveragePrecision", multiclass.macroAveragePrecision());
                values.put("macroF1", multiclass.macroF1());
                values.put("accuracy", multiclass.accuracy());
            }
            case REGRESSION -> {
                values.put("pearson", regression.pearson());
                values.put("spearman", regression.spearman());
            }
        }
        return values;
    }
}
