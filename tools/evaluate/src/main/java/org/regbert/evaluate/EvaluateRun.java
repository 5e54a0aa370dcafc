package org.regbert.evaluate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.regbert.baselines.KmerLrBaseline;
import org.regbert.common.FileTrees;
import org.regbert.common.BadInputException;
import org.regbert.common.OutputLock;
import org.regbert.finetune.FinetunedModel;
import org.regbert.finetune.LeakageGuard;
import org.regbert.finetune.ModelPredictions;
import org.regbert.finetune.TaskSpec;
import org.regbert.finetune.PretrainingOverlap;
import org.regbert.finetune.SavedPredictions;
import org.regbert.metrics.EvaluationReport;
import org.regbert.metrics.Evaluator;
import org.regbert.metrics.HtmlReport;
import org.regbert.metrics.JsonReport;
import org.regbert.metrics.Predictions;
import org.regbert.metrics.PredictionsFile;
import org.regbert.metrics.ReportFigures;
import org.regbert.shards.ShardSet;

/**
 * Scores one or more fine-tuned models on the same labelled windows and writes one report that
 * compares them: each model predicts the shards' validation and test windows (or, without
 * --shards, its own predictions/ from finetune are read; with --shards that are the very ones its
 * finetune run predicted, the same SHA-256, those predictions are read too unless --repredict), then
 * the metrics library computes the DREAM measures with bootstrap intervals and paired differences.
 *
 * <pre>
 * OUTPUT/report.json      every figure, curves included (format regbert-evaluate-report); "models": each
 *                         model's overlap with its encoder's pre-training windows (the leakage check)
 * OUTPUT/report.html      self-contained: tables and inline SVG ROC / PR charts per task and cell type
 * OUTPUT/figures/*.svg    the same charts as files
 * OUTPUT/predictions/NAME/*.npz   what was scored (NumPy-readable)
 * </pre>
 *
 * <p>With a baseline ({@code --baseline kmer-lr}) the baselines library trains it on the training
 * split of the same shards for each task the models predict, and its predictions join the models'
 * as the last row of each table (so it is compared with the first model).
 */
final class EvaluateRun {
    /**
     * @param external {@code --predictions}: DREAM submissions added as model rows after the models
     * @param baseline a baseline to add ({@code kmer-lr}) or null; {@code seed} seeds its carved validation windows
     */
    record Settings(List<ModelInput> models, Path shards, Path output, Evaluator.Settings evaluator, int batchSize,
            boolean overwrite, boolean quiet, List<ExternalPredictions> external, String baseline, long seed,
            boolean allowPretrainingOverlap, boolean repredict) {
    }

    private final Settings settings;
    private String shardsSha256;
    /** The models whose finetune predictions of --shards were read rather than made again. */
    private final java.util.Set<String> reused = new java.util.HashSet<>();

    EvaluateRun(Settings settings) {
        this.settings = settings;
    }

    /**
     * Claims the output folder (another run given it is refused), writes the report into a hidden
     * folder beside it and renames that into place only when all of it is written: a failed run
     * leaves the output as it found it.
     */
    EvaluationReport execute() throws IOException {
        Path output = settings.output();
        try (OutputLock claim = OutputLock.acquire(output)) {
            if (Files.exists(output) && !isEmpty(output)) {
                if (!settings.overwrite()) {
                    throw new BadInputException(output, "is not empty; pass --overwrite to replace it");
                }
            }
            Path parent = output.toAbsolutePath().normalize().getParent();
            String stagingPrefix = "." + output.getFileName() + ".staging-";
            removeStaleStaging(parent, stagingPrefix);
            Path staged = Files.createTempDirectory(parent, stagingPrefix);
            try {
                EvaluationReport report = write(staged);
                deleteTree(output);
                Files.move(staged, output);
                return report;
            } finally {
                deleteTree(staged);
            }
        }
    }

