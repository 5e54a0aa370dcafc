package org.regbert.finetune;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.regbert.metrics.BinaryMetrics;
import org.regbert.metrics.MulticlassMetrics;
import org.regbert.metrics.RegressionMetrics;

/** Predictions of a model on a plan's examples, and the validation score early stopping reads. */
final class Validation {
    private Validation() {
    }

    /** What an evaluation measured: the score to maximise, its name and every figure for the log. */
    record Score(String name, double value, Map<String, Object> metrics) {
    }

    /** Outputs [indices.length * outputs] of the model (probabilities or levels) for examples {@code indices}. */
    static float[] predict(FinetunedModel model, ShardInputs inputs, TaskPlan plan, int[] indices, int batch) {
        int outputs = model.spec().outputs();
        float[] out = new float[indices.length * outputs];
        try (Predictor<InputBatch, float[][]> predictor = model.newPredictor()) {
            for (int from = 0; from < indices.length; from += batch) {
                int[] picked = java.util.Arrays.copyOfRange(indices, from, Math.min(indices.length, from + batch));
                float[][] rows = predictor.predict(plan.inputs(inputs, picked));
                for (int i = 0; i < rows.length; i++) {
                    System.arraycopy(rows[i], 0, out, (from + i) * outputs, outputs);
                }
            }
        } catch (TranslateException e) {
            throw new IllegalStateException("prediction failed: " + e.getMessage(), e);
        }
        return out;
    }

    static Score score(FinetunedModel model, ShardInputs inputs, TaskPlan plan, int[] indices, int batch) {
        float[] scores = predict(model, inputs, plan, indices, batch);
        return score(model.spec(), scores, plan, indices);
    }

    static Score score(TaskSpec spec, float[] scores, TaskPlan plan, int[] indices) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("windows", indices.length);
        int outputs = spec.outputs();
        switch (spec.head()) {
            case BINARY, MULTILABEL -> {
                double sum = 0;
                int defined = 0;
                for (int k = 0; k < outputs; k++) {
                    float[] column = new float[indices.length];
                    byte[] labels = new byte[indices.length];
                    for (int i = 0; i < indices.length; i++) {
                        column[i] = scores[i * outputs + k];
                        labels[i] = plan.examples.label(indices[i], k);
                    }
                    BinaryMetrics b = BinaryMetrics.compute(column, labels, BinaryMetrics.DEFAULT_THRESHOLD);
                    String prefix = outputs == 1 ? "" : spec.classNames().get(k) + ".";
                    m.put(prefix + "auroc", FinetuneRun.round(b.auroc()));
                    m.put(prefix + "auprc", FinetuneRun.round(b.auprc()));
                    if (Double.isFinite(b.auprc())) {
                        sum += b.auprc();
                        defined++;
                    }
                }
                double value = defined == 0 ? Double.NaN : sum / defined;
                if (outputs > 1) {
                    m.put("meanAuprc", FinetuneRun.round(value));
                }
                return new Score(outputs == 1 ? "auPRC" : "mean auPRC", finite(value), m);
            }
            case MULTICLASS -> {
                byte[] labels = new byte[indices.length];
                for (int i = 0; i < indices.length; i++) {
                    labels[i] = plan.examples.label(indices[i], 0);
                }
                MulticlassMetrics mc = MulticlassMetrics.compute(scores, outputs, labels,
                        BinaryMetrics.DEFAULT_THRESHOLD);
                m.put("accuracy", FinetuneRun.round(mc.accuracy()));
                m.put("macroAuroc", FinetuneRun.round(mc.macroAuroc()));
                m.put("macroAuprc", FinetuneRun.round(mc.macroAuprc()));
                return new Score("macro auPRC", finite(mc.macroAuprc()), m);
            }
            default -> {
                double[] predicted = new double[indices.length];
                double[] measured = new double[indices.length];
                double squares = 0;
                for (int i = 0; i < indices.length; i++) {
                    predicted[i] = scores[i];
                    measured[i] = plan.examples.targets[indices[i]];
                    squares += (predicted[i] - measured[i]) * (predicted[i] - measured[i]);
                }
                double mse = indices.length == 0 ? Double.NaN : squares / indices.length;
                RegressionMetrics r = RegressionMetrics.compute(predicted, measured);
                m.put("mse", FinetuneRun.round(mse));
                m.put("pearson", FinetuneRun.round(r.pearson()));
                m.put("spearman", FinetuneRun.round(r.spearman()));
                return new Score("negative MSE", finite(-mse), m);
            }
        }
    }

    /** An undefined score (a split without positives) never counts as an improvement. */
    private static double finite(double value) {
        return Double.isFinite(value) ? value : Double.NEGATIVE_INFINITY;
    }
}
