package org.regbert.pretrain;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.regbert.common.BadInputException;
import org.regbert.common.ExitCodes;
import org.regbert.common.ToolVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regbert pretrain}: EBERT / GeneBERT masked-LM pre-training on window shards. */
@TopCommand
@Command(name = "pretrain", mixinStandardHelpOptions = true, versionProvider = PretrainCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Pre-trains an epigenome-aware DNA language model on the window shards of 'regbert tokenize' +",
            "'regbert align' (DJL with the PyTorch engine; CPU or GPU):",
            "  ebert     BERT over k-mers, each token embedded with its cell type's chromatin state",
            "            ('states' or 'peaks' array); DNABERT span masking; samples (window, cell type) pairs.",
            "  genebert  sequence encoder + region encoder over the TF x region motif matrix ('motifs');",
            "            masked sequence + masked region modelling + sequence-region matching.",
            "",
            "Settings come from the preset, then --config (YAML or JSON: model, preset, architecture, data,",
            "training, genebert), then the options below. OUTPUT gets checkpoints/step-N/ (parameters.npz,",
            "optimizer.npz, trainer-state.json, config.json, vocabularies.json), metrics.jsonl, and at the end",
            "loss.svg and model-card.json/.md. A killed run continues with --resume to the same parameters.",
        },
        footer = {
            "",
            "Examples:",
            "  regbert pretrain --shards dhs/ --model ebert --preset tiny --steps 300 --output runs/ebert-tiny",
            "  regbert pretrain --shards motifs/ --model genebert --preset small --steps 20000 --device auto \\",
            "                   --config genebert.yaml --output runs/genebert",
            "  regbert pretrain --output runs/genebert --resume        (after a crash; same result as no crash)",
            "  regbert pretrain --shards dhs/ --max-minutes 10 --evals 20 --output runs/ebert-10min",
            "",
            "Presets: tiny (2 x 64, 128 tokens: minutes on 2 cores), small (4 x 256, 512), base (BERT-base, GPUs).",
            "Exit codes: 0 success, 2 bad usage or bad input (message on stderr), 1 internal error.",
        })
public class PretrainCommand implements Callable<Integer> {

    @Option(names = "--shards", paramLabel = "DIR",
            description = "Window shards (a directory of shard-*.npz, or one shard). Required unless --resume.")
    Path shards;

    @Option(names = "--model", paramLabel = "MODEL", description = "ebert or genebert (default: ebert).")
    String model;

    @Option(names = "--preset", paramLabel = "NAME", description = "tiny, small or base (default: tiny).")
    String preset;

    @Option(names = "--steps", paramLabel = "N", description = "Optimiser steps (default: 1000; with --max-minutes,"
            + " a cap: the smaller of N and what fits the budget).")
    Integer steps;

