package org.regbert.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.regbert.pretrain.GraphScalars;
import org.regbert.pretrain.Layers;
import org.regbert.pretrain.PretrainingModel;
import org.regbert.shards.KmerVocabulary;

/**
 * A pre-trained encoder with a task head, as one DJL block: its forward pass maps the named inputs
 * of {@link InputBatch#toNDList} to one logit per output column, so a DJL {@code Predictor} runs
 * it. The encoder's own pre-training heads stay in the block (unused) so its parameters keep
 * their checkpoint names.
 */
final class FinetuneBlock extends Layers.Module {
    private final PretrainingModel encoder;
    private final TaskHead head;
    private final TaskSpec spec;
    private final boolean genebert;

    FinetuneBlock(PretrainingModel encoder, TaskSpec spec, int hidden, double dropout, boolean genebert) {
        this.encoder = child("encoder", encoder);
        this.spec = spec;
        this.genebert = genebert;
        int pooled = hidden * (spec.motifs() ? 2 : 1) + spec.featureNames().size();
        this.head = child("head", new TaskHead(pooled, spec.headHidden(), spec.outputs(), dropout));
    }

    TaskHead head() {
        return head;
    }

    PretrainingModel encoder() {
        return encoder;
    }

    /** Logits [B, outputs]. */
    NDArray logits(ParameterStore store, NDList inputs, boolean training) {
        NDArray pooled = pooled(store, inputs, training);
        NDArray features = inputs.get(InputBatch.FEATURES);
        if (features != null) {
            pooled = pooled.concat(features, 1);
        }
        return head.apply(pooled, training);
    }

    /** The window vectors the head reads, without task features: [B, H] (GeneBERT with motifs [B, 2H]). */
    NDArray pooled(ParameterStore store, NDList inputs, boolean training) {
        NDArray tokens = inputs.get(InputBatch.TOKENS);
        NDList encoded;
        if (genebert) {
            NDList encoderInputs = new NDList(tokens);
            NDArray motifs = inputs.get(InputBatch.MOTIFS);
            if (spec.motifs() && motifs != null) {
                encoderInputs.add(motifs);
            }
            encoded = encoder.forward(store, encoderInputs, training);
        } else {
            NDArray states = inputs.get(InputBatch.STATES);
            // Windows cut from a reference are never padded: skip the attention mask then.
            boolean padded = tokens.eq(KmerVocabulary.PAD).any().getBoolean();
            NDArray stateIds = states != null ? states : tokens.zerosLike();
            NDArray cellTypes = inputs.get(InputBatch.CELL_TYPES);
            if (spec.pooling() == Pooling.CLS) {
                // The head reads [CLS] alone: the last layer computes that row only.
                return encoder.sequenceEncoder().applyCls(tokens, stateIds, cellTypes, padded, training);
            }
            encoded = new NDList(encoder.sequenceEncoder().apply(tokens, stateIds, cellTypes, padded, training));
        }
        NDArray hidden = encoded.get(0);
        NDArray vector;
        if (spec.pooling() == Pooling.CLS) {
            vector = hidden.get(":, 0, :");
        } else {
            NDArray real = tokens.neq(KmerVocabulary.PAD).logicalAnd(tokens.neq(KmerVocabulary.CLS))
                    .logicalAnd(tokens.neq(KmerVocabulary.SEP)).toType(DataType.FLOAT32, false).expandDims(2);
            NDArray weights = spec.pooling() == Pooling.CENTER ? centre(real) : real;
            vector = hidden.mul(weights).sum(new int[] {1}).div(GraphScalars.maximum(weights.sum(new int[] {1}), 1));
        }
        if (spec.motifs() && encoded.size() > 1) {
            vector = vector.concat(encoded.get(1).get(":, 0, :"), 1);
        }
        return vector;
    }

    /**
     * One-hot [B, S, 1] on each window's middle token: window tokens sit at positions 1..n (after
     * [CLS]), so the middle one is at 1 + floor((n - 1) / 2), n counted per row for padded batches.
     */
    private static NDArray centre(NDArray real) {
        long length = real.getShape().get(1);
        NDArray n = real.sum(new int[] {1}, true); // [B, 1, 1]
        NDArray middle = GraphScalars.div(n.sub(1), 2).floor().add(1);
        NDArray positions = real.getManager().arange(0f, (float) length).reshape(1, length, 1);
        return positions.eq(middle).toType(DataType.FLOAT32, false);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(logits(store, inputs, training));
    }
}
