package org.regbert.finetune;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.regbert.pretrain.EngineSettings;
import org.regbert.pretrain.LearningRateSchedule;
import org.regbert.common.BadInputException;
import org.regbert.common.ExitCodes;
import org.regbert.common.ToolVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regbert finetune}: a task head on a pre-trained (or fresh) EBERT / GeneBERT encoder. */
@TopCommand
@Command(name = "finetune", mixinStandardHelpOptions = true, versionProvider = FinetuneCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Fine-tunes a pre-trained model ('regbert pretrain') on the labels 'regbert align' put in the shards:",
            "TF binding (ENCODE-DREAM, per cell type), promoters, splice sites, accessibility levels. Encoder and",
            "head train together (AdamW, warm-up then linear decay); the model with the best validation auPRC is",
            "kept and training stops early when it stops improving.",
            "",
            "Heads: binary (one task), multiclass (splice: none/donor/acceptor), multilabel (several --task at",
            "once), regression (align's MCV levels). Pooling: [CLS] or mean. Task features (EBERT's feature",
            "augmentation): per-window accessibility, marks or bigWig signal (DNase, as in EBERT's ENCODE-DREAM",
            "runs) of the example's cell type, appended to the pooled vector. Cross-cell-type transfer:",
            "--test-cell-types holds cell types out of training and tests on them.",
            "",
            "GeneBERT models read align's motif matrices: the motif file align scanned (or --motifs) and the scan",
            "settings are kept in the model (model/motifs.json, model/motifs/), so 'score' can rebuild them.",
            "",
            "Leakage guard: the test windows are checked against the genomic windows the checkpoint was pre-trained",
            "on (its pretraining-windows.json); when some overlap, finetune stops with exit 2 unless",
            "--allow-pretraining-overlap. The model keeps the record, so 'evaluate' checks its windows too.",
            "",
            "OUTPUT gets model/ (the best model: what 'score' and 'evaluate' load), predictions/*.npz (validation",
            "and test windows), metrics.jsonl, task-plan.json, finetune-summary.json, model-card.md and",
            "checkpoints/ (a killed run continues with --resume).",
        },
        footer = {
            "",
            "Examples:",
            "  regbert finetune --checkpoint runs/ebert-tiny --shards chr20-promoter/ --task promoter --output ft/promoter",
            "  regbert finetune --from-scratch --model ebert --preset tiny --shards chr20-promoter/ --task promoter \\",
            "                   --output ft/promoter-scratch                     (the ablation baseline)",
            "  regbert finetune --checkpoint runs/ebert --shards dream/ --task ctcf --feature peaks \\",
            "                   --test-cell-types liver --balance sample --output ft/ctcf-liver",
            "  regbert finetune --checkpoint runs/ebert --shards dream-dnase/ --task ctcf --feature signal \\",
            "                   --output ft/ctcf-dnase         (shards of 'align --signal K562.bw:K562 ...')",
            "",
            "Exit codes: 0 success, 2 bad usage or bad input (message on stderr), 1 internal error.",
        })
