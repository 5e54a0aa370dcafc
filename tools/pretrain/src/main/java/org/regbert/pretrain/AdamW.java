package org.regbert.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
final class AdamW implements AutoCloseable {
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    private final NDManager manager;
    private final List<String> names = new ArrayList<>();
    private final List<Parameter> parameters = new ArrayList<>();
    private final List<Boolean> decay = new ArrayList<>();
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final double weightDecay;
    private long steps;

    AdamW(NDManager parent, PairList<String, Parameter> params, double weightDecay) {
        this.manager = parent.newSubManager();
        this.weightDecay = weightDecay;
        for (Pair<String, Parameter> p : params) {
            Parameter parameter = p.getValue();
            names.add(p.getKey());
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
     * @return the gradient norm before clipping
     */
    double step(NDManager step, double lr, double clipNorm) {
        int n = parameters.size();
        NDArray[] grads = new NDArray[n];
        NDArray squares = null;
        for (int i = 0; i < n; i++) {
            NDArray weight = parameters.get(i).getArray();
            weight.tempAttach(step);
            m.get(i).tempAttach(step);
            v.get(i).tempAttach(step);
            grads[i] = weight.getGradient();
            NDArray s = grads[i].square().sum();
            squares = squares == null ? s : squares.add(s);
        }
        double norm = Math.sqrt(squares.getFloat());
        double scale = clipNorm > 0 && norm > clipNorm ? clipNorm / (norm + 1e-6) : 1.0;
        steps++;
        double correction1 = 1 - Math.pow(BETA1, steps);
        double correction2 = 1 - Math.pow(BETA2, steps);
        double stepSize = lr / correction1;
        double sqrtCorrection2 = Math.sqrt(correction2);
        for (int i = 0; i < n; i++) {
            NDArray weight = parameters.get(i).getArray();
            NDArray g = scale == 1.0 ? grads[i] : grads[i].mul(scale);
            NDArray mi = m.get(i);
            NDArray vi = v.get(i);
            mi.muli(BETA1).addi(g.mul(1 - BETA1));
            vi.muli(BETA2).addi(g.square().muli(1 - BETA2));
            if (decay.get(i) && weightDecay > 0) {
                weight.muli(1 - lr * weightDecay);
            }
            NDArray denominator = vi.sqrt().divi(sqrtCorrection2).addi(EPS);
            weight.subi(mi.div(denominator).muli(stepSize));
            grads[i].subi(grads[i]);
        }
        return norm;
    }

    long steps() {
        return steps;
    }

    List<String> names() {
        return names;
    }

    List<NDArray> firstMoments() {
        return m;
    }

    List<NDArray> secondMoments() {
        return v;
    }

    /** Restores the state saved by a checkpoint. */
    void restore(long savedSteps, List<float[]> firstMoments, List<float[]> secondMoments) {
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