    private EvaluationReport write(Path staged) throws IOException {
        Files.createDirectories(staged.resolve("predictions"));
        List<Predictions> all = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        List<TaskSpec> specs = new ArrayList<>();
        Map<String, PretrainingOverlap> overlaps = new LinkedHashMap<>();
        for (ModelInput model : settings.models()) {
            List<Predictions> predictions = settings.shards() != null ? predict(model, specs) : readSaved(model);
            PretrainingOverlap overlap = LeakageGuard.forModel(model.dir(), predictions,
                    settings.evaluator().split(), settings.shards());
            LeakageGuard.apply(overlap, settings.allowPretrainingOverlap(), "evaluate: " + model.name(),
                    settings.quiet(), System.err);
            overlaps.put(model.name(), overlap);
            Path dir = staged.resolve("predictions").resolve(model.name());
            Files.createDirectories(dir);
            for (Predictions p : predictions) {
                PredictionsFile.write(p, dir.resolve(ModelPredictions.fileName(p)));
            }
            all.addAll(predictions);
            inputs.add(model.name() + "=" + model.dir().toAbsolutePath().normalize()
                    + (settings.shards() != null ? " on " + settings.shards().toAbsolutePath().normalize() : "")
                    + (reused.contains(model.name()) ? " (read: the predictions its finetune run made on these shards,"
                            + " sha256 " + shardsSha256() + ")" : ""));
        }
        addExternal(all, inputs, staged);
        KmerLrBaseline baseline = null;
        if (settings.baseline() != null) {
            baseline = KmerLrBaseline.train(settings.shards(), specs, settings.seed(),
                    settings.quiet() ? null : line -> System.err.println("evaluate: " + line));
            Path dir = staged.resolve("predictions").resolve(KmerLrBaseline.NAME);
            Files.createDirectories(dir);
            for (Predictions p : baseline.predictions()) {
                PredictionsFile.write(p, dir.resolve(ModelPredictions.fileName(p)));
            }
            all.addAll(baseline.predictions());
            inputs.add(KmerLrBaseline.describeInput(settings.shards()));
        }
        EvaluationReport report = Evaluator.evaluate(all, inputs, settings.evaluator());
        Files.write(staged.resolve("report.json"), OverlapSection.json(JsonReport.toJson(report), overlaps));
        if (baseline != null) {
            baseline.annotate(staged.resolve("report.json"));
        }
        HtmlReport.write(report, staged.resolve("report.html"), OverlapSection.htmlNotes(overlaps));
        ReportFigures.writeSvgFiles(report, staged.resolve("figures"));
        return report;
    }

    /** Each --predictions file joined to the evaluated windows, as one more model row. */
    private void addExternal(List<Predictions> all, List<String> inputs, Path staged) throws IOException {
        List<Predictions> models = List.copyOf(all);
        for (ExternalPredictions external : settings.external()) {
            ExternalPredictions.Joined joined = external.join(models, settings.evaluator().split());
            Predictions p = joined.predictions();
            Path dir = staged.resolve("predictions").resolve(external.name());
            Files.createDirectories(dir);
            PredictionsFile.write(p, dir.resolve(ModelPredictions.fileName(p)));
            all.add(p);
            String counts = p.windows() + " windows joined from " + joined.lines() + " lines, " + joined.unmatched()
                    + " lines outside them ignored";
            inputs.add(external.name() + "=" + external.file().toAbsolutePath().normalize()
                    + " (ENCODE-DREAM submission; " + counts + ")");
            if (!settings.quiet()) {
                System.err.println("evaluate: " + external.name() + ": " + counts);
            }
        }
    }

    private List<Predictions> predict(ModelInput model, List<TaskSpec> specs) throws IOException {
        if (!settings.repredict() && SavedPredictions.madeOn(model.dir(), shardsSha256(),
                settings.evaluator().split() != 2)) {
            if (!settings.quiet()) {
                System.err.println("evaluate: " + model.name() + ": reading the predictions its finetune run made on"
                        + " these same shards (sha256 " + shardsSha256() + "); --repredict predicts again");
            }
            specs.add(FinetunedModel.spec(model.dir()));
            reused.add(model.name());
            return readSaved(model);
        }
        if (!settings.quiet()) {
            System.err.println("evaluate: predicting with " + model.name() + " (" + model.dir() + ") ...");
        }
        try (FinetunedModel loaded = FinetunedModel.load(model.dir())) {
            specs.add(loaded.spec());
            List<Predictions> predictions = ModelPredictions.predict(loaded, settings.shards(), model.name(),
                    settings.batchSize());
            if (predictions.isEmpty()) {
                throw new BadInputException(settings.shards(), "has no validation or test windows with labels of task '"
                        + loaded.spec().name() + "' (align --valid / --test hold chromosomes or regions out)");
            }
            return predictions;
        }
    }

    /** The --shards' digest, computed once (a few seconds for promoter's 421 MB). */
    private String shardsSha256() {
        if (shardsSha256 == null) {
            shardsSha256 = ShardSet.sha256(settings.shards());
        }
        return shardsSha256;
    }

    /** The predictions finetune wrote for the model, renamed to the model's name in this report. */
    private static List<Predictions> readSaved(ModelInput model) throws IOException {
        Path dir = model.dir().resolve("predictions");
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(model.dir(), "has no predictions/ (is it a 'regbert finetune' output?); or pass"
                    + " --shards to predict with the model");
        }
        List<Predictions> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".npz")).sorted().toList()) {
                out.add(PredictionsFile.read(file).withModel(model.name()));
            }
        }
        if (out.isEmpty()) {
            throw new BadInputException(dir, "holds no predictions (*.npz)");
        }
        return out;
    }

    /**
     * Deletes the staging folders a killed run (kill -9, power loss) left beside the output: only a
     * run that holds the output's claim stages into them, and this run holds it now.
     */
    private static void removeStaleStaging(Path parent, String prefix) throws IOException {
        try (Stream<Path> entries = Files.list(parent)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                // createTempDirectory's suffix is digits: the output 'a.staging-b' stages elsewhere.
                if (name.startsWith(prefix) && name.substring(prefix.length()).matches("\\d+")
                        && Files.isDirectory(entry)) {
                    deleteTree(entry);
                }
            }
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        FileTrees.delete(root);
    }
}
