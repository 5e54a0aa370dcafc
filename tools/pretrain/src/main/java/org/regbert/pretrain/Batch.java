package org.regbert.pretrain;

/**
 * One micro-batch as plain Java arrays, built off the training thread; the step turns it into
 * NDArrays in its own sub-manager. Sequences are [CLS] window-tokens [SEP], all the same length.
 */
final class Batch {
    /** Sequences and tokens per sequence (with [CLS] and [SEP]). */
    final int size;
    final int length;
    /** Input token ids [size * length] after masking. */
    final int[] tokens;
    /** EBERT: state ids [size * length] (masked ones replaced by the mask state), else null. */
    final int[] states;
    /** EBERT: cell-type ids [size], else null. */
    final int[] cellTypes;
    /** Masked positions as flat indices (sequence * length + position) and their original tokens. */
    final int[] maskedPositions;
    final int[] targets;
    /**
     * EBERT with a state head: the flat positions whose states are predicted (the masked positions
     * with --mask-states; every token of a window state dropout hid with --predict-dropped-states)
     * and their original states; else null.
     */
    final int[] statePositions;
    final int[] stateTargets;
    /** Non-padding tokens, for tokens/s. */
    final long realTokens;

    /** GeneBERT: regions and motifs per matrix. */
    final int regions;
    final int motifs;
    /** GeneBERT: standardised motif scores [size, regions, motifs], masked regions zeroed. */
    final float[] motifInput;
    /** GeneBERT: 1 where a region is masked [size * regions]. */
    final float[] regionMask;
    /** GeneBERT: masked regions (flat sequence * regions + region) and their true scores [masked, motifs]. */
    final int[] maskedRegions;
    final float[] regionTargets;
    /** GeneBERT: 1 for a window's own motif matrix, 0 for a negative ({@link MatchNegatives}). */
    final float[] matchLabels;

    /** Whether any sequence is shorter than {@link #length} (then attention masks the [PAD] tail). */
    boolean padded() {
        return realTokens < (long) size * length;
    }

    Batch(int size, int length, int[] tokens, int[] states, int[] cellTypes, int[] maskedPositions, int[] targets,
            int[] statePositions, int[] stateTargets, long realTokens, int regions, int motifs, float[] motifInput, float[] regionMask,
            int[] maskedRegions, float[] regionTargets, float[] matchLabels) {
        this.size = size;
        this.length = length;
        this.tokens = tokens;
        this.states = states;
        this.cellTypes = cellTypes;
        this.maskedPositions = maskedPositions;
        this.targets = targets;
        this.statePositions = statePositions;
        this.stateTargets = stateTargets;
        this.realTokens = realTokens;
        this.regions = regions;
        this.motifs = motifs;
        this.motifInput = motifInput;
        this.regionMask = regionMask;
        this.maskedRegions = maskedRegions;
        this.regionTargets = regionTargets;
        this.matchLabels = matchLabels;
    }
}
