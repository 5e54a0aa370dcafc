package org.regbert.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.regbert.shards.KmerVocabulary;

/**
 * BERT over k-mer tokens: token + position (+ chromatin state per token) (+ cell type per
 * sequence) embeddings, summed, normalised, then the Transformer encoder. EBERT uses every
 * embedding; GeneBERT's sequence encoder only tokens and positions.
 */
public final class SequenceEncoder extends Layers.Module {
    private final PretrainConfig.Architecture arch;
    final Layers.Embed tokens;
    private final Layers.Embed positions;
    private final Layers.Embed states;
    private final Layers.Embed cellTypes;
    private final Layers.Norm norm;
    private final Layers.Encoder encoder;
    private NDArray alibiBias;
    /** Learned attention bias per head for each signed distance within +-relativeWindow ([2R+1, heads]), or null. */
    private final ai.djl.nn.Parameter relative;
    private int[] relativeIndex;

    /**
     * @param k k-mer length (for the composed k-mer initialisation)
     * @param stateIds state embedding rows (states + 1 for the mask state), 0 for none
     * @param cellTypeIds cell-type embedding rows, 0 for none
     */
    SequenceEncoder(PretrainConfig.Architecture arch, int vocabulary, int k, int stateIds, int cellTypeIds) {
        this.arch = arch;
        tokens = child("token_embedding", "composed".equals(arch.kmerInit) && k > 0
                ? new Layers.Embed(vocabulary, arch.hidden, Layers.composedKmers(k, KmerVocabulary.FIRST_KMER))
                : new Layers.Embed(vocabulary, arch.hidden));
        positions = child("position_embedding", new Layers.Embed(arch.maxLength, arch.hidden));
        states = stateIds > 0 ? child("state_embedding", new Layers.Embed(stateIds, arch.hidden)) : null;
        cellTypes = cellTypeIds > 0 ? child("cell_type_embedding", new Layers.Embed(cellTypeIds, arch.hidden)) : null;
        norm = child("embedding_norm", new Layers.Norm(arch.hidden));
        relative = arch.relativeWindow > 0
                ? addParameter(ai.djl.nn.Parameter.builder().setName("relative_bias").setType(ai.djl.nn.Parameter.Type.BIAS)
                        .optShape(new ai.djl.ndarray.types.Shape(2L * arch.relativeWindow + 1, arch.heads))
                        .optInitializer(ai.djl.training.initializer.Initializer.ZEROS).build())
                : null;
        encoder = child("encoder", new Layers.Encoder(arch.layers, arch.hidden, arch.heads, arch.intermediate,
                arch.dropout));
    }

    public int hidden() {
        return arch.hidden;
    }

    public int maxLength() {
        return arch.maxLength;
    }

    /**
     * @param tokenIds int32 [B, S], [CLS] first, [PAD] (id 0) after [SEP] where shorter
     * @param stateIds int32 [B, S] or null
     * @param cellTypeIds int32 [B] or null
     * @return hidden states, float32 [B, S, H]
     */
    public NDArray apply(NDArray tokenIds, NDArray stateIds, NDArray cellTypeIds, boolean training) {
        return apply(tokenIds, stateIds, cellTypeIds, true, training);
    }

    /**
     * As {@link #apply(NDArray, NDArray, NDArray, boolean)}; {@code padded} false skips the [PAD]
     * mask (an attention-mask add per layer: worth skipping when no sequence has padding).
     */
    public NDArray apply(NDArray tokenIds, NDArray stateIds, NDArray cellTypeIds, boolean padded, boolean training) {
        return apply(tokenIds, stateIds, cellTypeIds, padded, training, false);
    }

    /**
     * The [CLS] state alone, [B, H]: equal to {@code apply(...)[:, 0, :]}, with the last layer
     * computing one query row instead of S (a [CLS]-pooled task head needs nothing else).
     */
    public NDArray applyCls(NDArray tokenIds, NDArray stateIds, NDArray cellTypeIds, boolean padded, boolean training) {
        NDArray cls = apply(tokenIds, stateIds, cellTypeIds, padded, training, true);
        return cls.reshape(cls.getShape().get(0), cls.getShape().get(2));
    }

    private NDArray apply(NDArray tokenIds, NDArray stateIds, NDArray cellTypeIds, boolean padded, boolean training,
            boolean clsOnly) {
        long b = tokenIds.getShape().get(0);
        long s = tokenIds.getShape().get(1);
        if (s > arch.maxLength) {
            throw new IllegalArgumentException("sequence of " + s + " tokens exceeds maxLength " + arch.maxLength);
        }
        NDArray x = tokens.apply(tokenIds);
        NDArray positionIds = tokenIds.getManager().arange(0, (int) s, 1, DataType.INT32);
        x = x.add(positions.apply(positionIds));
        if (states != null && stateIds != null) {
            x = x.add(states.apply(stateIds));
        }
        if (cellTypes != null && cellTypeIds != null) {
            x = x.add(cellTypes.apply(cellTypeIds).expandDims(1));
        }
        x = Layers.dropout(norm.apply(x), arch.dropout, training);
        NDArray mask = padded
                ? tokenIds.eq(KmerVocabulary.PAD).toType(DataType.FLOAT32, false).muli(-1e9f).reshape(b, 1, 1, s)
                : null;
        NDArray bias = arch.alibi ? alibi((int) s) : null;
        if (relative != null) {
            NDArray learned = relativeBias(tokenIds.getManager(), (int) s);
            bias = bias == null ? learned : learned.add(bias);
        }
        return encoder.apply(x, mask, bias, training, clsOnly);
    }

    /** ALiBi's bias for sequences of {@code length}, built once per length beside the parameters. */
    private NDArray alibi(int length) {
        if (alibiBias == null || alibiBias.getShape().get(1) != length) {
            if (alibiBias != null) {
                alibiBias.close();
            }
            alibiBias = Layers.alibi(tokens.weight.getArray().getManager(), arch.heads, length);
        }
        return alibiBias;
    }

    /**
     * The learned relative-position bias [heads, S, S]: entry (h, i, j) is the table's row for the
     * signed distance j - i (clamped to the window). Unlike ALiBi it can tell left from right, so a
     * head can learn "the nearest unmasked token on the left", which is what a masked k-mer span needs.
     */
    private NDArray relativeBias(ai.djl.ndarray.NDManager manager, int length) {
        if (relativeIndex == null || relativeIndex.length != length * length) {
            int window = arch.relativeWindow;
            int[] index = new int[length * length];
            for (int i = 0; i < length; i++) {
                for (int j = 0; j < length; j++) {
                    index[i * length + j] = Math.max(-window, Math.min(window, j - i)) + window;
                }
            }
            relativeIndex = index;
        }
        // The index array is made in the caller's (per-step) manager so the bias and its gradient
        // are freed with the step, not kept on the model's manager.
        NDArray index = manager.create(relativeIndex);
        NDArray rows = Layers.lookup(index, relative.getArray()); // [S*S, heads]
        return rows.transpose().reshape(arch.heads, length, length);
    }

    /** The token embedding table [V, H] (tied to the MLM output layer). */
    NDArray tokenTable() {
        return tokens.weight.getArray();
    }
}
