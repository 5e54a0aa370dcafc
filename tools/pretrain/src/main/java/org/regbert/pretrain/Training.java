package org.regbert.pretrain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.shards.KmerVocabulary;

/** One optimiser step and one held-out evaluation, each in a sub-manager closed when it ends. */
final class Training {
    private Training() {
    }

    /**
     * What a step reports: mean losses over its micro-batches, masked tokens, tokens, gradient norm
     * and whether the step had to be recomputed ({@link #step}).
     */
    record StepResult(double loss, Map<String, Double> parts, long masked, long tokens, double gradNorm,
            boolean recomputed) implements RecomputedStep.Outcome {
    }

    /**
     * Forward and backward over every micro-batch (gradients accumulate, each loss divided by their
     * number), then one AdamW update. The engine's generator (dropout) is reseeded from the seed and
     * the step first, so a resumed run draws the same dropout masks. Every NDArray the step makes
     * lives in a sub-manager of {@code manager} that is closed before returning. A step whose loss or
     * gradient is not finite is computed once more ({@link RecomputedStep}).
     */
    static StepResult step(Engine engine, NDManager manager, PretrainingModel model, AdamW optimizer,
            PretrainConfig config, long step, double lr, Batch[] batches) {
        return RecomputedStep.run("pretrain", step, "training.learningRate (was " + config.training.learningRate
                + ")", recomputed -> attempt(engine, manager, model, optimizer, config, step, lr, batches, recomputed));
    }

    private static StepResult attempt(Engine engine, NDManager manager, PretrainingModel model, AdamW optimizer,
            PretrainConfig config, long step, double lr, Batch[] batches, boolean recomputed) {
        try (NDManager sub = manager.newSubManager()) {
            int accumulation = batches.length;
            double[] loss = {0};
            Map<String, Double> parts = new LinkedHashMap<>();
            long[] masked = {0};
            long[] tokens = {0};
            // the reseeding, the dropout it decides, the gradients and the update: one training at a time per JVM
            // (EngineSteps)
            double gradNorm = EngineSteps.inTurn(() -> {
                engine.setRandomSeed(PretrainRun.seedInt(config.training.seed * 1_000_003L + step));
                try (GradientCollector collector = engine.newGradientCollector()) {
                    for (Batch batch : batches) {
                        PretrainingModel.Losses losses = model.losses(sub, batch, true);
                        collector.backward(accumulation > 1 ? GraphScalars.div(losses.total, accumulation) : losses.total);
                        loss[0] += losses.total.getFloat() / accumulation;
                        for (Map.Entry<String, NDArray> part : losses.parts.entrySet()) {
                            parts.merge(part.getKey(), (double) part.getValue().getFloat() / accumulation, Double::sum);
                        }
                        masked[0] += losses.mlmCount;
                        tokens[0] += batch.realTokens;
                    }
                }
                if (!Double.isFinite(loss[0])) {
                    optimizer.discardGradients(sub);
                    return Double.NaN;
                }
                return optimizer.step(sub, lr, config.training.clipNorm);
            });
            return new StepResult(loss[0], parts, masked[0], tokens[0], gradNorm, recomputed);
        }
    }

    /**
     * Held-out losses over fixed batches, without dropout: the token task's loss per masked token
     * and accuracy, its loss on the [MASK]-shown tokens alone ("MaskOnly": what context gives),
     * every other task's mean, GeneBERT's matching accuracy and the MSE of predicting the training
     * mean for the masked regions ("mrmBaseline").
     */
    static Map<String, Double> evaluate(PretrainingModel model, NDManager manager, List<Batch> batches,
            boolean genebert) {
        String tokenTask = genebert ? "msm" : "mlm";
        double tokenLoss = 0;
        long correct = 0;
        long masked = 0;
        double maskOnlyLoss = 0;
        long maskOnly = 0;
        Map<String, double[]> parts = new LinkedHashMap<>();
        long matchCorrect = 0;
        long pairs = 0;
        double baselineSquares = 0;
        long baselineCount = 0;
        for (Batch batch : batches) {
            try (NDManager sub = manager.newSubManager()) {
                PretrainingModel.Losses losses = model.losses(sub, batch, false);
                tokenLoss += losses.parts.get(tokenTask).getFloat() * losses.mlmCount;
                correct += losses.mlmCorrect.getLong();
                masked += losses.mlmCount;
                if (losses.tokenNll != null) {
                    float[] nll = losses.tokenNll.toFloatArray();
                    for (int i = 0; i < nll.length; i++) {
                        if (batch.tokens[batch.maskedPositions[i]] == KmerVocabulary.MASK) {
                            maskOnlyLoss += nll[i];
                            maskOnly++;
                        }
                    }
                }
                for (Map.Entry<String, NDArray> part : losses.parts.entrySet()) {
                    if (!part.getKey().equals(tokenTask)) {
                        double[] sum = parts.computeIfAbsent(part.getKey(), k -> new double[2]);
                        double weight = part.getKey().equals("mrm") ? batch.regionTargets.length : batch.size;
                        sum[0] += part.getValue().getFloat() * weight;
                        sum[1] += weight;
                    }
                }
                if (losses.matchCorrect != null) {
                    matchCorrect += losses.matchCorrect.getLong();
                    pairs += losses.matchCount;
                }
                if (batch.regionTargets != null) {
                    for (float v : batch.regionTargets) {
                        baselineSquares += (double) v * v;
                    }
                    baselineCount += batch.regionTargets.length;
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(tokenTask, masked == 0 ? Double.NaN : tokenLoss / masked);
        out.put(tokenTask + "Accuracy", masked == 0 ? Double.NaN : (double) correct / masked);
        out.put(tokenTask + "MaskOnly", maskOnly == 0 ? Double.NaN : maskOnlyLoss / maskOnly);
        parts.forEach((k, v) -> out.put(k, v[0] / v[1]));
        if (pairs > 0) {
            out.put("srmAccuracy", (double) matchCorrect / pairs);
        }
        if (baselineCount > 0) {
            out.put("mrmBaseline", baselineSquares / baselineCount);
        }
        out.put("maskedTokens", (double) masked);
        return out;
    }
}
