package org.regbert.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;

/** BERT's masked-LM head: dense + GELU + LayerNorm, then logits over the tied token embedding. */
final class MlmHead extends Layers.Module {
    private final Layers.Dense transform;
    private final Layers.Norm norm;
    private final Parameter outputBias;

    MlmHead(int hidden, int vocabulary) {
        transform = child("transform", new Layers.Dense(hidden, hidden));
        norm = child("norm", new Layers.Norm(hidden));
        outputBias = bias("output_bias", vocabulary);
    }

    /** Logits [M, V] for hidden states [M, H]. */
    NDArray apply(NDArray hidden, NDArray tokenTable) {
        NDArray h = norm.apply(Activation.gelu(transform.apply(hidden)));
        return Linear.linear(h, tokenTable, outputBias.getArray()).singletonOrThrow();
    }
}
