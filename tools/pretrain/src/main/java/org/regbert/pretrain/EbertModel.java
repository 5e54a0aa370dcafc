package org.regbert.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * EBERT (Trotter et al. 2021): BERT over overlapping k-mer tokens where each token's embedding
 * also carries the chromatin state of the window's cell type at that token (and optionally a
 * cell-type embedding), trained with DNABERT-style masked-LM; optionally a state head predicts
 * the states of masked tokens (masked too) and of every token of windows shown without states.
 */
// Not final: NonFiniteStepTest subclasses it to inject a NaN gradient into one step.
public class EbertModel extends PretrainingModel {
    private final Layers.Dense stateHead;

    EbertModel(PretrainConfig config, Vocabularies vocab) {
        super(config, vocab, vocab.states().size() + 1,
                config.architecture.cellTypeEmbedding ? vocab.cellTypes().size() : 0);
        stateHead = config.data.maskStates || config.data.predictDroppedStates
                ? child("state_head", new Layers.Dense(config.architecture.hidden, vocab.states().size()))
                : null;
    }

    @Override
    Losses losses(NDManager manager, Batch batch, boolean training) {
        NDArray hidden = hidden(manager, batch, training);
        Losses losses = new Losses();
        maskedTokenLoss(manager, batch, hidden, losses, "mlm", 1.0, training);
        if (stateHead != null && batch.statePositions.length > 0) {
            NDArray logits = stateHead.apply(rows(manager, batch, hidden, batch.statePositions));
            NDArray targets = manager.create(batch.stateTargets).toType(DataType.INT64, false);
            losses.add("state", crossEntropy(logits, targets), 1.0);
        }
        return losses;
    }

    NDArray hidden(NDManager manager, Batch batch, boolean training) {
        NDArray tokens = ints(manager, batch.tokens, batch.size, batch.length);
        NDArray states = ints(manager, batch.states, batch.size, batch.length);
        NDArray cellTypes = batch.cellTypes == null ? null : ints(manager, batch.cellTypes, batch.size);
        return encoder.apply(tokens, states, cellTypes, batch.padded(), training);
    }

    /**
     * Inputs: token ids int32 [B, S] ([CLS] ... [SEP]), state ids int32 [B, S] (0 "no annotation"
     * for [CLS]/[SEP]/[PAD]), and with a cell-type embedding cell-type ids int32 [B]. Output: the
     * hidden states [B, S, H].
     */
    @Override
    NDList encode(NDList inputs, boolean training) {
        NDArray cellTypes = inputs.size() > 2 ? inputs.get(2) : null;
        return new NDList(encoder.apply(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, cellTypes, training));
    }
}
