package org.regbert.finetune;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.regbert.common.BadInputException;
import org.regbert.pretrain.AdamW;
import org.regbert.pretrain.GeneBertModel;
import org.regbert.pretrain.MetricsLog;
import org.regbert.pretrain.PretrainedModel;
import org.regbert.pretrain.TrainingProgress;
import org.regbert.shards.TokenShard;

/**
 * One fine-tuning run: builds the task from the shards' labels, trains encoder and head with
 * AdamW (linear warm-up, then linear decay), evaluates on the validation windows, keeps the best
 * model by validation auPRC (multi-class: macro auPRC; regression: MSE) and stops early when it
 * stops improving, then writes the best model's predictions for the validation and test windows.
 * Checkpoints at every evaluation make the run resumable with the same result.
 */
public final class FinetuneRun {
    private final FinetuneSettings settings;
    private final Path output;
    /** The test windows' overlap with the encoder's pre-training windows, for the summary. */
    private PretrainingOverlap overlap;

    public FinetuneRun(FinetuneSettings settings) {
        this.settings = settings;
        this.output = settings.output();
    }

    /** Runs to the end (or to --stop-after) and returns the summary written to finetune-summary.json. */
    public Map<String, Object> execute() throws IOException {
        Path resumeFrom = RunFiles.prepare(output, settings.resume(), settings.overwrite());
        Device device = PretrainedModel.device(settings.device());
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed(PretrainedModel.engineSeed(settings.seed()));
        FinetunedModel model;
        TaskPlan plan;
        RunFiles.TrainerState state;
        if (resumeFrom != null) {
            model = FinetunedModel.load(resumeFrom, device);
            state = RunFiles.readState(resumeFrom);
        } else {
            PretrainedModel encoder = settings.fromScratch()
                    ? PretrainedModel.fromScratch(settings.shards(), settings.scratchModel(), settings.scratchPreset(),
                            settings.seed(), device)
                    : PretrainedModel.load(settings.checkpoint(), device);
            try {
                TaskSpec spec = TaskPlan.specify(settings, encoder);
                ModelMotifs motifs = motifs(spec, encoder);
                engine.setRandomSeed(PretrainedModel.engineSeed(settings.seed() + 1));
                model = FinetunedModel.create(encoder, spec, motifs);
            } catch (RuntimeException e) {
                encoder.close();
                throw e;
            }
            state = new RunFiles.TrainerState();
        }
        try (FinetunedModel m = model;
                ShardInputs inputs = new ShardInputs(settings.shards(), model.spec(), model.encoder())) {
            plan = TaskPlan.build(settings, model.spec(), inputs);
            // Before anything is written: a refused run leaves the output as it found it.
            overlap = LeakageGuard.forFinetune(model.spec(), model.encoder(), plan, inputs);
            LeakageGuard.apply(overlap, settings.allowPretrainingOverlap(), "finetune", settings.quiet(), System.err);
            if (resumeFrom == null) {
                Files.write(output.resolve(RunFiles.TASK_PLAN), FinetunedModel.JSON.writeValueAsBytes(plan.describe()));
            }
            return train(engine, m, inputs, plan, state, resumeFrom);
        }
    }

    /** GeneBERT reading motifs: the scan of the shards' matrices, to keep in the model; else null. */
    private ModelMotifs motifs(TaskSpec spec, PretrainedModel encoder) {
        if (!spec.motifs()) {
            if (settings.motifs() != null) {
                throw new BadInputException("--motifs: the model reads no motif matrices (only GeneBERT pre-trained"
                        + " on 'align --motifs' shards does); leave the option out");
            }
            return null;
        }
        try (TokenShard first = TokenShard.open(org.regbert.shards.ShardSet.list(settings.shards()).get(0))) {
            return ModelMotifs.fromShards(first, settings.motifs(), encoder.vocabularies(),
                    settings.quiet() ? null : System.err);
        }
    }

