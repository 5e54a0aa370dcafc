package org.regbert.finetune;

import ai.djl.ndarray.NDArray;
import org.regbert.pretrain.Layers;

/** The task head: pooled vector (+ task features) → dense → tanh → dropout → dense → one logit per output. */
final class TaskHead extends Layers.Module {
    private final Layers.Dense hidden;
    private final Layers.Dense output;
    private final double dropout;

    TaskHead(int inputs, int width, int outputs, double dropout) {
        this.hidden = child("hidden", new Layers.Dense(inputs, width));
        this.output = child("output", new Layers.Dense(width, outputs));
        this.dropout = dropout;
    }

    NDArray apply(NDArray pooled, boolean training) {
        return output.apply(Layers.dropout(hidden.apply(pooled).tanh(), dropout, training));
    }
}
