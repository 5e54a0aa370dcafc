package org.regbert.finetune;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a fine-tuning run is given, resolved from the command line.
 *
 * @param checkpoint pre-trained checkpoint (a pretrain output directory or checkpoint folder), null with fromScratch
 * @param scratchModel with fromScratch: ebert or genebert
 * @param scratchPreset with fromScratch: tiny, small or base
 * @param motifs GeneBERT: the motif file align scanned, when it is no longer where the shards' manifest says (null: there)
 * @param ignoreStates EBERT: feed "no annotation" for every token instead of the shards' states
 * @param head the head's kind, null to infer it from the labels
 * @param balance none, weight (positive / class weights in the loss) or sample (class-balanced batches)
 * @param epochsGiven whether --epochs was given (with maxMinutes, epochs then cap the steps; else the budget decides)
 * @param maxSteps stop after this many optimiser steps (0: epochs decide)
 * @param maxMinutes wall-clock budget: the step count is fixed by timing a few steps (null: epochs and maxSteps decide)
 * @param warmupFraction warm-up as a fraction of the steps (rounded)
 * @param warmupSteps warm-up as a number of steps, instead of warmupFraction (null: the fraction decides)
 * @param schedule learning-rate decay after the warm-up: linear or cosine
 * @param patience evaluations without a better validation score before stopping early (0: never)
 * @param stopAfter tests: stop after this step without finishing, as if killed (null: run to the end)
 * @param startNanos {@link System#nanoTime()} when the command started: where maxMinutes counts from
 * @param allowPretrainingOverlap go on when test windows lie in the encoder's pre-training windows (else exit 2)
 */
public record FinetuneSettings(
        Path checkpoint,
        boolean fromScratch,
        String scratchModel,
        String scratchPreset,
        Path shards,
        Path motifs,
        List<String> tasks,
        HeadKind head,
        Pooling pooling,
        List<String> features,
        boolean ignoreStates,
        List<String> trainCellTypes,
        List<String> testCellTypes,
        String balance,
        int epochs,
        boolean epochsGiven,
        int maxSteps,
        Double maxMinutes,
        int batchSize,
        double learningRate,
        double weightDecay,
        double encoderLrScale,
        double warmupFraction,
        Long warmupSteps,
        String schedule,
        int evalEvery,
        int patience,
        int headHidden,
        long seed,
        String device,
        Path output,
        boolean resume,
        boolean overwrite,
        boolean quiet,
        Long stopAfter,
        List<String> command,
        long startNanos, boolean allowPretrainingOverlap) {

    /** The warm-up of a TOTAL-step run: --warmup-steps, else --warmup's fraction of TOTAL, rounded. */
    public long warmupSteps(long total) {
        return warmupSteps != null ? warmupSteps : Math.round(total * warmupFraction);
    }

    /** Windows per prediction pass (validation, test, budget timing): inference takes larger batches than training. */
    public int inferenceBatchSize() {
        return Math.max(batchSize, 64);
    }
}
