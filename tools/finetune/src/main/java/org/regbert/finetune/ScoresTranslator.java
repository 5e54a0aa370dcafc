package org.regbert.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

/**
 * DJL translator of a fine-tuned model: an {@link InputBatch} (already a batch, so no batchifier)
 * to its named NDArrays, and logits to what users read: probabilities (sigmoid per output for
 * binary and multi-label heads, softmax for multi-class) or de-standardised levels (regression).
 */
public final class ScoresTranslator implements NoBatchifyTranslator<InputBatch, float[][]> {
    private final TaskSpec spec;

    public ScoresTranslator(TaskSpec spec) {
        this.spec = spec;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, InputBatch input) {
        return input.toNDList(ctx.getNDManager());
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) {
        return rows(activate(list.singletonOrThrow(), spec));
    }

    /** Logits to probabilities or levels, per the head's kind. */
    static NDArray activate(NDArray logits, TaskSpec spec) {
        return switch (spec.head()) {
            case BINARY, MULTILABEL -> ai.djl.nn.Activation.sigmoid(logits);
            case MULTICLASS -> logits.softmax(1);
            case REGRESSION -> logits.mul(spec.targetStd()).add(spec.targetMean());
        };
    }

    static float[][] rows(NDArray matrix) {
        int n = (int) matrix.getShape().get(0);
        int c = (int) matrix.getShape().get(1);
        float[] flat = matrix.toFloatArray();
        float[][] out = new float[n][c];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * c, out[i], 0, c);
        }
        return out;
    }

    @Override
    public Batchifier getBatchifier() {
        return null;
    }
}
