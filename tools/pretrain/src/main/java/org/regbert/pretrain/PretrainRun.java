package org.regbert.pretrain;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.regbert.common.BadInputException;
import org.regbert.common.OutputLock;
import org.regbert.common.ToolVersion;

/**
 * One pre-training run: resolves the config (or the checkpoint's, with --resume), opens the shards,
 * builds or restores the model and optimiser, trains with a background data loader, evaluates on
 * held-out windows, writes checkpoints atomically, and at the end the loss curve and model card.
 */
final class PretrainRun {
    /** What the command line asked for. */
    record Settings(ObjectNode fileTree, Path configFile, ObjectNode overrides, Path output, boolean resume,
            boolean overwrite, boolean quiet, Long stopAfter, List<String> command, long startNanos) {
    }

    /** What a finished (or stopped) run reports. */
    record Result(long step, Path checkpoint, Map<String, Double> eval, double unigramEntropy,
            double unigramCrossEntropy, double seconds, double tokensPerSecond, double dataFraction) {
    }

    private final Settings settings;
    private PretrainConfig config;

    PretrainRun(Settings settings) {
        this.settings = settings;
    }

    /** Claims the output folder for the whole run (another run given it is refused), then trains. */
    Result execute() {
        try (OutputLock claim = OutputLock.acquire(settings.output())) {
            return executeClaimed();
        }
    }