    private Map<String, Object> train(Engine engine, FinetunedModel model, ShardInputs inputs, TaskPlan plan,
            RunFiles.TrainerState state, Path resumeFrom) throws IOException {
        TaskSpec spec = model.spec();
        int batch = settings.batchSize();
        int batchesPerEpoch = (plan.epochLength() + batch - 1) / batch;
        long totalSteps = (long) settings.epochs() * batchesPerEpoch;
        if (settings.maxSteps() > 0) {
            totalSteps = Math.min(totalSteps, settings.maxSteps());
        }
        long warmup = Math.round(totalSteps * settings.warmupFraction());
        int evalEvery = settings.evalEvery() > 0 ? settings.evalEvery() : batchesPerEpoch;
        NDManager manager = model.encoder().model().getNDManager();
        TrainingProgress progress = TrainingProgress.onStderr(settings.quiet(), state.step, totalSteps)
                .labelled("finetune");
        try (AdamW optimizer = new AdamW(manager, model.parameters(), settings.weightDecay());
                MetricsLog metrics = new MetricsLog(output, state.step)) {
            if (resumeFrom != null) {
                RunFiles.restoreOptimizer(resumeFrom, optimizer);
            }
            long started = System.nanoTime();
            int[] order = null;
            int orderEpoch = -1;
            while (state.step < totalSteps && !state.stoppedEarly) {
                int epoch = (int) (state.step / batchesPerEpoch);
                int position = (int) (state.step % batchesPerEpoch);
                if (orderEpoch != epoch) {
                    order = plan.epochOrder(settings.seed(), epoch);
                    orderEpoch = epoch;
                }
                int from = position * batch;
                int count = Math.min(batch, order.length - from);
                double lr = learningRate(state.step, warmup, totalSteps);
                double loss = step(engine, model, inputs, plan, optimizer, order, from, count, lr, state.step);
                state.step++;
                progress.update(state.step, loss, (long) count * spec.windowTokens());
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("type", "train");
                record.put("step", state.step);
                record.put("epoch", epoch);
                record.put("loss", loss);
                record.put("lr", lr);
                metrics.write(record);
                boolean last = state.step == totalSteps;
                if (state.step % evalEvery == 0 || last) {
                    Validation.Score score = Validation.score(model, inputs, plan, plan.validation(), Math.max(batch, 64));
                    boolean better = state.bestStep < 0 || score.value() > state.bestScore;
                    if (better) {
                        state.bestScore = score.value();
                        state.bestStep = state.step;
                        state.badEvaluations = 0;
                        RunFiles.replaceModel(output, model);
                    } else if (settings.patience() > 0 && ++state.badEvaluations >= settings.patience()) {
                        state.stoppedEarly = true;
                        progress.note("early stop at step " + state.step + ": validation " + score.name() + " has not"
                                + " improved on step " + state.bestStep + "'s " + round(state.bestScore) + " for "
                                + settings.patience() + " evaluations");
                    }
                    Map<String, Object> eval = new LinkedHashMap<>();
                    eval.put("type", "eval");
                    eval.put("step", state.step);
                    eval.put("split", "validation");
                    eval.putAll(score.metrics());
                    eval.put("best", better);
                    metrics.write(eval);
                    state.seconds += (System.nanoTime() - started) / 1e9;
                    started = System.nanoTime();
                    RunFiles.checkpoint(output, state, model, optimizer);
                }
                if (settings.stopAfter() != null && state.step >= settings.stopAfter()) {
                    progress.finish();
                    return Map.of("stoppedAfter", state.step);
                }
            }
            progress.finish();
            state.seconds += (System.nanoTime() - started) / 1e9;
            return Outputs.finish(output, settings, plan, state, metrics.records(), inputs, overlap);
        }
    }

    /** Forward, backward and one AdamW update over one batch, in a sub-manager closed at the end. */
    private double step(Engine engine, FinetunedModel model, ShardInputs inputs, TaskPlan plan, AdamW optimizer,
            int[] order, int from, int count, double lr, long step) {
        int[] picked = java.util.Arrays.copyOfRange(order, from, from + count);
        InputBatch batch = plan.inputs(inputs, picked);
        try (NDManager sub = model.encoder().model().getNDManager().newSubManager()) {
            engine.setRandomSeed(PretrainedModel.engineSeed(settings.seed() * 1_000_003L + step));
            double loss;
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray logits = model.logits(sub, batch, true);
                NDArray value = Losses.loss(sub, model.spec().head(), logits, plan.labels(picked),
                        plan.standardisedTargets(picked), plan.classWeights());
                collector.backward(value);
                loss = value.getFloat();
            }
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("the loss diverged (" + loss + ") at step " + step + "; lower --lr (was "
                        + settings.learningRate() + ")");
            }
            optimizer.step(sub, lr, 1.0);
            return loss;
        }
    }

    private double learningRate(long step, long warmup, long total) {
        double peak = settings.learningRate();
        if (step < warmup) {
            return peak * (step + 1) / warmup;
        }
        return peak * Math.max(0.0, (double) (total - step) / Math.max(1, total - warmup));
    }

    static double round(double value) {
        return Double.isFinite(value) ? Math.round(value * 1e6) / 1e6 : value;
    }
}
