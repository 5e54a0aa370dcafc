package org.regbert.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.regbert.pretrain.GraphScalars;

/** The training loss of each head kind on one batch's logits [B, outputs]. */
final class Losses {
    private Losses() {
    }

    /**
     * @param labels [B * outputs] for binary / multi-label (1, 0, negative = unknown), [B] class ids for
     *     multi-class; ignored for regression
     * @param targets standardised regression targets [B], else null
     * @param classWeights binary / multi-label: the weight of a positive per output (negatives weigh 1);
     *     multi-class: a weight per class; null for none
     */
    static NDArray loss(NDManager manager, HeadKind kind, NDArray logits, byte[] labels, float[] targets,
            float[] classWeights) {
        int b = (int) logits.getShape().get(0);
        int c = (int) logits.getShape().get(1);
        return switch (kind) {
            case BINARY, MULTILABEL -> {
                float[] y = new float[b * c];
                float[] weight = new float[b * c];
                for (int i = 0; i < b * c; i++) {
                    if (labels[i] >= 0) {
                        y[i] = labels[i] > 0 ? 1f : 0f;
                        weight[i] = labels[i] > 0 && classWeights != null ? classWeights[i % c] : 1f;
                    }
                }
                NDArray target = manager.create(y, new Shape(b, c));
                NDArray w = manager.create(weight, new Shape(b, c));
                // Stable BCE with logits: max(x, 0) - x y + log(1 + exp(-|x|)).
                NDArray bce = GraphScalars.maximum(logits, 0).sub(logits.mul(target)).add(logits.abs().neg().exp().add(1).log());
                yield GraphScalars.div(bce.mul(w).sum(), Math.max(1e-6f, sum(weight)));
            }
            case MULTICLASS -> {
                int[] ids = new int[b];
                float[] weight = new float[b];
                for (int i = 0; i < b; i++) {
                    ids[i] = Math.max(0, labels[i]);
                    weight[i] = labels[i] < 0 ? 0f : classWeights == null ? 1f : classWeights[labels[i]];
                }
                NDArray picked = logits.logSoftmax(1)
                        .gather(manager.create(ids).toType(DataType.INT64, false).reshape(b, 1), 1).reshape(b);
                yield GraphScalars.div(picked.mul(manager.create(weight)).sum().neg(), Math.max(1e-6f, sum(weight)));
            }
            case REGRESSION -> logits.reshape(b).sub(manager.create(targets)).square().mean();
        };
    }

    private static float sum(float[] values) {
        float s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }
}
