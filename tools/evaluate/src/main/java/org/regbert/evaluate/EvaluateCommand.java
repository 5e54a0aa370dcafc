package org.regbert.evaluate;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.regbert.pretrain.EngineSettings;
import org.regbert.common.BadInputException;
import org.regbert.common.ExitCodes;
import org.regbert.common.ToolVersion;
import org.regbert.finetune.PretrainingOverlap;
import org.regbert.metrics.BinaryMetrics;
import org.regbert.metrics.Bootstrap;
import org.regbert.metrics.EvaluationReport;
import org.regbert.metrics.Evaluator;
import org.regbert.metrics.ModelResult;
import org.regbert.metrics.TaskResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code regbert evaluate}: DREAM metrics of fine-tuned models on held-out windows, models compared in one report. */
@TopCommand
@Command(name = "evaluate", mixinStandardHelpOptions = true, versionProvider = EvaluateCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Scores fine-tuned models ('regbert finetune') on the held-out windows of labelled shards and compares",
            "them in one report: auROC, auPRC, recall at 10%% and 50%% FDR (ENCODE-DREAM's measures; ambiguous",
            "windows left out), accuracy, F1, MCC; macro measures per class for multi-class tasks; Pearson and",
            "Spearman for regression. Bootstrap confidence intervals resample held-out chromosomes (or blocks of",
            "windows on one chromosome); paired differences between models say whether pre-training helped.",
            "",
            "Leakage guard: each model's scored windows are checked against the genomic windows its encoder was",
            "pre-trained on (recorded by pretrain, kept by finetune in the model); an overlap stops evaluate with",
            "exit 2 unless --allow-pretraining-overlap. Models that record none get a warning; the report says which.",
            "",
            "OUTPUT gets report.json, report.html (self-contained, ROC and PR charts inline), figures/*.svg and",
            "predictions/NAME/*.npz (what was scored).",
        },
        footer = {
            "",
            "Examples:",
            "  regbert evaluate --model pretrained=ft/promoter --model scratch=ft/promoter-scratch \\",
            "                   --shards chr20-promoter/ --output reports/promoter",
            "  regbert evaluate --model ft/ctcf --output reports/ctcf      (the predictions finetune wrote)",
            "",
            "Exit codes: 0 success, 2 bad usage or bad input (message on stderr), 1 internal error.",
        })
public class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "[NAME=]DIR",
            description = "A 'regbert finetune' output directory; repeat to compare models (names default to the"
                    + " directory names).")
    List<String> models;

    @Option(names = "--shards", paramLabel = "DIR",
            description = "Labelled shards to predict on (align's split: validation 1, test 2). Default: the"
                    + " predictions each finetune run wrote.")
    Path shards;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Report directory.")
    Path output;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "test",
            description = "test, validation or all (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--bootstrap", paramLabel = "N", defaultValue = "1000",
            description = "Bootstrap replicates for confidence intervals (0: none; default: ${DEFAULT-VALUE}).")
    int bootstrap;

    @Option(names = "--confidence", paramLabel = "LEVEL", defaultValue = "0.95",
            description = "Confidence level of the intervals (default: ${DEFAULT-VALUE}).")
    double confidence;

    @Option(names = "--threshold", paramLabel = "P", defaultValue = "0.5",
            description = "Decision threshold for accuracy, F1, MCC (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Bootstrap seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64", description = "Windows per prediction batch"
            + " (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = PretrainingOverlap.ALLOW_OPTION,
            description = "Go on when a model's scored windows lie in the windows its encoder was pre-trained on"
                    + " (default: refuse with exit 2; the overlap is in the report either way).")
    boolean allowPretrainingOverlap;

    @Option(names = "--overwrite", description = "Replace a non-empty --output.")
    boolean overwrite;

    @Option(names = {"-q", "--quiet"}, description = "No progress or summary on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        int splitId = switch (split.toLowerCase(Locale.ROOT)) {
            case "test" -> 2;
            case "validation", "valid" -> 1;
            case "all" -> -1;
            default -> throw new BadInputException("--split " + split + ": expected test, validation or all");
        };
        if (bootstrap < 0 || confidence <= 0 || confidence >= 1 || batchSize < 1) {
            throw new BadInputException("--bootstrap must be >= 0, --confidence in (0, 1), --batch-size >= 1");
        }
        List<ModelInput> inputs = new ArrayList<>();
        for (String m : models) {
            ModelInput input = ModelInput.parse(m);
            if (inputs.stream().anyMatch(i -> i.name().equals(input.name()))) {
                throw new BadInputException("--model " + m + ": the name '" + input.name() + "' is taken; give NAME=DIR");
            }
            inputs.add(input);
        }
        EngineSettings.apply(null);
        Evaluator.Settings evaluator = new Evaluator.Settings(splitId, threshold,
                new Bootstrap.Settings(bootstrap, seed, confidence));
        EvaluationReport report = new EvaluateRun(new EvaluateRun.Settings(inputs, shards, output, evaluator, batchSize,
                overwrite, quiet, allowPretrainingOverlap)).execute();
        if (!quiet) {
            for (TaskResult task : report.tasks()) {
                for (ModelResult model : task.models()) {
                    StringBuilder line = new StringBuilder("evaluate: " + task.task() + "/" + task.cellType() + " "
                            + model.model() + ":");
                    for (Map.Entry<String, Double> e : model.headline().entrySet()) {
                        line.append(String.format(Locale.ROOT, " %s %.4f", e.getKey(), e.getValue()));
                    }
                    System.err.println(line);
                }
            }
            System.err.println("evaluate: report in " + output.resolve("report.html"));
        }
        return ExitCodes.OK;
    }

    /** Version for {@code --version}. */
    static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"regbert evaluate " + ToolVersion.get()};
        }
    }
}