    @Option(names = "--max-minutes", paramLabel = "M",
            description = "Wall-clock budget in minutes (decimals allowed), counted from the command's start: a few"
                    + " steps are timed after an untimed warm-up, and the step count that fits (with evaluations,"
                    + " checkpoints and the final outputs) becomes the run's step count, over which the learning rate"
                    + " is scheduled. Recorded in the model card and trainer-state.json with the timings; --steps"
                    + " with that count repeats the run without timing; --resume keeps it (default: no budget).")
    Double maxMinutes;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
            description = "Run directory: checkpoints, metrics, loss curve, model card.")
    Path output;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON config (see above).")
    Path config;

    @Option(names = "--resume", description = "Continue the run in --output from its latest checkpoint.")
    boolean resume;

    @Option(names = "--overwrite", description = "Start over in an --output that holds a run.")
    boolean overwrite;

    @Option(names = "--seed", paramLabel = "S", description = "Seed for initialisation, shuffling and masking (default: 1).")
    Long seed;

    @Option(names = "--device", paramLabel = "DEV", description = "cpu, gpu or auto (default: auto: a GPU when the"
            + " engine reports one).")
    String device;

    @Option(names = "--batch-size", paramLabel = "N", description = "Sequences per micro-batch (preset default).")
    Integer batchSize;

    @Option(names = "--accumulation", paramLabel = "N", description = "Micro-batches per optimiser step (default: 1).")
    Integer accumulation;

    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (preset default).")
    Double learningRate;

    @Option(names = "--warmup", paramLabel = "STEPS", description = "Linear warm-up steps (default: 10%% of the"
            + " steps).")
    Integer warmup;

    @Option(names = "--warmup-fraction", paramLabel = "F",
            description = "Warm-up as a fraction of the steps, rounded (instead of --warmup; default: 0.1, at least"
                    + " one step).")
    Double warmupFraction;

    @Option(names = "--schedule", paramLabel = "DECAY",
            description = "Learning-rate decay after the warm-up, to 0 at the last step: linear or cosine (default:"
                    + " linear).")
    String schedule;

    @Option(names = "--max-length", paramLabel = "TOKENS",
            description = "Tokens per sequence with [CLS]/[SEP]; longer windows are cropped (preset default).")
    Integer maxLength;

    @Option(names = "--state-array", paramLabel = "NAME",
            description = "EBERT: 'states' (ChromHMM), 'peaks' (accessibility) or 'signal_states' (bigWig signal"
                    + " quantised by align --signal-levels; the model keeps the cut points) (default: states if present,"
                    + " else peaks, else signal_states).")
    String stateArray;

    @Option(names = "--cell-types", split = ",", paramLabel = "NAME",
            description = "EBERT: sample only these cell types (default: all in the shards).")
    List<String> cellTypes;

    @Option(names = "--mask-rate", paramLabel = "F", description = "Fraction of tokens masked (default: 0.15).")
    Double maskRate;

    @Option(names = "--span-bases", paramLabel = "N", description = "Bases each masked span hides, for overlapping"
            + " k-mers (spans of k+N-1 tokens): 1 (DNABERT's) lets every target k-mer but one base be copied from its"
            + " neighbours; larger N makes the model predict bases from their context (default: 1).")
    Integer spanBases;

    @Option(names = "--mask-states", description = "EBERT: also mask and predict the states of masked tokens.")
    boolean maskStates;

    @Option(names = "--state-dropout", paramLabel = "F", description = "EBERT: fraction of training windows shown"
            + " with no states (every token \"no annotation\", as finetune --ignore-states shows them), so one"
            + " checkpoint serves tasks with and without states (default: 0).")
    Double stateDropout;

    @Option(names = "--predict-dropped-states", description = "EBERT, with --state-dropout: predict the states"
            + " of every token of the windows state dropout hides, from their DNA (masked accessibility modelling,"
            + " as EpiBERT does with ATAC-seq); odd held-out windows are shown without states, so metrics.jsonl"
            + " reports a held-out 'state' loss.")
    boolean predictDroppedStates;

    @Option(names = "--checkpoint-every", paramLabel = "STEPS", description = "Checkpoint interval (preset default).")
    Integer checkpointEvery;

    @Option(names = "--eval-every", paramLabel = "STEPS", description = "Held-out evaluation interval (preset default).")
    Integer evalEvery;

    @Option(names = "--evals", paramLabel = "N",
            description = "Held-out evaluations over the run, evenly spaced (every steps/N steps, and at the end):"
                    + " a loss curve whatever step count --max-minutes fixes (default: --eval-every decides).")
    Integer evals;

    @Option(names = "--threads", paramLabel = "N",
            description = "Engine threads (default: the engine's; also -Dai.djl.pytorch.num_threads).")
    Integer threads;

    @Option(names = {"-q", "--quiet"}, description = "No progress or summary on stderr.")
    boolean quiet;

    @Option(names = "--stop-after", paramLabel = "STEP", hidden = true,
            description = "Stop after this step without a final checkpoint, as if killed (tests).")
    Long stopAfter;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        long started = System.nanoTime(); // --max-minutes counts from here
        ObjectNode overrides = ConfigLoader.JSON.createObjectNode();
        if (model != null) {
            overrides.put("model", model.toLowerCase(java.util.Locale.ROOT));
        }
        if (preset != null) {
            overrides.put("preset", preset.toLowerCase(java.util.Locale.ROOT));
        }
        ObjectNode data = ConfigLoader.JSON.createObjectNode();
        if (shards != null) {
            data.put("shards", shards.toString());
        }
        if (stateArray != null) {
            data.put("stateArray", stateArray);
        }
        if (cellTypes != null && !cellTypes.isEmpty()) {
            ArrayNode list = data.putArray("cellTypes");
            cellTypes.forEach(list::add);
        }
        if (maskRate != null) {
            data.put("maskRate", maskRate);
        }
        if (spanBases != null) {
            data.put("spanBases", spanBases);
        }
        if (maskStates) {
            data.put("maskStates", true);
        }
        if (stateDropout != null) {
            data.put("stateDropout", stateDropout);
        }
        if (predictDroppedStates) {
            data.put("predictDroppedStates", true);
        }
        ObjectNode training = ConfigLoader.JSON.createObjectNode();
        putIfSet(training, "steps", steps);
        putIfSet(training, "batchSize", batchSize);
        putIfSet(training, "accumulation", accumulation);
        putIfSet(training, "warmupSteps", warmup);
        putIfSet(training, "checkpointEvery", checkpointEvery);
        putIfSet(training, "evalEvery", evalEvery);
        putIfSet(training, "evals", evals);
        if (maxMinutes != null) {
            training.put("maxMinutes", maxMinutes);
        }
        if (warmupFraction != null) {
            training.put("warmupFraction", warmupFraction);
        }
        if (schedule != null) {
            training.put("schedule", schedule.toLowerCase(java.util.Locale.ROOT));
        }
        putIfSet(training, "threads", threads);
        if (learningRate != null) {
            training.put("learningRate", learningRate);
        }
        if (seed != null) {
            training.put("seed", seed);
        }
        if (device != null) {
            training.put("device", device.toLowerCase(java.util.Locale.ROOT));
        }
        ObjectNode architecture = ConfigLoader.JSON.createObjectNode();
        putIfSet(architecture, "maxLength", maxLength);
        if (!data.isEmpty()) {
            overrides.set("data", data);
        }
        if (!training.isEmpty()) {
            overrides.set("training", training);
        }
        if (!architecture.isEmpty()) {
            overrides.set("architecture", architecture);
        }
        if (shards == null && !resume) {
            if (config == null) {
                throw new BadInputException("--shards is required (a directory of shard-*.npz from regbert tokenize"
                        + " and align)");
            }
        }
        if (resume && overwrite) {
            throw new BadInputException("--resume and --overwrite contradict each other");
        }
        ObjectNode fileTree = config == null ? ConfigLoader.JSON.createObjectNode() : ConfigLoader.readFile(config);
        EngineSettings.apply(threads);
        List<String> command = new ArrayList<>(List.of("regbert", "pretrain"));
        if (spec != null) {
            command.addAll(spec.commandLine().getParseResult().originalArgs());
        }
        new PretrainRun(new PretrainRun.Settings(fileTree, config, overrides, output, resume, overwrite, quiet,
                stopAfter, command, started)).execute();
        return ExitCodes.OK;
    }

    private static void putIfSet(ObjectNode node, String key, Integer value) {
        if (value != null) {
            node.put(key, value);
        }
    }

    /** Version for {@code --version}. */
    static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"regbert pretrain " + ToolVersion.get()};
        }
    }
}
