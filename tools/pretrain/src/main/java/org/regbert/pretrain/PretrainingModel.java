package org.regbert.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pre-training model: a {@link SequenceEncoder} and the heads of its pre-training tasks. As a
 * DJL block its forward pass is the encoder (what fine-tuning builds on); {@link #losses} runs the
 * pre-training tasks on a {@link Batch}.
 */
public abstract class PretrainingModel extends Layers.Module {
    final PretrainConfig config;
    final Vocabularies vocab;
    final SequenceEncoder encoder;
    final MlmHead mlm;

    PretrainingModel(PretrainConfig config, Vocabularies vocab, int stateIds, int cellTypeIds) {
        this.config = config;
        this.vocab = vocab;
        encoder = child("sequence", new SequenceEncoder(config.architecture, vocab.tokens().size(), vocab.k(), stateIds,
                cellTypeIds));
        mlm = child("mlm", new MlmHead(config.architecture.hidden, vocab.tokens().size(), config.architecture.mlmOutput,
                vocab.k()));
    }

    /** A new, uninitialised model of the config's kind. */
    static PretrainingModel create(PretrainConfig config, Vocabularies vocab) {
        return config.isGeneBert() ? new GeneBertModel(config, vocab) : new EbertModel(config, vocab);
    }

    /** Initialises every parameter (BERT initialisation, from the engine's seeded generator). */
    void initializeParameters(NDManager manager, int length) {
        initialize(manager, DataType.FLOAT32, new Shape(1, length));
    }

    /** The sequence encoder (token, position and, for EBERT, state embeddings + Transformer). */
    public SequenceEncoder sequenceEncoder() {
        return encoder;
    }

    /** MLM logits [.., V] for hidden states [.., H] of the sequence encoder. */
    public NDArray mlmLogits(NDArray hidden) {
        return mlm.apply(hidden, encoder.tokenTable());
    }

    /** The pre-training losses of one micro-batch; arrays are created in {@code manager}. */
    abstract Losses losses(NDManager manager, Batch batch, boolean training);

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return encode(inputs, training);
    }

    /** The block's forward pass; see the subclasses for the inputs. */
    abstract NDList encode(NDList inputs, boolean training);

    /** One micro-batch's losses: the total to differentiate and every task's part. */
    static final class Losses {
        NDArray total;
        final Map<String, NDArray> parts = new LinkedHashMap<>();
        /** Correct MLM predictions and masked tokens (for accuracy). */
        NDArray mlmCorrect;
        long mlmCount;
        /** GeneBERT: correct matching calls and pairs. */
        NDArray matchCorrect;
        long matchCount;
        /** Per masked token negative log-likelihood [M] (for held-out breakdowns). */
        NDArray tokenNll;

        void add(String name, NDArray loss, double weight) {
            parts.put(name, loss);
            NDArray weighted = weight == 1.0 ? loss : GraphScalars.mul(loss, weight);
            total = total == null ? weighted : total.add(weighted);
        }
    }

    /** Masked-token loss and accuracy over the masked positions of {@code hidden} [B, S, H]. */
    void maskedTokenLoss(NDManager manager, Batch batch, NDArray hidden, Losses losses, String name, double weight,
            boolean training) {
        int m = batch.maskedPositions.length;
        if (m == 0) {
            losses.add(name, GraphScalars.mul(hidden.sum(), 0), weight);
            losses.mlmCorrect = training ? null : manager.create(0L);
            return;
        }
        NDArray selected = maskedRows(manager, batch, hidden);
        NDArray[] scored = mlm.nll(selected, encoder.tokenTable(), batch.targets, !training);
        NDArray nll = scored[0];
        losses.tokenNll = nll;
        losses.add(name, nll.mean(), weight);
        // Accuracy only where it is reported (held-out evaluation): argmax over V costs ~2% of a tiny step.
        losses.mlmCorrect = scored[1];
        losses.mlmCount = m;
    }

    /** Hidden states of the masked positions, [M, H]. */
    static NDArray maskedRows(NDManager manager, Batch batch, NDArray hidden) {
        return rows(manager, batch, hidden, batch.maskedPositions);
    }

    /** Hidden states at flat positions (sequence * length + position), [positions, H]. */
    static NDArray rows(NDManager manager, Batch batch, NDArray hidden, int[] positions) {
        long h = hidden.getShape().get(2);
        NDArray flat = hidden.reshape((long) batch.size * batch.length, h);
        return Layers.lookup(manager.create(positions), flat);
    }

    /** Mean negative log-likelihood of int64 {@code targets} [M] under {@code logits} [M, C]. */
    static NDArray crossEntropy(NDArray logits, NDArray targets) {
        long m = targets.getShape().get(0);
        return logits.logSoftmax(-1).gather(targets.reshape(m, 1), 1).neg().mean();
    }

    static NDArray ints(NDManager manager, int[] values, long... shape) {
        return manager.create(values, new Shape(shape));
    }
}
