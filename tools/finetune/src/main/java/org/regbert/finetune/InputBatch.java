package org.regbert.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.regbert.shards.KmerVocabulary;

/**
 * The model inputs of a batch of windows as plain Java arrays (filled from shards or from a
 * reference sequence), turned into named NDArrays by {@link #toNDList}. Windows are given as the
 * shards store them: token ids without [CLS]/[SEP], all of {@code length} tokens.
 */
public final class InputBatch {
    public static final String TOKENS = "tokens";
    public static final String STATES = "states";
    public static final String CELL_TYPES = "cell_types";
    public static final String FEATURES = "features";
    public static final String MOTIFS = "motifs";

    final int size;
    final int length;
    /** Token ids [size * length]. */
    final int[] tokens;
    /** EBERT: state ids [size * length] (0 no annotation), else null. */
    final int[] states;
    /** EBERT with a cell-type embedding: ids [size], else null. */
    final int[] cellTypes;
    /** Task features [size * features], else null. */
    final float[] features;
    final int featureCount;
    /** GeneBERT: standardised motif matrices, regions first [size * regions * motifs], else null. */
    final float[] motifs;
    final int regions;
    final int motifCount;

    public InputBatch(int size, int length, int[] tokens, int[] states, int[] cellTypes, float[] features,
            int featureCount, float[] motifs, int regions, int motifCount) {
        this.size = size;
        this.length = length;
        this.tokens = tokens;
        this.states = states;
        this.cellTypes = cellTypes;
        this.features = features;
        this.featureCount = featureCount;
        this.motifs = motifs;
        this.regions = regions;
        this.motifCount = motifCount;
    }

    public int size() {
        return size;
    }

    /**
     * Named arrays: {@code tokens} int32 [B, L + 2] with [CLS] and [SEP], {@code states} int32
     * [B, L + 2] (0 at [CLS]/[SEP]), {@code cell_types} int32 [B], {@code features} float32 [B, F],
     * {@code motifs} float32 [B, R, T]; absent inputs are left out.
     */
    public NDList toNDList(NDManager manager) {
        int s = length + 2;
        int[] ids = new int[size * s];
        int[] stateIds = states == null ? null : new int[size * s];
        for (int i = 0; i < size; i++) {
            ids[i * s] = KmerVocabulary.CLS;
            System.arraycopy(tokens, i * length, ids, i * s + 1, length);
            ids[i * s + s - 1] = KmerVocabulary.SEP;
            if (stateIds != null) {
                System.arraycopy(states, i * length, stateIds, i * s + 1, length);
            }
        }
        NDList list = new NDList();
        list.add(named(manager.create(ids, new Shape(size, s)), TOKENS));
        if (stateIds != null) {
            list.add(named(manager.create(stateIds, new Shape(size, s)), STATES));
        }
        if (cellTypes != null) {
            list.add(named(manager.create(cellTypes), CELL_TYPES));
        }
        if (features != null && featureCount > 0) {
            list.add(named(manager.create(features, new Shape(size, featureCount)), FEATURES));
        }
        if (motifs != null) {
            list.add(named(manager.create(motifs, new Shape(size, regions, motifCount)), MOTIFS));
        }
        return list;
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }
}
