package org.regbert.evaluate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.regbert.common.FileTrees;
import org.regbert.common.BadInputException;
import org.regbert.finetune.FinetunedModel;
import org.regbert.finetune.LeakageGuard;
import org.regbert.finetune.ModelPredictions;
import org.regbert.finetune.PretrainingOverlap;
import org.regbert.metrics.EvaluationReport;
import org.regbert.metrics.Evaluator;
import org.regbert.metrics.HtmlReport;
import org.regbert.metrics.JsonReport;
import org.regbert.metrics.Predictions;
import org.regbert.metrics.PredictionsFile;
import org.regbert.metrics.ReportFigures;

/**
 * Scores one or more fine-tuned models on the same labelled windows and writes one report that
 * compares them: each model predicts the shards' validation and test windows (or, without
 * --shards, its own predictions/ from finetune are read), then the metrics library computes the
 * DREAM measures with bootstrap intervals and paired differences.
 *
 * <pre>
 * OUTPUT/report.json      every figure, curves included (format regbert-evaluate-report); "models": each
 *                         model's overlap with its encoder's pre-training windows (the leakage check)
 * OUTPUT/report.html      self-contained: tables and inline SVG ROC / PR charts per task and cell type
 * OUTPUT/figures/*.svg    the same charts as files
 * OUTPUT/predictions/NAME/*.npz   what was scored (NumPy-readable)
 * </pre>
 */
final class EvaluateRun {
    record Settings(List<ModelInput> models, Path shards, Path output, Evaluator.Settings evaluator, int batchSize,
            boolean overwrite, boolean quiet, boolean allowPretrainingOverlap) {
    }

    private final Settings settings;

    EvaluateRun(Settings settings) {
        this.settings = settings;
    }

    EvaluationReport execute() throws IOException {
        Path output = settings.output();
        if (Files.exists(output) && !isEmpty(output)) {
            if (!settings.overwrite()) {
                throw new BadInputException(output, "is not empty; pass --overwrite to replace it");
            }
        }
        Path staged = output.resolveSibling("." + output.getFileName() + ".tmp");
        deleteTree(staged);
        Files.createDirectories(staged.resolve("predictions"));
        List<Predictions> all = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        Map<String, PretrainingOverlap> overlaps = new LinkedHashMap<>();
        for (ModelInput model : settings.models()) {
            List<Predictions> predictions = settings.shards() != null ? predict(model) : readSaved(model);
            PretrainingOverlap overlap = LeakageGuard.forModel(model.dir(), predictions,
                    settings.evaluator().split(), settings.shards());
            try {
                LeakageGuard.apply(overlap, settings.allowPretrainingOverlap(), "evaluate: " + model.name(),
                        settings.quiet(), System.err);
            } catch (BadInputException e) {
                deleteTree(staged); // no half-written report
                throw e;
            }
            overlaps.put(model.name(), overlap);
            Path dir = staged.resolve("predictions").resolve(model.name());
            Files.createDirectories(dir);
            for (Predictions p : predictions) {
                PredictionsFile.write(p, dir.resolve(ModelPredictions.fileName(p)));
            }
            all.addAll(predictions);
            inputs.add(model.name() + "=" + model.dir().toAbsolutePath().normalize()
                    + (settings.shards() != null ? " on " + settings.shards().toAbsolutePath().normalize() : ""));
        }
        EvaluationReport report = Evaluator.evaluate(all, inputs, settings.evaluator());
        Files.write(staged.resolve("report.json"), OverlapSection.json(JsonReport.toJson(report), overlaps));
        HtmlReport.write(report, staged.resolve("report.html"), OverlapSection.htmlNotes(overlaps));
        ReportFigures.writeSvgFiles(report, staged.resolve("figures"));
        deleteTree(output);
        Files.move(staged, output);
        return report;
    }

    private List<Predictions> predict(ModelInput model) {
        if (!settings.quiet()) {
            System.err.println("evaluate: predicting with " + model.name() + " (" + model.dir() + ") ...");
        }
        try (FinetunedModel loaded = FinetunedModel.load(model.dir())) {
            List<Predictions> predictions = ModelPredictions.predict(loaded, settings.shards(), model.name(),
                    settings.batchSize());
            if (predictions.isEmpty()) {
                throw new BadInputException(settings.shards(), "has no validation or test windows with labels of task '"
                        + loaded.spec().name() + "' (align --valid / --test hold chromosomes or regions out)");
            }
            return predictions;
        }
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
                Predictions p = PredictionsFile.read(file);
                out.add(new Predictions(p.task(), p.cellType(), model.name(), p.kind(), p.classNames(), p.classes(),
                        p.scores(), p.labels(), p.targets(), p.split(), p.contig(), p.contigNames(), p.start(), p.end()));
            }
        }
        if (out.isEmpty()) {
            throw new BadInputException(dir, "holds no predictions (*.npz)");
        }
        return out;
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
