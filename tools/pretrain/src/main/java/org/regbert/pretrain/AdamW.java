package org.regbert.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (decoupled weight decay, Loshchilov and Hutter) with global-norm gradient clipping, as in
 * torch.optim.AdamW: m and v are this class's own NDArrays so a checkpoint can save and restore
 * them exactly. No decay on biases, LayerNorm parameters and the mask/position vectors (BERT).
 */
public final class AdamW implements AutoCloseable {
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    private final NDManager manager;
    private final List<String> names = new ArrayList<>();
    private final List<Parameter> parameters = new ArrayList<>();
    private final List<Boolean> decay = new ArrayList<>();
    /** Each parameter's learning rate as a fraction of the step's (1: all alike; 0: frozen). */
    private final List<Float> lrScale = new ArrayList<>();
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final double weightDecay;
    private long steps;

    public AdamW(NDManager parent, PairList<String, Parameter> params, double weightDecay) {
        this(parent, params, weightDecay, name -> 1.0);
    }

    /**
     * With a learning rate per parameter: LR_SCALE(name) times the step's (discriminative fine-tuning,
     * Howard and Ruder 2018: a pre-trained encoder learns slower than a new head; 0 freezes it). The
     * decoupled decay scales with it, so a frozen parameter does not decay either.
     */
    public AdamW(NDManager parent, PairList<String, Parameter> params, double weightDecay,
            java.util.function.ToDoubleFunction<String> lrScale) {
        this.manager = parent.newSubManager();
        this.weightDecay = weightDecay;
        for (Pair<String, Parameter> p : params) {
            Parameter parameter = p.getValue();
            names.add(p.getKey());
            this.lrScale.add((float) lrScale.applyAsDouble(p.getKey()));
            parameters.add(parameter);
            decay.add(parameter.getType() == Parameter.Type.WEIGHT && parameter.getShape().dimension() == 2
                    && !p.getKey().contains("position"));
            m.add(manager.zeros(parameter.getShape()));
            v.add(manager.zeros(parameter.getShape()));
        }
    }

    /**
     * Clips the accumulated gradients to {@code clipNorm} (0: no clipping), applies one update with
     * learning rate {@code lr} and zeroes the gradients. Temporaries live in {@code step}.
     *
     * <p>The update is the engine's fused Adam kernel (one native call per parameter instead of a
     * dozen), given torch.optim.AdamW's arithmetic: decoupled decay {@code w -= lr * wd * w}, then
     * {@code w -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps * sqrt(1 - b2^t))}, which is
     * torch's {@code lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}; the clipping factor
     * rescales the gradient inside the kernel.
     *
     * <p>When the gradient norm is not finite (a NaN or infinite gradient somewhere) nothing is
     * updated: the gradients are zeroed, the weights and moments stay as they were and the step is
     * not counted, so the caller can recompute the step or stop (an Adam update with a NaN gradient
     * would write NaN into every weight it touches, and the clipping factor cannot rescue it).
     *
     * @return the gradient norm before clipping (not finite: nothing was updated)
     */
    public double step(NDManager step, double lr, double clipNorm) {
        int n = parameters.size();
        NDArray[] grads = new NDArray[n];
        NDList norms = new NDList(n);
        for (int i = 0; i < n; i++) {
            NDArray weight = parameters.get(i).getArray();
            weight.tempAttach(step);
            m.get(i).tempAttach(step);
            v.get(i).tempAttach(step);
            grads[i] = weight.getGradient();
            norms.add(grads[i].norm());
        }
        double norm = NDArrays.stack(norms).norm().getFloat();
        if (!Double.isFinite(norm)) {
            // the handles in hand (discardGradients would attach the weights to step a second time)
            for (NDArray gradient : grads) {
                gradient.set(new NDIndex("..."), 0);
            }
            return norm;
        }
        double scale = clipNorm > 0 && norm > clipNorm ? clipNorm / (norm + 1e-6) : 1.0;
        steps++;
        double correction1 = 1 - Math.pow(BETA1, steps);
        double sqrtCorrection2 = Math.sqrt(1 - Math.pow(BETA2, steps));
        float biasCorrectedLr = (float) (lr * sqrtCorrection2 / correction1);
        float epsilon = (float) (EPS * sqrtCorrection2);
        for (int i = 0; i < n; i++) {
            NDArray weight = parameters.get(i).getArray();
            float decayRate = decay.get(i) ? (float) weightDecay : 0f;
            float rate = lrScale.get(i);
            // Also zeroes the weight's gradient for the next step.
            weight.getNDArrayInternal().adamUpdate(new NDList(weight, grads[i], m.get(i), v.get(i)),
                    new NDList(weight), (float) lr * rate, biasCorrectedLr * rate, decayRate, (float) scale, -1f,
                    (float) BETA1,
                    (float) BETA2, epsilon, false, true);
        }
        return norm;
    }

    /**
     * Sets every parameter's gradient to zero (a fill, so NaN gradients are cleared too); the
     * gradients' handles live in {@code step}, as in {@link #step}.
     */
    public void discardGradients(NDManager step) {
        for (Parameter parameter : parameters) {
            NDArray weight = parameter.getArray();
            weight.tempAttach(step);
            weight.getGradient().set(new NDIndex("..."), 0);
        }
    }

    public long steps() {
        return steps;
    }

    public List<String> names() {
        return names;
    }

    public List<NDArray> firstMoments() {
        return m;
    }

    public List<NDArray> secondMoments() {
        return v;
    }

    /** Restores the state saved by a checkpoint. */
    public void restore(long savedSteps, List<float[]> firstMoments, List<float[]> secondMoments) {
        if (firstMoments.size() != m.size() || secondMoments.size() != v.size()) {
            throw new IllegalStateException("optimizer state has " + firstMoments.size() + " parameters, the model "
                    + m.size());
        }
        for (int i = 0; i < m.size(); i++) {
            m.get(i).set(firstMoments.get(i));
            v.get(i).set(secondMoments.get(i));
        }
        steps = savedSteps;
    }

    @Override
    public void close() {
        manager.close();
    }
}