    private Result executeClaimed() {
        Path output = settings.output();
        Path resumeFrom = Files.isDirectory(output) ? Checkpoints.latest(output) : null;
        if (resumeFrom != null && !settings.resume() && !settings.overwrite()) {
            throw new BadInputException(output, "already holds a pre-training run (" + resumeFrom.getFileName()
                    + "); pass --resume to continue it or --overwrite to start over");
        }
        if (!settings.resume()) {
            resumeFrom = null;
        }
        config = resumeFrom != null ? resumedConfig(resumeFrom)
                : ConfigLoader.resolve(settings.fileTree(), settings.overrides(), settings.configFile());
        if (config.data.shards == null) {
            throw new BadInputException("--shards is required (a directory of shard-*.npz from regbert tokenize/align)");
        }
        Device device = device(config.training.device);
        Engine engine = Engine.getEngine("PyTorch");
        try (ShardCorpus corpus = new ShardCorpus(Path.of(config.data.shards), config)) {
            Vocabularies vocab = resumeFrom != null ? checkVocabularies(readVocabularies(resumeFrom), corpus)
                    : vocabularies(corpus, config);
            if (config.isGeneBert() && corpus.windowTokens() + 2 > config.architecture.maxLength) {
                throw new BadInputException("GeneBERT reads whole windows (the motif matrix describes all of a window):"
                        + " the shards' windows have " + corpus.windowTokens() + " tokens, more than architecture.maxLength"
                        + " - 2 = " + (config.architecture.maxLength - 2) + "; raise --max-length to "
                        + (corpus.windowTokens() + 2) + " or tokenize with --window " + (config.architecture.maxLength - 2));
            }
            if (resumeFrom != null && Checkpoints.step(resumeFrom) >= config.training.steps) {
                Result finished = finishKilledRun(output, resumeFrom);
                if (finished != null) {
                    return finished;
                }
                throw new BadInputException(output, "the checkpoint is at step " + Checkpoints.step(resumeFrom)
                        + ", not before --steps " + config.training.steps + ": nothing to do (raise --steps to train"
                        + " further)");
            }
            Sampler sampler = new Sampler(corpus, config, vocab);
            PretrainingWindows trained = trainedWindows(corpus, resumeFrom);
            prepareOutput(output, resumeFrom);
            try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
                PretrainingModel model = EngineSteps.inTurn(() -> {  // seeded initialisation: one at a time per JVM
                    engine.setRandomSeed(seedInt(config.training.seed));
                    PretrainingModel created = PretrainingModel.create(config, vocab);
                    created.initializeParameters(manager, sampler.length());
                    return created;
                });
                PairList<String, Parameter> parameters = model.getParameters();
                try (AdamW optimizer = new AdamW(manager, parameters, config.training.weightDecay)) {
                    TrainerState state = resumeFrom != null ? restore(resumeFrom, parameters, optimizer)
                            : new TrainerState();
                    return train(engine, manager, corpus, vocab, sampler, model, parameters, optimizer, state, trained);
                }
            }
        }
    }

    /**
     * --resume of a run killed after its last checkpoint but before its model card and loss plot:
     * writes them (the card is in the checkpoint, the plot comes from metrics.jsonl) and returns what
     * the run reported; null when they are all there (the run is complete: nothing to do).
     */
    private Result finishKilledRun(Path output, Path lastCheckpoint) {
        long step = Checkpoints.step(lastCheckpoint);
        try {
            List<JsonNode> records = MetricsLog.read(output, step);
            if (!FinishedRunFiles.missing(output, lastCheckpoint, config, records)) {
                return null;
            }
            Checkpoints.removeTemporaries(output);
            FinishedRunFiles.finish(output, lastCheckpoint, config, records);
            Map<String, Double> lastEval = new LinkedHashMap<>();
            records.stream().filter(r -> "eval".equals(r.path("type").asText())).reduce((a, b) -> b)
                    .ifPresent(r -> r.fields().forEachRemaining(f -> {
                        if (f.getValue().isNumber() && !f.getKey().equals("step")) {
                            lastEval.put(f.getKey(), f.getValue().asDouble());
                        }
                    }));
            if (!settings.quiet()) {
                System.err.println("pretrain: the run had trained all " + step + " steps but was stopped before it"
                        + " wrote its model card and loss plot; wrote them from " + lastCheckpoint.getFileName()
                        + " and " + MetricsLog.FILE);
            }
            return new Result(step, lastCheckpoint, lastEval, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish the run in " + output, e);
        }
    }

    /**
     * The windows this run trains on; resumed, together with those the checkpoint recorded (null when
     * it recorded none: what the earlier run trained on is unknown, so nothing is claimed).
     */
    private static PretrainingWindows trainedWindows(ShardCorpus corpus, Path resumeFrom) {
        PretrainingWindows now = PretrainingWindows.of(corpus);
        if (resumeFrom == null) {
            return now;
        }
        PretrainingWindows earlier = PretrainingWindows.read(resumeFrom);
        return earlier == null ? null : now.union(earlier);
    }

    /** Mutable counters that a checkpoint saves. */
    static final class TrainerState {
        long step;
        long samples;
        long tokens;
        double seconds;
        /** With --max-minutes: the timings and the step count they fixed ({@link StepBudget.Report#toMap}). */
        JsonNode budget;
    }

    private Result train(Engine engine, NDManager manager, ShardCorpus corpus, Vocabularies vocab, Sampler sampler,
            PretrainingModel model, PairList<String, Parameter> parameters, AdamW optimizer, TrainerState state,
            PretrainingWindows trained) {
        Path output = settings.output();
        long start = state.step;
        List<Batch> evalBatches = sampler.evalBatches();
        long[] unigram = sampler.unigramCounts(4000);
        double[] unigramP = unigramProbabilities(unigram);
        double entropy = entropy(unigramP);
        double unigramCe = unigramCrossEntropy(unigramP, evalBatches);
        long parameterCount = parameters.values().stream().mapToLong(p -> p.getArray().size()).sum();
        StepBudget.Report budget = null;
        long stepCap = hasStepCount(settings.fileTree()) || hasStepCount(settings.overrides())
                ? config.training.steps : Integer.MAX_VALUE;
        if (start == 0 && config.training.maxMinutes != null) {
            // A resumed run keeps the step count its checkpoint's config holds: it is never timed again.
            budget = fitToBudget(engine, manager, model, parameters, sampler, evalBatches, vocab, state);
            config.training.steps = (int) budget.steps();
            state.budget = ConfigLoader.JSON.valueToTree(budget.toMap());
        }
        long total = config.training.steps;
        int evalEvery = config.evalEvery(total);
        LearningRateSchedule schedule = config.schedule();
        TrainingProgress progress = TrainingProgress.onStderr(settings.quiet(), start, total);
        long refitAt = budget == null ? 0 : BudgetRefit.atStep(total, config.warmupSteps(), evalEvery);
        if (budget != null) {
            progress.note("pretrain: " + budget.describe());
        }
        progress.note(String.format(Locale.ROOT, "pretrain: %s (%s, %,d parameters) on %s; %,d training windows, %,d"
                + " held out (%s); %d x %d tokens per step; unigram k-mer entropy %.3f nats, held-out cross-entropy"
                + " %.3f%s", config.model, config.preset, parameterCount, manager.getDevice(), corpus.trainWindows(),
                corpus.validWindows(), corpus.holdout(), config.training.batchSize * config.training.accumulation,
                sampler.length(), entropy, unigramCe, start > 0 ? "; resuming at step " + start : ""));
        if (trained == null) { // a warning, shown even with --quiet
            System.err.println("pretrain: warning: the checkpoint resumed from records no training windows, so this run"
                    + " records none either (finetune and evaluate cannot check leakage against it)");
        } else {
            progress.note(String.format(Locale.ROOT, "pretrain: training windows: %d merged intervals on %d contigs"
                    + " (%,d bp)%s; recorded in %s", trained.intervalCount(), trained.intervals().size(), trained.bases(),
                    trained.coordinateLessWindows() > 0 ? ", " + trained.coordinateLessWindows()
                            + " windows without coordinates (FASTA records)" : "", PretrainingWindows.FILE));
        }
        Map<String, Double> lastEval = Map.of();
        Path lastCheckpoint = null;
        double stepSecondsSum = 0;
        double dataSecondsSum = 0;
        long tokensThisRun = 0;
        long runStart = System.nanoTime();
        long timedFrom = runStart;  // with a re-fit: when its timed steps began
        try (MetricsLog metrics = new MetricsLog(output, start);
                Prefetcher prefetcher = new Prefetcher(sampler, start + 1, refitAt > 0 ? Long.MAX_VALUE : total)) {
            for (long step = start + 1; step <= total; step++) {
                long t0 = System.nanoTime();
                Prefetcher.Prepared prepared = prefetcher.take();
                long t1 = System.nanoTime();
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("type", "train");
                record.put("step", step);
                double lr = schedule.rate(step);
                Training.StepResult result = Training.step(engine, manager, model, optimizer, config, step, lr,
                        prepared.batches());
                long stepTokens = result.tokens();
                record.put("loss", round(result.loss()));
                result.parts().forEach((k, v) -> record.put(k, round(v)));
                record.put("maskedTokens", result.masked());
                record.put("lr", lr);
                record.put("gradNorm", round(result.gradNorm()));
                if (result.recomputed()) {
                    record.put("recomputed", true);
                }
                long t2 = System.nanoTime();
                double stepSeconds = (t2 - t0) / 1e9;
                double dataSeconds = (t1 - t0) / 1e9;
                stepSecondsSum += stepSeconds;
                dataSecondsSum += dataSeconds;
                tokensThisRun += stepTokens;
                state.step = step;
                state.samples += (long) config.training.batchSize * config.training.accumulation;
                state.tokens += stepTokens;
                state.seconds += stepSeconds;
                record.put("tokens", stepTokens);
                record.put("stepSeconds", round(stepSeconds));
                record.put("dataSeconds", round(dataSeconds));
                record.put("prepareSeconds", round(prepared.nanos() / 1e9));
                record.put("tokensPerSecond", Math.round(stepTokens / stepSeconds));
                metrics.write(record);
                progress.update(step, (Double) record.get("loss"), stepTokens);
                if (refitAt > 0 && step == BudgetRefit.timedFrom(refitAt)) {
                    timedFrom = System.nanoTime();
                }
                if (step == refitAt && refit(budget, step, step - BudgetRefit.timedFrom(refitAt),
                        (System.nanoTime() - timedFrom) / 1e9, stepCap, state, progress)) {
                    total = config.training.steps;
                    evalEvery = config.evalEvery(total);
                    schedule = config.schedule();
                    progress = TrainingProgress.onStderr(settings.quiet(), step, total);
                }
                boolean last = step == total;
                if (last || (evalEvery > 0 && step % evalEvery == 0)) {
                    lastEval = Training.evaluate(model, manager, evalBatches, config.isGeneBert());
                    Map<String, Object> evalRecord = new LinkedHashMap<>();
                    evalRecord.put("type", "eval");
                    evalRecord.put("step", step);
                    lastEval.forEach((k, v) -> evalRecord.put(k, round(v)));
                    evalRecord.put("unigramCrossEntropy", round(unigramCe));
                    evalRecord.put("dataFraction", round(dataSecondsSum / stepSecondsSum));
                    evalRecord.put("rssMegabytes", rssMegabytes());
                    // Seconds since this invocation started (start-up and --max-minutes timing included).
                    evalRecord.put("wallSeconds", round((System.nanoTime() - settings.startNanos()) / 1e9));
                    metrics.write(evalRecord);
                    progress.note(String.format(Locale.ROOT, "pretrain: step %d held-out %s", step, describe(lastEval)));
                }
                if (settings.stopAfter() != null && step >= settings.stopAfter() && !last) {
                    progress.note("pretrain: stopping after step " + step + " (--stop-after), as if killed");
                    return new Result(step, lastCheckpoint, lastEval, entropy, unigramCe, state.seconds,
                            tokensThisRun / ((System.nanoTime() - runStart) / 1e9), dataSecondsSum / stepSecondsSum);
                }
                // None before the re-fit: a checkpoint records the step count, which is not settled until then.
                if (last || (step % config.training.checkpointEvery == 0 && step >= refitAt)) {
                    Map<String, Object> card = last ? ModelCard.build(config, vocab, corpus, parameterCount, state,
                            lastEval, entropy, unigramCe, metrics.records(), settings.command(),
                            dataSecondsSum / stepSecondsSum, trained) : null;
                    lastCheckpoint = checkpoint(step, parameters, optimizer, vocab, state, card, trained);
                    if (last) {
                        FinishedRunFiles.write(output, config, step, card, metrics.records());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        progress.finish();
        double seconds = (System.nanoTime() - runStart) / 1e9;
        Result result = new Result(state.step, lastCheckpoint, lastEval, entropy, unigramCe, state.seconds,
                tokensThisRun / seconds, dataSecondsSum / stepSecondsSum);
        progress.note(String.format(Locale.ROOT, "pretrain: done: %d steps, %.1f s this run, %s tokens/s, data wait"
                + " %.2f%% of step time; held-out %s vs unigram cross-entropy %.3f; checkpoint %s", state.step, seconds,
                TrainingProgress.human(result.tokensPerSecond()), 100 * result.dataFraction(), describe(lastEval),
                unigramCe, lastCheckpoint));
        if (budget != null) {
            progress.note(String.format(Locale.ROOT, "pretrain: %.1f s since the command started, budget %.1f s",
                    (System.nanoTime() - settings.startNanos()) / 1e9, budget.maxMinutes() * 60));
        }
        return result;
    }

    /**
     * --max-minutes: fits the step count again from the run's own first steps ({@link BudgetRefit});
     * when it changes, the warm-up stays as long as it was and the config, the trainer state's budget
     * and its "to repeat" options say so. True when the step count changed.
     */
    private boolean refit(StepBudget.Report budget, long done, long timedSteps, double timedSeconds, long stepCap,
            TrainerState state, TrainingProgress progress) {
        double now = (System.nanoTime() - settings.startNanos()) / 1e9;
        BudgetRefit.Measured measured = new BudgetRefit.Measured(done, timedSteps, timedSeconds,
                config.training.maxMinutes * 60 * (1 - StepBudget.MARGIN) - now - budget.finishSeconds(),
                budget.evalSeconds(), budget.checkpointSeconds());
        long planned = config.training.steps;
        long fitted = BudgetRefit.fit(measured, stepCap, config);
        long steps = BudgetRefit.decide(planned, fitted);
        int warmup = config.warmupSteps();
        ObjectNode report = (ObjectNode) state.budget;
        report.set("refit", ConfigLoader.JSON.valueToTree(BudgetRefit.record(measured, planned, fitted, steps, warmup)));
        progress.note(String.format(Locale.ROOT, "pretrain: --max-minutes: steps %d-%d took %.4f s each (the probe"
                + " timed %.4f): %,d steps fit%s", done - timedSteps + 1, done, measured.secondsPerStep(), budget.timing().stepSeconds(),
                fitted, steps == planned ? ", within 5 %% of the %,d planned: kept".formatted(planned)
                        : "; the run goes on to step %,d, warm-up kept at %,d steps".formatted(steps, warmup)));
        if (steps == planned) {
            return false;
        }
        config.training.warmupSteps = warmup;
        config.training.warmupFraction = null;
        config.training.steps = (int) steps;
        report.put("steps", steps);
        List<String> reproduce = new ArrayList<>(List.of("--steps", Long.toString(steps), "--warmup",
                Integer.toString(warmup)));
        if (config.training.evals != null) {
            reproduce.addAll(List.of("--evals", Integer.toString(config.training.evals)));
        }
        report.set("reproduce", ConfigLoader.JSON.valueToTree(reproduce));
        return true;
    }

    private static String describe(Map<String, Double> eval) {
        List<String> parts = new ArrayList<>();
        eval.forEach((k, v) -> {
            if (!k.equals("maskedTokens")) {
                parts.add(String.format(Locale.ROOT, "%s %.4f", k, v));
            }
        });
        return String.join(", ", parts);
    }

    /**
     * --max-minutes: times training steps 1, 2, ... (their real batches, with learning rate 0 on a
     * throwaway optimiser, so the parameters stay as initialised and nothing else carries state: the
     * sampler and the dropout generator are pure functions of the seed and step), one held-out
     * evaluation and one checkpoint's files, then fits the step count into what the budget has left.
     */
    private StepBudget.Report fitToBudget(Engine engine, NDManager manager, PretrainingModel model,
            PairList<String, Parameter> parameters, Sampler sampler, List<Batch> evalBatches, Vocabularies vocab,
            TrainerState state) {
        double budgetSeconds = config.training.maxMinutes * 60;
        long timingStart = System.nanoTime();
        double startup = (timingStart - settings.startNanos()) / 1e9;
        StepBudget.Timing measured;
        try (AdamW throwaway = new AdamW(manager, parameters, config.training.weightDecay);
                Prefetcher prefetcher = new Prefetcher(sampler, 1, Long.MAX_VALUE)) {
            measured = StepBudget.time(budgetSeconds, step -> Training.step(engine, manager, model, throwaway, config, step,
                    0.0, prefetcher.take().batches()));
        }
        long t0 = System.nanoTime();
        Training.evaluate(model, manager, evalBatches, config.isGeneBert());
        double evalSeconds = (System.nanoTime() - t0) / 1e9;
        double checkpointMeasured;
        try (AdamW sized = new AdamW(manager, parameters, config.training.weightDecay)) {
            Path scratch = Files.createTempDirectory(settings.output(), ".budget-timing-");
            long t1 = System.nanoTime();
            try {
                writeCheckpointFiles(scratch, 0, parameters, sized, vocab, state, null, null);
            } finally {
                Checkpoints.deleteTree(scratch); // a checkpoint also prunes an older one
            }
            checkpointMeasured = (System.nanoTime() - t1) / 1e9;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot time a checkpoint in " + settings.output(), e);
        }
        StepBudget.Timing timing = measured;
        double checkpointSeconds = checkpointMeasured;
        // The last step also writes the loss plot and model card: about one more checkpoint's files.
        double finishSeconds = checkpointSeconds;
        double now = (System.nanoTime() - settings.startNanos()) / 1e9;
        double available = budgetSeconds * (1 - StepBudget.MARGIN) - now - finishSeconds;
        java.util.function.LongToDoubleFunction cost = n -> n * timing.stepSeconds()
                + StepBudget.atIntervalsAndEnd(n, config.evalEvery(n)) * evalSeconds
                + StepBudget.atIntervalsAndEnd(n, config.training.checkpointEvery) * checkpointSeconds;
        long fitted = StepBudget.fit(available, Integer.MAX_VALUE, cost);
        if (fitted < 1) {
            throw new BadInputException(String.format(Locale.ROOT, "--max-minutes %s: start-up and timing took %.1f s of"
                    + " the %.2f s budget, and one step with its evaluation and checkpoint takes %.1f s more: nothing"
                    + " fits; raise --max-minutes", StepBudget.minutes(config.training.maxMinutes), now, budgetSeconds,
                    cost.applyAsDouble(1) + finishSeconds));
        }
        boolean stepsGiven = hasStepCount(settings.fileTree()) || hasStepCount(settings.overrides());
        long steps = stepsGiven ? Math.min(fitted, config.training.steps) : fitted;
        List<String> reproduce = new ArrayList<>(List.of("--steps", Long.toString(steps)));
        if (config.training.evals != null) {
            reproduce.addAll(List.of("--evals", Integer.toString(config.training.evals)));
        }
        return new StepBudget.Report(config.training.maxMinutes, startup, (t0 - timingStart) / 1e9, timing,
                evalSeconds, checkpointSeconds, finishSeconds, fitted, steps, now + cost.applyAsDouble(steps)
                + finishSeconds, reproduce);
    }

    private static boolean hasStepCount(ObjectNode tree) {
        return tree != null && tree.path("training").has("steps");
    }

    private Path checkpoint(long step, PairList<String, Parameter> parameters, AdamW optimizer, Vocabularies vocab,
            TrainerState state, Map<String, Object> card, PretrainingWindows trained) {
        return Checkpoints.write(settings.output(), step, config.training.keepCheckpoints,
                dir -> writeCheckpointFiles(dir, step, parameters, optimizer, vocab, state, card, trained));
    }

    private void writeCheckpointFiles(Path dir, long step, PairList<String, Parameter> parameters, AdamW optimizer,
            Vocabularies vocab, TrainerState state, Map<String, Object> card, PretrainingWindows trained) throws IOException {
        List<String> names = new ArrayList<>();
        List<NDArray> arrays = new ArrayList<>();
        for (Pair<String, Parameter> p : parameters) {
            names.add(p.getKey());
            arrays.add(p.getValue().getArray());
        }
        TensorFiles.write(dir.resolve(Checkpoints.PARAMETERS), names, arrays);
        List<String> moments = new ArrayList<>();
        List<NDArray> values = new ArrayList<>();
        for (int i = 0; i < optimizer.names().size(); i++) {
            moments.add("m." + optimizer.names().get(i));
            values.add(optimizer.firstMoments().get(i));
        }
        for (int i = 0; i < optimizer.names().size(); i++) {
            moments.add("v." + optimizer.names().get(i));
            values.add(optimizer.secondMoments().get(i));
        }
        TensorFiles.write(dir.resolve(Checkpoints.OPTIMIZER), moments, values);
        Map<String, Object> trainer = new LinkedHashMap<>();
        trainer.put("step", step);
        trainer.put("optimizerSteps", optimizer.steps());
        trainer.put("samples", state.samples);
        trainer.put("tokens", state.tokens);
        trainer.put("trainingSeconds", state.seconds);
        Map<String, Object> rng = new LinkedHashMap<>();
        rng.put("seed", config.training.seed);
        rng.put("scheme", "stateless: sample g draws from SplittableRandom(seed * 0x9E3779B97F4A7C15 + g) and"
                + " epoch e is shuffled by SplittableRandom(seed * 31 + e * 0xBF58476D1CE4E5B9 + 7); the engine"
                + " generator (dropout) is reseeded with seed * 1000003 + step before every step");
        rng.put("nextStep", step + 1);
        rng.put("nextSample", state.samples);
        trainer.put("rng", rng);
        trainer.put("optimizer", Map.of("name", "AdamW", "beta1", AdamW.BETA1, "beta2", AdamW.BETA2, "eps",
                AdamW.EPS, "weightDecay", config.training.weightDecay));
        if (state.budget != null) {
            trainer.put("budget", state.budget);
        }
        trainer.put("regbertVersion", ToolVersion.get());
        Files.write(dir.resolve(Checkpoints.STATE), ConfigLoader.JSON.writeValueAsBytes(trainer));
        Files.write(dir.resolve(Checkpoints.CONFIG), ConfigLoader.toJson(config));
        Files.write(dir.resolve(Checkpoints.VOCABULARIES), ConfigLoader.JSON.writeValueAsBytes(vocab));
        if (trained != null) {
            trained.write(dir);
        }
        if (card != null) {
            ModelCard.write(dir, card);
        }
    }

    private TrainerState restore(Path checkpoint, PairList<String, Parameter> parameters, AdamW optimizer) {
        Path file = checkpoint.resolve(Checkpoints.PARAMETERS);
        PretrainedModel.assign(file, parameters, TensorFiles.read(file));
        Map<String, TensorFiles.Tensor> moments = TensorFiles.read(checkpoint.resolve(Checkpoints.OPTIMIZER));
        List<float[]> m = new ArrayList<>();
        List<float[]> v = new ArrayList<>();
        for (String name : optimizer.names()) {
            TensorFiles.Tensor first = moments.get("m." + name);
            TensorFiles.Tensor second = moments.get("v." + name);
            if (first == null || second == null) {
                throw new BadInputException(checkpoint.resolve(Checkpoints.OPTIMIZER), "has no moments for " + name);
            }
            m.add(first.values());
            v.add(second.values());
        }
        try {
            JsonNode trainer = ConfigLoader.JSON.readTree(checkpoint.resolve(Checkpoints.STATE).toFile());
            optimizer.restore(trainer.path("optimizerSteps").asLong(), m, v);
            TrainerState state = new TrainerState();
            state.step = trainer.path("step").asLong();
            state.samples = trainer.path("samples").asLong();
            state.tokens = trainer.path("tokens").asLong();
            state.seconds = trainer.path("trainingSeconds").asDouble();
            state.budget = trainer.get("budget");
            return state;
        } catch (IOException e) {
            throw new BadInputException(checkpoint.resolve(Checkpoints.STATE), -1, "unreadable: " + e.getMessage(), e);
        }
    }

    /** The checkpoint's config with the few keys a resumed run may change taken from the command line. */
    private PretrainConfig resumedConfig(Path checkpoint) {
        JsonNode saved;
        try {
            saved = ConfigLoader.JSON.readTree(checkpoint.resolve(Checkpoints.CONFIG).toFile());
        } catch (IOException e) {
            throw new BadInputException(checkpoint.resolve(Checkpoints.CONFIG), -1, "unreadable: " + e.getMessage(), e);
        }
        ObjectNode user = ConfigLoader.JSON.createObjectNode();
        ConfigLoader.merge(user, settings.fileTree());
        ConfigLoader.merge(user, settings.overrides());
        Map<String, JsonNode> wanted = new LinkedHashMap<>();
        ConfigLoader.leaves("", user, wanted);
        Map<String, JsonNode> had = new LinkedHashMap<>();
        ConfigLoader.leaves("", saved, had);
        ObjectNode merged = ((ObjectNode) saved).deepCopy();
        for (Map.Entry<String, JsonNode> e : wanted.entrySet()) {
            JsonNode before = had.get(e.getKey());
            boolean same = before != null && (before.equals(e.getValue())
                    || before.isNumber() && e.getValue().isNumber() && before.asDouble() == e.getValue().asDouble());
            if (!same && !ConfigLoader.RESUMABLE_CHANGES.contains(e.getKey())) {
                throw new BadInputException("--resume: " + e.getKey() + " is " + (before == null ? "unset" : before)
                        + " in the checkpoint (" + checkpoint + ") but " + e.getValue() + " now; a resumed run keeps its"
                        + " config (only " + String.join(", ", ConfigLoader.RESUMABLE_CHANGES.stream().sorted().toList())
                        + " may change)");
            }
            if (!same) {
                String[] path = e.getKey().split("\\.");
                ObjectNode node = merged;
                for (int i = 0; i < path.length - 1; i++) {
                    node = node.has(path[i]) ? (ObjectNode) node.get(path[i]) : node.putObject(path[i]);
                }
                node.set(path[path.length - 1], e.getValue());
            }
        }
        PretrainConfig resolved = ConfigLoader.fromTree(merged, checkpoint.resolve(Checkpoints.CONFIG));
        ConfigLoader.validate(resolved);
        return resolved;
    }

    private void prepareOutput(Path output, Path resumeFrom) {
        try {
            Files.createDirectories(output);
            if (!Files.isWritable(output)) {
                throw new BadInputException(output, "output directory is not writable");
            }
            if (resumeFrom == null) {
                Checkpoints.deleteTree(output.resolve(Checkpoints.DIR));
                for (String name : List.of(MetricsLog.FILE, LossPlot.FILE, ModelCard.JSON_FILE, ModelCard.MARKDOWN_FILE)) {
                    Files.deleteIfExists(output.resolve(name));
                    Files.deleteIfExists(output.resolve("." + name + ".tmp"));
                }
            } else {
                Checkpoints.removeTemporaries(output);  // a killed run's half-written checkpoint
            }
        } catch (IOException e) {
            throw new BadInputException(output, -1, "cannot prepare the output directory: " + e.getMessage(), e);
        }
    }

    static Device device(String wanted) {
        Engine engine = Engine.getEngine("PyTorch");
        int gpus = engine.getGpuCount();
        return switch (wanted) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpus == 0) {
                    throw new BadInputException("--device gpu: the PyTorch engine sees no GPU (the bundled libtorch is"
                            + " the CPU build; for an NVIDIA GPU set PYTORCH_LIBRARY_PATH to the lib folder of a CUDA 12.8"
                            + " libtorch 2.7.1 with PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128, see tools/pretrain/README.md;"
                            + " or use --device cpu or auto)");
                }
                yield Device.gpu();
            }
            default -> gpus > 0 ? Device.gpu() : Device.cpu();
        };
    }

    static Vocabularies vocabularies(ShardCorpus corpus, PretrainConfig config) {
        boolean genebert = config.isGeneBert();
        float[] mean = null;
        float[] std = null;
        if (genebert) {
            int motifs = corpus.motifNames().size();
            int regions = corpus.regions();
            double[] sum = new double[motifs];
            double[] squares = new double[motifs];
            long[] count = new long[motifs];
            float[] matrix = new float[motifs * regions];
            int n = corpus.trainWindows();
            int windows = Math.min(2000, n);
            for (int j = 0; j < windows; j++) {
                int index = (int) ((long) j * n / windows);
                corpus.readMotifs(corpus.trainShard(index), corpus.trainRow(index), matrix);
                for (int t = 0; t < motifs; t++) {
                    for (int r = 0; r < regions; r++) {
                        float value = matrix[t * regions + r];
                        if (Float.isFinite(value)) {
                            sum[t] += value;
                            squares[t] += (double) value * value;
                            count[t]++;
                        }
                    }
                }
            }
            mean = new float[motifs];
            std = new float[motifs];
            for (int t = 0; t < motifs; t++) {
                double mu = count[t] == 0 ? 0 : sum[t] / count[t];
                double variance = count[t] == 0 ? 1 : Math.max(0, squares[t] / count[t] - mu * mu);
                mean[t] = (float) mu;
                std[t] = (float) Math.max(1e-3, Math.sqrt(variance));
            }
        }
        return new Vocabularies(corpus.vocabulary(), corpus.k(), corpus.manifest().specialTokens(),
                corpus.windowTokens(), corpus.manifest().tokenizer().overlapping(), genebert ? null : corpus.stateArray(), genebert ? null : corpus.stateVocabulary(),
                genebert ? null : corpus.cellTypes(), genebert ? corpus.motifNames() : null,
                genebert ? corpus.regions() : 0, mean, std, genebert ? null : corpus.stateLevelCuts());
    }

    static Vocabularies readVocabularies(Path checkpoint) {
        Path file = checkpoint.resolve(Checkpoints.VOCABULARIES);
        try {
            return ConfigLoader.JSON.readValue(file.toFile(), Vocabularies.class);
        } catch (IOException e) {
            throw new BadInputException(file, -1, "unreadable: " + e.getMessage(), e);
        }
    }

    private static Vocabularies checkVocabularies(Vocabularies saved, ShardCorpus corpus) {
        if (!saved.tokens().equals(corpus.vocabulary())) {
            throw new BadInputException(corpus.source(), "--resume: the shards' k-mer vocabulary differs from the"
                    + " checkpoint's");
        }
        if (saved.states() != null && (!saved.states().equals(corpus.stateVocabulary())
                || !saved.cellTypes().equals(corpus.cellTypes()))) {
            throw new BadInputException(corpus.source(), "--resume: the shards' states or cell types differ from the"
                    + " checkpoint's");
        }
        if (saved.stateLevelCuts() != null && corpus.stateLevelCuts() != null
                && !SignalLevelCutTable.agree(saved.stateLevelCuts(), corpus.stateLevelCuts())) {
            throw new BadInputException(corpus.source(), "--resume: the shards' signal level cut points differ from the"
                    + " checkpoint's");
        }
        if (saved.motifNames() != null && (!saved.motifNames().equals(corpus.motifNames())
                || saved.regions() != corpus.regions())) {
            throw new BadInputException(corpus.source(), "--resume: the shards' motif matrices differ from the"
                    + " checkpoint's");
        }
        return saved;
    }

    private static double[] unigramProbabilities(long[] counts) {
        double[] p = new double[counts.length];
        int first = org.regbert.shards.KmerVocabulary.FIRST_KMER;
        double total = 0;
        for (int i = first; i < counts.length; i++) {
            total += counts[i] + 1;
        }
        for (int i = first; i < counts.length; i++) {
            p[i] = (counts[i] + 1) / total;
        }
        return p;
    }

    private static double entropy(double[] p) {
        double h = 0;
        for (double v : p) {
            if (v > 0) {
                h -= v * Math.log(v);
            }
        }
        return h;
    }

    private static double unigramCrossEntropy(double[] p, List<Batch> batches) {
        double sum = 0;
        long n = 0;
        for (Batch batch : batches) {
            for (int target : batch.targets) {
                sum -= Math.log(p[target]);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** A 31-bit engine seed from a 64-bit one (SplitMix64 finaliser). */
    public static int seedInt(long seed) {
        long z = seed * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        return (int) ((z ^ (z >>> 31)) & 0x7FFF_FFFF);
    }

    private static double round(double value) {
        return Double.isFinite(value) ? Math.round(value * 1e6) / 1e6 : value;
    }

    private static long rssMegabytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Builds the step batches on a background thread, two steps ahead of training. */
    static final class Prefetcher implements AutoCloseable {
        record Prepared(long step, Batch[] batches, long nanos) {
        }

        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(2);
        private final Thread thread;

        Prefetcher(Sampler sampler, long from, long to) {
            thread = new Thread(() -> {
                try {
                    for (long step = from; step <= to; step++) {
                        long t0 = System.nanoTime();
                        Batch[] batches = sampler.trainStep(step);
                        queue.put(new Prepared(step, batches, System.nanoTime() - t0));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Throwable t) {
                    try {
                        queue.put(t);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }, "regbert-pretrain-data");
            thread.setDaemon(true);
            thread.start();
        }

        Prepared take() {
            try {
                Object next = queue.take();
                if (next instanceof RuntimeException e) {
                    throw e;
                }
                if (next instanceof Throwable t) {
                    throw new IllegalStateException("data loader failed", t);
                }
                return (Prepared) next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        @Override
        public void close() {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
