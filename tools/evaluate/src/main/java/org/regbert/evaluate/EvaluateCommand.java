package org.regbert.evaluate;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.regbert.baselines.KmerLrBaseline;
import org.regbert.pretrain.EngineSettings;
import org.regbert.common.BadInputException;
import org.regbert.common.ExitCodes;
import org.regbert.common.ToolVersion;
import org.regbert.finetune.PretrainingOverlap;
import org.regbert.metrics.BinaryMetrics;
import org.regbert.metrics.BlockLength;
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
            "Spearman for regression. auPRC is the Davis-Goadrich interpolated area, as ENCODE-DREAM scored it;",
            "average precision (the step-wise area) is reported beside it. Bootstrap confidence intervals resample",
            "contiguous genomic blocks within each held-out contig (FASTA records for record windows); paired",
            "differences between models, on the same resamples, say whether pre-training helped. --predictions adds",
            "another tool's ENCODE-DREAM submission as one more model row.",
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
            "  regbert evaluate --model ft/ctcf --predictions other=F.CTCF.K562.tab.gz --output reports/ctcf",
            "  regbert evaluate --model ft/promoter --shards chr20-promoter/ --baseline kmer-lr --output reports/promoter",
            "",
            "Exit codes: 0 success, 2 bad usage or bad input (message on stderr), 1 internal error.",
        })
public class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "[NAME=]DIR",
            description = "A 'regbert finetune' output directory; repeat to compare models (names default to the"
                    + " directory names).")
    List<String> models;

    @Option(names = "--shards", paramLabel = "DIR",
            description = "Labelled shards to predict on (align's split: validation 1, test 2). A model fine-tuned"
                    + " on these very shards (the same SHA-256 of every shard, recorded in its"
                    + " finetune-summary.json) is not run again: the predictions its finetune run wrote are read."
                    + " Default: the predictions each finetune run wrote.")
    Path shards;

    @Option(names = "--repredict",
            description = "With --shards: predict with every model even when its finetune run already predicted"
                    + " these same shards.")
    boolean repredict;

    @Option(names = "--baseline", paramLabel = "NAME",
            description = "Add a baseline model row trained on the training split of --shards (required) and scored on"
                    + " the same windows as the models: kmer-lr, L2-regularised logistic regression on k-mer counts"
                    + " (multinomial for multi-class tasks, one per label for multi-label, ridge for regression), k in"
                    + " 3..6 and the penalty chosen on the validation split. Default: none.")
    String baseline;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Report directory.")
    Path output;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "test",
            description = "test, validation or all (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--bootstrap", paramLabel = "N", defaultValue = "1000",
            description = "Bootstrap replicates for confidence intervals (0: none; default: ${DEFAULT-VALUE}).")
    int bootstrap;

    @Option(names = "--bootstrap-block", paramLabel = "LENGTH", defaultValue = "1Mb",
            description = "Length of the contiguous genomic blocks the bootstrap resamples, drawn with replacement"
                    + " within each held-out contig: bases, or with kb / Mb (1000000, 1Mb, 500kb; default:"
                    + " ${DEFAULT-VALUE}). Windows of FASTA records resample whole records instead.")
    String bootstrapBlock;

    @Option(names = "--predictions", paramLabel = "NAME=FILE",
            description = "Adds a model row NAME from another tool's predictions in ENCODE-DREAM submission format"
                    + " (chr, start, stop, probability; tab separated, no header, plain or gzipped), joined to the"
                    + " evaluated windows of the binary task by chr, start and stop ('chr20' matches '20'). Every"
                    + " scored window needs a line; other lines are counted and ignored. Repeatable (default: none).")
    List<String> predictions = new ArrayList<>();

    @Option(names = "--confidence", paramLabel = "LEVEL", defaultValue = "0.95",
            description = "Confidence level of the intervals (default: ${DEFAULT-VALUE}).")
    double confidence;

    @Option(names = "--threshold", paramLabel = "P", defaultValue = "0.5",
            description = "Decision threshold for accuracy, F1, MCC (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Bootstrap seed; also picks the windows --baseline holds out of training when the shards"
                    + " have no validation split (default: ${DEFAULT-VALUE}).")
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
        long blockBases;
        try {
            blockBases = BlockLength.parse(bootstrapBlock);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--bootstrap-block " + e.getMessage());
        }
        if (baseline != null && !baseline.equals(KmerLrBaseline.NAME)) {
            throw new BadInputException("--baseline " + baseline + ": the baseline offered is " + KmerLrBaseline.NAME);
        }
        if (repredict && shards == null) {
            throw new BadInputException("--repredict needs --shards: without them the predictions each finetune run"
                    + " wrote are what is scored");
        }
        if (baseline != null && shards == null) {
            throw new BadInputException("--baseline " + baseline + " needs --shards: it trains on their training split");
        }
        // One name space for the report's rows: models, external predictions and the baseline.
        java.util.Set<String> names = new java.util.HashSet<>();
        if (baseline != null) {
            names.add(baseline);
        }
        List<ModelInput> inputs = new ArrayList<>();
        for (String m : models) {
            ModelInput input = ModelInput.parse(m);
            claimName(names, "--model " + m, input.name());
            inputs.add(input);
        }
        List<ExternalPredictions> external = new ArrayList<>();
        for (String p : predictions) {
            ExternalPredictions input = ExternalPredictions.parse(p);
            claimName(names, "--predictions " + p, input.name());
            if (!java.nio.file.Files.isRegularFile(input.file()) || !java.nio.file.Files.isReadable(input.file())) {
                // Checked before the models predict, which takes a while.
                throw new BadInputException(input.file(), "is not a readable file (--predictions " + p + ")");
            }
            external.add(input);
        }
        EngineSettings.apply(null);
        Evaluator.Settings evaluator = new Evaluator.Settings(splitId, threshold,
                new Bootstrap.Settings(bootstrap, seed, confidence, blockBases));
        EvaluationReport report = new EvaluateRun(new EvaluateRun.Settings(inputs, shards, output, evaluator, batchSize,
                overwrite, quiet, external, baseline, seed, allowPretrainingOverlap, repredict)).execute();
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

    /** Refuses a row name another --model, --predictions or the --baseline already has (exit 2). */
    private void claimName(java.util.Set<String> names, String given, String name) {
        if (!names.add(name)) {
            String owner = name.equals(baseline) ? "the --baseline's" : "taken by another --model or --predictions";
            throw new BadInputException(given + ": the name '" + name + "' is " + owner + "; give NAME="
                    + (given.startsWith("--model") ? "DIR" : "FILE"));
        }
    }

    /** Version for {@code --version}. */
    static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"regbert evaluate " + ToolVersion.get()};
        }
    }
}
