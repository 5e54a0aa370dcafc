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
import org.regbert.common.OutputLock;
import org.regbert.pretrain.AdamW;
import org.regbert.pretrain.RecomputedStep;
import org.regbert.pretrain.GeneBertModel;
import org.regbert.pretrain.LearningRateSchedule;
import org.regbert.pretrain.BudgetRefit;
import org.regbert.pretrain.StepBudget;
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
    /** A budgeted run's estimate of its final test scoring, from the probe (NaN: no probe). */
    private double probeTestScoringSeconds = Double.NaN;
    private final Path output;
    /** The test windows' overlap with the encoder's pre-training windows, for the summary. */
    private PretrainingOverlap overlap;

    public FinetuneRun(FinetuneSettings settings) {
        this.settings = settings;
        this.output = settings.output();
    }

    /** Runs to the end (or to --stop-after) and returns the summary written to finetune-summary.json. */
    public Map<String, Object> execute() throws IOException {
        // The output is claimed for the whole run: another run given it is refused, not interleaved.
        try (OutputLock claim = OutputLock.acquire(output)) {
            return executeClaimed();
        }
    }

    private Map<String, Object> executeClaimed() throws IOException {
        // Nothing is created or deleted until every input has been checked: a refused run leaves no folder.
        Path resumeFrom = RunFiles.check(output, settings.resume(), settings.overwrite());
        Device device = PretrainedModel.device(settings.device());
        // No reseeding here, outside the turn: it could land inside another training's turn, between its
        // reseeding and its draws (the likely cause of SideBySideTest's occasional, always equal, 0.145
        // difference; not seen in 5 runs since). Every seeded draw below reseeds in its turn.
        Engine engine = Engine.getEngine("PyTorch");
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
                model = org.regbert.pretrain.EngineSteps.inTurn(() -> {  // seeded head: one at a time per JVM
                    engine.setRandomSeed(PretrainedModel.engineSeed(settings.seed() + 1));
                    return FinetunedModel.create(encoder, spec, motifs);
                });
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
            // The digest the summary records for evaluate (1-2 s over promoter's shards): taken now, before
            // --max-minutes fits the steps, so the budget has already paid for it.
            String shardsSha256 = org.regbert.shards.ShardSet.sha256(settings.shards());
            // A budget that fits no step is refused here too, before the output (or, with --overwrite, the
            // result already there) is touched.
            StepBudget.Report budget = resumeFrom == null && settings.maxMinutes() != null
                    ? fitToBudget(engine, m, inputs, plan, batchesPerEpoch(plan), evalEvery(plan)) : null;
            if (resumeFrom == null) {
                RunFiles.create(output, settings.overwrite());
                Files.write(output.resolve(RunFiles.TASK_PLAN), FinetunedModel.JSON.writeValueAsBytes(plan.describe()));
            }
            return train(engine, m, inputs, plan, state, resumeFrom, budget, shardsSha256);
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

    private int batchesPerEpoch(TaskPlan plan) {
        return (plan.epochLength() + settings.batchSize() - 1) / settings.batchSize();
    }

    private int evalEvery(TaskPlan plan) {
        return settings.evalEvery() > 0 ? settings.evalEvery() : batchesPerEpoch(plan);
    }

    /**
     * Trains from STATE; BUDGET: the step count a fresh --max-minutes run fitted (else null);
     * SHARDS_SHA256: the shards' digest, recorded beside the predictions.
     */
    private Map<String, Object> train(Engine engine, FinetunedModel model, ShardInputs inputs, TaskPlan plan,
            RunFiles.TrainerState state, Path resumeFrom, StepBudget.Report budget, String shardsSha256)
            throws IOException {
        TaskSpec spec = model.spec();
        int batch = settings.batchSize();
        int batchesPerEpoch = batchesPerEpoch(plan);
        long totalSteps = (long) settings.epochs() * batchesPerEpoch;
        if (settings.maxSteps() > 0) {
            totalSteps = Math.min(totalSteps, settings.maxSteps());
        }
        int evalEvery = evalEvery(plan);
        NDManager manager = model.encoder().model().getNDManager();
        if (budget != null) {
            state.totalSteps = budget.steps();
            state.budget = budget.toMap();
        }
        if (state.budget != null) {
            totalSteps = state.totalSteps; // a resumed budgeted run keeps its step count: it is never timed again
        }
        // A re-fitted run keeps the warm-up its first count gave (trainer state); else --warmup(-steps) decides.
        long warmup = state.warmupSteps != null ? state.warmupSteps : settings.warmupSteps(totalSteps);
        long refitAt = budget == null ? 0 : BudgetRefit.atStep(totalSteps, warmup, evalEvery);
        long timedFrom = 0;
        TrainingProgress progress = TrainingProgress.onStderr(settings.quiet(), state.step, totalSteps)
                .labelled("finetune");
        if (budget != null) {
            progress.note("finetune: " + budget.describe());
        }
        try (AdamW optimizer = new AdamW(manager, model.parameters(), settings.weightDecay(),
                model.lrScales(settings.encoderLrScale()));
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
                if (refitAt > 0 && state.step == BudgetRefit.timedFrom(refitAt)) {
                    timedFrom = System.nanoTime();
                }
                if (refitAt > 0 && state.step == refitAt) {
                    long steps = refit(budget, state, warmup, state.step - BudgetRefit.timedFrom(refitAt),
                            (System.nanoTime() - timedFrom) / 1e9, batchesPerEpoch, evalEvery, progress,
                            () -> timeScoring(model, inputs, plan, plan.test(), settings.inferenceBatchSize())
                                    .seconds(plan.test().length));
                    if (steps != totalSteps) {
                        totalSteps = steps;
                        progress = TrainingProgress.onStderr(settings.quiet(), state.step, totalSteps).labelled("finetune");
                    }
                }
                boolean last = state.step == totalSteps;
                if (state.step % evalEvery == 0 || last) {
                    Validation.Score score = Validation.score(model, inputs, plan, plan.validation(), settings.inferenceBatchSize());
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
            return Outputs.finish(output, settings, plan, state, metrics.records(), inputs, overlap, shardsSha256);
        }
    }

    /**
     * Forward, backward and one AdamW update over one batch, in a sub-manager closed at the end; a
     * step whose loss or gradient is not finite is computed once more ({@link RecomputedStep}).
     */
    private double step(Engine engine, FinetunedModel model, ShardInputs inputs, TaskPlan plan, AdamW optimizer,
            int[] order, int from, int count, double lr, long step) {
        int[] picked = java.util.Arrays.copyOfRange(order, from, from + count);
        InputBatch batch = plan.inputs(inputs, picked);
        return RecomputedStep.run("finetune", step, "--lr (was " + settings.learningRate() + ")",
                recomputed -> attempt(engine, model, plan, batch, picked, optimizer, lr, step)).loss();
    }

    /** One attempt's loss and gradient norm. */
    private record Attempt(double loss, double gradNorm) implements RecomputedStep.Outcome {
    }

    /** One forward, backward and update (loss or gradient norm not finite: nothing updated). */
    private Attempt attempt(Engine engine, FinetunedModel model, TaskPlan plan, InputBatch batch, int[] picked,
            AdamW optimizer, double lr, long step) {
        try (NDManager sub = model.encoder().model().getNDManager().newSubManager()) {
            // the reseeding, the dropout it decides, the gradients and the update: one training at a time per JVM
            // (EngineSteps)
            return org.regbert.pretrain.EngineSteps.inTurn(() -> {
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
                    optimizer.discardGradients(sub);
                    return new Attempt(loss, Double.NaN);
                }
                return new Attempt(loss, optimizer.step(sub, lr, 1.0));
            });
        }
    }

    private double learningRate(long step, long warmup, long total) {
        double peak = settings.learningRate();
        if (step < warmup) {
            return peak * (step + 1) / warmup;
        }
        return peak * LearningRateSchedule.decayFactor(settings.schedule(),
                Math.max(0.0, (double) (total - step) / Math.max(1, total - warmup)));
    }

    /**
     * --max-minutes: times training steps 0, 1, ... of the run (their real batches, learning rate 0 on
     * a throwaway optimiser: the parameters stay as they are, and batch order and dropout are pure
     * functions of the seed, epoch and step), one validation and one save of the model and optimiser,
     * then fits the step count. Each validation may also save the best model and always writes a
     * checkpoint; the end loads the best model and predicts the validation and test windows.
     */
    private StepBudget.Report fitToBudget(Engine engine, FinetunedModel model, ShardInputs inputs, TaskPlan plan,
            int batchesPerEpoch, int evalEvery) throws IOException {
        double budgetSeconds = settings.maxMinutes() * 60;
        long timingStart = System.nanoTime();
        double startup = (timingStart - settings.startNanos()) / 1e9;
        int batch = settings.batchSize();
        NDManager manager = model.encoder().model().getNDManager();
        StepBudget.Timing timing;
        try (AdamW throwaway = new AdamW(manager, model.parameters(), settings.weightDecay(),
                model.lrScales(settings.encoderLrScale()))) {
            int[][] order = new int[1][];
            int[] orderEpoch = {-1};
            timing = StepBudget.time(budgetSeconds, n -> {
                long step = n - 1;
                int epoch = (int) (step / batchesPerEpoch);
                if (orderEpoch[0] != epoch) {
                    order[0] = plan.epochOrder(settings.seed(), epoch);
                    orderEpoch[0] = epoch;
                }
                int from = (int) (step % batchesPerEpoch) * batch;
                step(engine, model, inputs, plan, throwaway, order[0], from, Math.min(batch, order[0].length - from),
                        0.0, step);
            });
        }
        int inferenceBatch = settings.inferenceBatchSize();
        ScoringTime testScoring = timeScoring(model, inputs, plan, plan.test(), inferenceBatch);
        probeTestScoringSeconds = testScoring.seconds(plan.test().length);
        long t0 = System.nanoTime();
        Validation.score(model, inputs, plan, plan.validation(), inferenceBatch);
        double validationSeconds = (System.nanoTime() - t0) / 1e9;
        double saveSeconds;
        double optimizerSeconds;
        // (in the system's temporary folder: the output is not touched until the budget fits)
        Path scratch = Files.createTempDirectory("regbert-budget-timing-");
        try (AdamW sized = new AdamW(manager, model.parameters(), settings.weightDecay(),
                model.lrScales(settings.encoderLrScale()))) {
            long t1 = System.nanoTime();
            model.save(scratch.resolve("model"));
            long t2 = System.nanoTime();
            RunFiles.checkpoint(scratch, new RunFiles.TrainerState(), model, sized);
            long t3 = System.nanoTime();
            saveSeconds = (t2 - t1) / 1e9;
            optimizerSeconds = Math.max(0, (t3 - t2) / 1e9 - saveSeconds);
        } finally {
            RunFiles.deleteTree(scratch);
        }
        // Per validation: scoring, saving the best model (assumed better every time) and a checkpoint.
        double evalSeconds = validationSeconds + saveSeconds;
        double checkpointSeconds = saveSeconds + optimizerSeconds;
        double finishSeconds = saveSeconds + validationSeconds + testScoring.seconds(plan.test().length);
        double now = (System.nanoTime() - settings.startNanos()) / 1e9;
        double available = budgetSeconds * (1 - StepBudget.MARGIN) - now - finishSeconds;
        double stepSeconds = timing.stepSeconds();
        java.util.function.LongToDoubleFunction cost = n -> n * stepSeconds
                + validationsSeconds(n, evalEvery, evalSeconds, checkpointSeconds);
        long fitted = StepBudget.fit(available, Integer.MAX_VALUE, cost);
        if (fitted < 1) {
            throw new BadInputException(String.format(java.util.Locale.ROOT, "--max-minutes %s: start-up and timing"
                    + " took %.1f s of the %.2f s budget, and one step with its validation and checkpoint takes %.1f s"
                    + " more: nothing fits; raise --max-minutes", StepBudget.minutes(settings.maxMinutes()), now, budgetSeconds,
                    cost.applyAsDouble(1) + finishSeconds));
        }
        long steps = Math.min(fitted, stepCap(batchesPerEpoch));
        return new StepBudget.Report(settings.maxMinutes(), startup, (t0 - timingStart) / 1e9, timing, evalSeconds,
                checkpointSeconds, finishSeconds, fitted, steps, now + cost.applyAsDouble(steps) + finishSeconds,
                reproduce(steps, batchesPerEpoch, null));
    }

    /** What an N-step run spends on its validations, each assumed to save a best model and a checkpoint. */
    private static double validationsSeconds(long n, int evalEvery, double evalSeconds, double checkpointSeconds) {
        return StepBudget.atIntervalsAndEnd(n, evalEvery) * (evalSeconds + checkpointSeconds);
    }

    /** The options that repeat a budgeted run of STEPS without timing (WARMUP: a re-fit's held warm-up, or null). */
    private static List<String> reproduce(long steps, int batchesPerEpoch, Long warmup) {
        List<String> options = new ArrayList<>(List.of("--max-steps", Long.toString(steps), "--epochs",
                Long.toString((steps + batchesPerEpoch - 1) / batchesPerEpoch)));
        if (warmup != null) {
            options.addAll(List.of("--warmup-steps", Long.toString(warmup)));
        }
        return options;
    }

    /** The most steps a budget may fit: --max-steps, and --epochs when given. */
    private long stepCap(int batchesPerEpoch) {
        long cap = settings.maxSteps() > 0 ? settings.maxSteps() : Integer.MAX_VALUE;
        return settings.epochsGiven() ? Math.min(cap, (long) settings.epochs() * batchesPerEpoch) : cap;
    }

    /**
     * --max-minutes, second look ({@link BudgetRefit}, as pretrain): fits the step count again from the
     * run's own steps, timed after the probe, the scoring timings and the first steps, when the JVM's
     * compiler threads no longer share the two cores with libtorch (the probe's rate was seen 0.75-2.25
     * times the run's: a 3-minute splice fine-tuning ended after 91 s). Inside the warm-up and before
     * the first validation, so nothing done so far depends on the count once the warm-up is held at
     * WARMUP steps. Records the re-fit in the trainer state's budget (and its "reproduce" options);
     * returns the count the run goes on with.
     */
    private long refit(StepBudget.Report budget, RunFiles.TrainerState state, long warmup, long timedSteps,
            double timedSeconds, int batchesPerEpoch, int evalEvery, TrainingProgress progress,
            java.util.function.DoubleSupplier testScoringSeconds) {
        // The final scoring of the test windows, timed again now that the JVM is warm: the probe's timing
        // ran in its first seconds and was seen at 2.8 times the real pass (163 s planned for promoter's
        // 102,105 windows, ~59 s taken), which left a third of a 5-minute budget unused.
        double finishSeconds = budget.finishSeconds();
        Double retimed = null;
        if (Double.isFinite(probeTestScoringSeconds)) {
            retimed = testScoringSeconds.getAsDouble();
            finishSeconds += retimed - probeTestScoringSeconds;
        }
        double now = (System.nanoTime() - settings.startNanos()) / 1e9;
        BudgetRefit.Measured measured = new BudgetRefit.Measured(state.step, timedSteps, timedSeconds,
                budget.maxMinutes() * 60 * (1 - StepBudget.MARGIN) - now - finishSeconds,
                budget.evalSeconds(), budget.checkpointSeconds());
        long planned = state.totalSteps;
        long fitted = BudgetRefit.fit(measured, stepCap(batchesPerEpoch),
                n -> validationsSeconds(n, evalEvery, measured.evalSeconds(), measured.checkpointSeconds()));
        long steps = BudgetRefit.decide(planned, fitted);
        Map<String, Object> record = BudgetRefit.record(measured, planned, fitted, steps, warmup);
        if (retimed != null) {
            record.put("testScoringSeconds", round(retimed));
            record.put("probeTestScoringSeconds", round(probeTestScoringSeconds));
            record.put("finishSeconds", round(finishSeconds));
        }
        state.budget.put("refit", record);
        progress.note(String.format(java.util.Locale.ROOT, "finetune: --max-minutes: steps %d-%d took %.4f s each (the"
                + " probe timed %.4f): %,d steps fit%s", state.step - timedSteps + 1, state.step, measured.secondsPerStep(),
                budget.timing().stepSeconds(), fitted, steps == planned
                        ? ", within 5 %% of the %,d planned: kept".formatted(planned)
                        : "; the run goes on to step %,d, warm-up kept at %,d steps".formatted(steps, warmup)));
        if (steps != planned) {
            state.totalSteps = steps;
            state.warmupSteps = warmup;
            state.budget.put("steps", steps);
            state.budget.put("reproduce", reproduce(steps, batchesPerEpoch, warmup));
        }
        return steps;
    }

    /**
     * Times predictions over one batch and over a sample of WINDOWS (after an untimed pass that pays
     * the first run's one-time costs): what scoring all of them at the end will take.
     */
    private static ScoringTime timeScoring(FinetunedModel model, ShardInputs inputs, TaskPlan plan, int[] windows,
            int batch) {
        if (windows.length == 0) {
            return new ScoringTime(0, 0);
        }
        int[] one = ScoringTime.spread(windows, batch);
        int[] sample = ScoringTime.spread(windows, Math.max(batch, ScoringTime.SAMPLE));
        Validation.predict(model, inputs, plan, one, batch);
        long t0 = System.nanoTime();
        Validation.predict(model, inputs, plan, one, batch);
        long t1 = System.nanoTime();
        Validation.predict(model, inputs, plan, sample, batch);
        long t2 = System.nanoTime();
        // The sample's first pass in a fresh JVM was seen at 1-5x its second (the inference path's JIT,
        // the shards' first pages): the faster of two passes prices the long sequential one at the end.
        Validation.predict(model, inputs, plan, sample, batch);
        long t3 = System.nanoTime();
        double sampleSeconds = Math.min(t2 - t1, t3 - t2) / 1e9;
        return ScoringTime.fit(one.length, (t1 - t0) / 1e9, sample.length, sampleSeconds);
    }

    static double round(double value) {
        return Double.isFinite(value) ? Math.round(value * 1e6) / 1e6 : value;
    }
}
