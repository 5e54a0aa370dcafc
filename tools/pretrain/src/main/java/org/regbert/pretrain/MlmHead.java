package org.regbert.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import org.regbert.shards.KmerVocabulary;

/**
 * BERT's masked-LM head: dense + GELU + LayerNorm, then the output layer, one of two kinds.
 *
 * <p>{@code tied}: logits over the whole vocabulary from the tied token embedding (BERT, DNABERT).
 *
 * <p>{@code factorised}: k log-softmaxes over the four bases, one per position of the k-mer; a
 * k-mer's log-probability is the sum of its bases' (a product distribution over the 4^k k-mers, a
 * proper distribution over the same targets, so its cross-entropy is comparable with the tied
 * head's). With overlapping k-mers and whole spans masked, the unmasked neighbours reveal all but
 * one base of every masked k-mer, so the target distribution really is a product: the tied head
 * must learn that structure over 4^k rows, this one has it built in, and its output layer is
 * 4k rows instead of 4^k (cheaper steps too).
 */
final class MlmHead extends Layers.Module {
    static final String TIED = "tied";
    static final String FACTORISED = "factorised";

    private final Layers.Dense transform;
    private final Layers.Norm norm;
    private final Parameter outputBias;
    private final Layers.Dense bases;
    private final int k;
    private final int vocabulary;

    MlmHead(int hidden, int vocabulary, String output, int k) {
        this.vocabulary = vocabulary;
        this.k = k;
        transform = child("transform", new Layers.Dense(hidden, hidden));
        norm = child("norm", new Layers.Norm(hidden));
        if (FACTORISED.equals(output)) {
            if (k < 1 || vocabulary != KmerVocabulary.FIRST_KMER + (1 << (2 * k))) {
                throw new IllegalArgumentException("a factorised MLM output needs the full k-mer vocabulary");
            }
            bases = child("base_output", new Layers.Dense(hidden, 4L * k));
            outputBias = null;
        } else {
            bases = null;
            outputBias = bias("output_bias", vocabulary);
        }
    }

    boolean factorised() {
        return bases != null;
    }

    /** Logits [M, V] for hidden states [M, H] (factorised: log-probabilities, special tokens at -1e4). */
    NDArray apply(NDArray hidden, NDArray tokenTable) {
        NDArray h = transformed(hidden);
        if (bases == null) {
            return Linear.linear(h, tokenTable, outputBias.getArray()).singletonOrThrow();
        }
        NDArray logp = baseLogProbabilities(h).reshape(-1, 4L * k);
        long[] shape = hidden.getShape().getShape();
        shape[shape.length - 1] = vocabulary;
        return logp.matMul(composition(h.getManager()).transpose()).reshape(new Shape(shape));
    }

    /**
     * Per masked token negative log-likelihood [M] of the target ids, and with {@code correct} the
     * count of targets that are the argmax (an array of one long).
     */
    NDArray[] nll(NDArray hidden, NDArray tokenTable, int[] targets, boolean correct) {
        NDManager manager = hidden.getManager();
        int m = targets.length;
        if (bases == null) {
            NDArray logits = apply(hidden, tokenTable);
            NDArray ids = manager.create(targets).toType(DataType.INT64, false);
            NDArray nll = logits.logSoftmax(-1).gather(ids.reshape(m, 1), 1).reshape(m).neg();
            return new NDArray[] {nll, correct ? logits.argMax(-1).eq(ids).sum() : null};
        }
        NDArray logp = baseLogProbabilities(transformed(hidden));
        NDArray digits = manager.create(digits(targets), new Shape(m, k, 1));
        NDArray nll = logp.gather(digits, 2).reshape(m, k).sum(new int[] {1}).neg();
        NDArray right = null;
        if (correct) {
            // The product's argmax is every position's argmax.
            NDArray hits = logp.argMax(-1).eq(digits.reshape(m, k)).toType(DataType.INT32, false).sum(new int[] {1});
            right = hits.eq(k).sum();
        }
        return new NDArray[] {nll, right};
    }

    private NDArray transformed(NDArray hidden) {
        return norm.apply(Activation.gelu(transform.apply(hidden)));
    }

    /** [M, k, 4] log-softmax over the bases of each k-mer position. */
    private NDArray baseLogProbabilities(NDArray h) {
        return bases.apply(h).reshape(-1, k, 4).logSoftmax(-1);
    }

    /** Base code (A, T, C, G = 0..3) of each position of each target k-mer, int64 [M * k]. */
    long[] digits(int[] targets) {
        long[] digits = new long[targets.length * k];
        for (int i = 0; i < targets.length; i++) {
            int code = targets[i] - KmerVocabulary.FIRST_KMER;
            if (code < 0) {
                throw new IllegalArgumentException("MLM target " + targets[i] + " is not a k-mer");
            }
            for (int p = 0; p < k; p++) {
                digits[i * k + p] = (code >> (2 * (k - 1 - p))) & 3;
            }
        }
        return digits;
    }

    /** [V, 4k]: row of k-mer v has a 1 at (position, base) of each of its bases; special rows -1e4. */
    private NDArray composition(NDManager manager) {
        int width = 4 * k;
        float[] c = new float[vocabulary * width];
        for (int v = 0; v < vocabulary; v++) {
            if (v < KmerVocabulary.FIRST_KMER) {
                c[v * width] = -1e4f;
                continue;
            }
            long[] d = digits(new int[] {v});
            for (int p = 0; p < k; p++) {
                c[v * width + p * 4 + (int) d[p]] = 1f;
            }
        }
        return manager.create(c, new Shape(vocabulary, width));
    }
}