public class FinetuneCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "Pre-trained model: a 'regbert pretrain' output directory or one of its checkpoints.")
    Path checkpoint;

    @Option(names = "--from-scratch", description = "Start from a freshly initialised encoder instead (ablations).")
    boolean fromScratch;

    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "ebert",
            description = "With --from-scratch: ebert or genebert (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "tiny",
            description = "With --from-scratch: tiny, small or base (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--shards", required = true, paramLabel = "DIR",
            description = "Labelled shards from 'regbert align' (a directory of shard-*.npz, or one shard).")
    Path shards;

    @Option(names = "--motifs", paramLabel = "FILE",
            description = "GeneBERT: the motif file 'align --motifs' scanned, when it moved since (default: the path"
                    + " in the shards' manifest). It is checked (same motifs, same order) and copied into the model,"
                    + " so 'score' rebuilds the motif matrices from the model alone.")
    Path motifs;

    @Option(names = "--task", required = true, paramLabel = "NAME", split = ",",
            description = "Label name(s) as align wrote them (label_NAME; per cell type label_NAME.CELL). Several:"
                    + " a multi-label head.")
    List<String> tasks;

    @Option(names = "--head", paramLabel = "KIND",
            description = "binary, multiclass, multilabel or regression (default: from the labels).")
    String head;

    @Option(names = "--pooling", paramLabel = "P", defaultValue = "mean",
            description = "mean (over the window's tokens), cls (the [CLS] token) or center (the window's middle"
                    + " token, for windows centred on what they classify, e.g. splice sites) (default: ${DEFAULT-VALUE}:"
                    + " masked-LM pre-training never trains [CLS], and on the kit's promoter task [CLS] pooling of a"
                    + " pre-trained EBERT gave auROC 0.845 where mean pooling gave 0.885; docs/science-history.md).")
    String pooling;

    @Option(names = "--feature", paramLabel = "ARRAY", split = ",",
            description = "Task features, appended to the pooled vector, from the rows of the example's cell type:"
                    + " per-token arrays of align (peaks, marks, states: the window's mean level over the highest"
                    + " level), or signal (align --signal bigWig tracks named CELL or CELL.MARK: asinh of the mean over"
                    + " the window's tokens with data, 0 without, plus a 0/1 has-data column per track). Recorded in"
                    + " model/task.json; evaluate rebuilds them from its shards. Repeatable (default: none).")
    List<String> features;

    @Option(names = "--ignore-states",
            description = "EBERT: read sequence alone ('no annotation' for every token), e.g. on FASTA-record shards"
                    + " that have no state array.")
    boolean ignoreStates;

    @Option(names = "--train-cell-types", paramLabel = "CELL", split = ",",
            description = "Cell types to train on (default: all with labels, minus --test-cell-types).")
    List<String> trainCellTypes;

    @Option(names = "--test-cell-types", paramLabel = "CELL", split = ",",
            description = "Cell types held out of training and tested on (cross-cell-type transfer).")
    List<String> testCellTypes;

    @Option(names = "--balance", paramLabel = "MODE", defaultValue = "weight",
            description = "Class imbalance: none, weight (weighted loss) or sample (class-balanced batches)"
                    + " (default: ${DEFAULT-VALUE}).")
    String balance;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "5", description = "Passes over the training windows"
            + " (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "0",
            description = "Stop after N optimiser steps (default: epochs decide).")
    int maxSteps;

    @Option(names = "--max-minutes", paramLabel = "M",
            description = "Wall-clock budget in minutes (decimals allowed), counted from the command's start: a few"
                    + " steps are timed after an untimed warm-up, and the step count that fits (with the validations,"
                    + " checkpoints and final predictions) becomes the run's step count, over which warm-up and decay"
                    + " are scheduled; --max-steps and a given --epochs cap it. Inside the warm-up the run fits the"
                    + " count once more from its own steps (the first timing runs while the JVM is still compiling),"
                    + " keeping the warm-up as long as it was (when the warm-up and the first validation come after"
                    + " step 50). Recorded in finetune-summary.json and the checkpoints'"
                    + " trainer-state.json; the recorded options (--max-steps N --epochs E, and --warmup-steps W after"
                    + " a re-fit) repeat the run without timing; --resume keeps it. Early stopping may still end the run sooner (default: no"
                    + " budget).")
    Double maxMinutes;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Windows per step"
            + " (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "2e-4", description = "Peak learning rate"
            + " (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--weight-decay", paramLabel = "W", defaultValue = "0.01", description = "AdamW weight decay"
            + " (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--encoder-lr-scale", paramLabel = "F", defaultValue = "1",
            description = "The encoder's learning rate as a fraction of --lr; the head always trains at --lr"
                    + " (discriminative fine-tuning, Howard and Ruder 2018: pre-trained features change more slowly"
                    + " than a new head learns). 0 freezes the encoder: a probe of the pre-trained features"
                    + " (default: ${DEFAULT-VALUE}).")
    double encoderLrScale;

    @Option(names = "--warmup", paramLabel = "F", defaultValue = "0.1", description = "Warm-up fraction of the steps"
            + " (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--warmup-steps", paramLabel = "W", description = "Warm-up as a number of steps, instead of"
            + " --warmup's fraction: what a --max-minutes run that re-fitted its step count records to repeat it.")
    Long warmupSteps;

    @Option(names = "--schedule", paramLabel = "DECAY", defaultValue = "linear",
            description = "Learning-rate decay after the warm-up, to 0 at the last step: linear or cosine (default:"
                    + " ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--eval-every", paramLabel = "STEPS", defaultValue = "0",
            description = "Validation interval (default: once per epoch).")
    int evalEvery;

    @Option(names = "--patience", paramLabel = "N", defaultValue = "3",
            description = "Evaluations without a better validation score before stopping (0: never; default:"
                    + " ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--head-hidden", paramLabel = "N", defaultValue = "64",
            description = "Width of the head's hidden layer (default: ${DEFAULT-VALUE}).")
    int headHidden;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--device", paramLabel = "DEV", defaultValue = "auto",
            description = "cpu, gpu or auto (default: ${DEFAULT-VALUE}: a GPU when the engine reports one).")
    String device;

    @Option(names = "--threads", paramLabel = "N", description = "Engine threads (default: the engine's).")
    Integer threads;

    @Option(names = PretrainingOverlap.ALLOW_OPTION,
            description = "Go on when test windows (split 2) lie in the windows the --checkpoint was pre-trained on"
                    + " (default: refuse with exit 2; the overlap is shown either way and kept in the summary).")
    boolean allowPretrainingOverlap;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Run directory.")
    Path output;

    @Option(names = "--resume", description = "Continue the run in --output from its latest checkpoint.")
    boolean resume;

    @Option(names = "--overwrite", description = "Replace a non-empty --output.")
    boolean overwrite;

    @Option(names = {"-q", "--quiet"}, description = "No progress or summary on stderr.")
    boolean quiet;

    @Option(names = "--stop-after", paramLabel = "STEP", hidden = true,
            description = "Stop after this step, as if killed (tests).")
    Long stopAfter;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime(); // --max-minutes counts from here
        if (fromScratch == (checkpoint != null)) {
            throw new BadInputException("give exactly one of --checkpoint DIR and --from-scratch");
        }
        if (resume && overwrite) {
            throw new BadInputException("--resume and --overwrite contradict each other");
        }
        if (!List.of("none", "weight", "sample").contains(balance)) {
            throw new BadInputException("--balance " + balance + ": expected none, weight or sample");
        }
        // One message per option, naming the value given. The comparisons are written so that NaN
        // (which picocli parses as a double) fails them: a NaN --lr used to pass and end in a diverged loss.
        if (epochs < 1) {
            throw new BadInputException("--epochs " + epochs + ": expected at least 1");
        }
        if (batchSize < 1) {
            throw new BadInputException("--batch-size " + batchSize + ": expected at least 1");
        }
        if (!(learningRate > 0 && Double.isFinite(learningRate))) {
            throw new BadInputException("--lr " + learningRate + ": expected a learning rate above 0, e.g. 2e-4");
        }
        if (!(encoderLrScale >= 0 && encoderLrScale <= 1)) {
            throw new BadInputException("--encoder-lr-scale " + encoderLrScale + ": expected a fraction in [0, 1]");
        }
        if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
            throw new BadInputException("--weight-decay " + weightDecay + ": expected 0 or more");
        }
        if (!(warmup >= 0 && warmup < 1)) {
            throw new BadInputException("--warmup " + warmup + ": expected a fraction of the steps in [0, 1)");
        }
        if (warmupSteps != null && warmupSteps < 0) {
            throw new BadInputException("--warmup-steps " + warmupSteps + ": expected 0 or more steps");
        }
        if (maxMinutes != null && !(maxMinutes > 0 && Double.isFinite(maxMinutes))) {
            throw new BadInputException("--max-minutes " + maxMinutes + ": expected a positive number of minutes");
        }
        String decay = schedule.toLowerCase(Locale.ROOT);
        if (!LearningRateSchedule.DECAYS.contains(decay)) {
            throw new BadInputException("--schedule " + schedule + ": expected one of " + LearningRateSchedule.DECAYS);
        }
        boolean epochsGiven = spec != null && spec.commandLine().getParseResult().hasMatchedOption("--epochs");
        EngineSettings.apply(threads);
        List<String> command = new ArrayList<>(List.of("regbert", "finetune"));
        if (spec != null) {
            command.addAll(spec.commandLine().getParseResult().originalArgs());
        }
        FinetuneSettings settings = new FinetuneSettings(checkpoint, fromScratch, model.toLowerCase(Locale.ROOT),
                preset.toLowerCase(Locale.ROOT), shards, motifs, tasks, head == null ? null : HeadKind.parse(head),
                Pooling.parse(pooling), features, ignoreStates, trainCellTypes, testCellTypes, balance, epochs, epochsGiven,
                maxSteps, maxMinutes, batchSize, learningRate, weightDecay, encoderLrScale, warmup, warmupSteps, decay, evalEvery, patience, headHidden,
                seed, device.toLowerCase(Locale.ROOT), output, resume, overwrite, quiet, stopAfter, command, started, allowPretrainingOverlap);
        Map<String, Object> summary = new FinetuneRun(settings).execute();
        if (!quiet && summary.containsKey("test")) {
            System.err.println("finetune: " + summary.get("task") + " (" + summary.get("head") + "), best step "
                    + summary.get("bestStep") + " of " + summary.get("steps") + "; validation " + summary.get("validation")
                    + "; test " + summary.get("test"));
            System.err.println("finetune: model in " + output.resolve(FinetunedModel.MODEL_DIR) + ", predictions in "
                    + output.resolve(Outputs.PREDICTIONS));
        }
        return ExitCodes.OK;
    }

    /** Version for {@code --version}. */
    static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"regbert finetune " + ToolVersion.get()};
        }
    }
}
