package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.PairList;
import org.junit.jupiter.api.Test;

/**
 * {@link AdamW} follows torch.optim.AdamW (decoupled decay on weight matrices only, bias
 * correction, global-norm clipping) step by step, and leaves the gradients zeroed.
 */
class OptimizerTest {
    @Test
    void matchesTorchAdamWArithmetic() {
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Layers.Dense dense = dense(manager);
            PairList<String, Parameter> params = dense.getParameters();
            double[] w = toDouble(params.get(0).getValue().getArray().toFloatArray());
            double[] b = toDouble(params.get(1).getValue().getArray().toFloatArray());
            double[] mw = new double[6];
            double[] vw = new double[6];
            double[] mb = new double[2];
            double[] vb = new double[2];
            double lr = 0.05;
            double wd = 0.1;
            double clip = 3.0;
            float[][] inputs = {{1, 2, 3}, {-0.5f, 4, 0.25f}, {2, -1, 1}};
            try (AdamW adam = new AdamW(manager, params, wd)) {
                for (int t = 1; t <= inputs.length; t++) {
                    float[] x = inputs[t - 1];
                    // loss = sum(W x + b) * (t): dL/dW[o][i] = t * x[i], dL/db[o] = t
                    double[] gw = new double[6];
                    double[] gb = {t, t};
                    for (int o = 0; o < 2; o++) {
                        for (int i = 0; i < 3; i++) {
                            gw[o * 3 + i] = t * x[i];
                        }
                    }
                    double norm = 0;
                    for (double g : gw) {
                        norm += g * g;
                    }
                    norm = Math.sqrt(norm + 2.0 * t * t);
                    double scale = norm > clip ? clip / (norm + 1e-6) : 1;
                    for (int i = 0; i < 6; i++) {
                        gw[i] *= scale;
                    }
                    gb[0] *= scale;
                    gb[1] *= scale;
                    torchAdamW(w, gw, mw, vw, t, lr, wd);
                    torchAdamW(b, gb, mb, vb, t, lr, 0);

                    double reported;
                    try (NDManager sub = manager.newSubManager()) {
                        backward(engine, sub, dense, x, t);
                        reported = adam.step(sub, lr, clip);
                        NDArray g = params.get(0).getValue().getArray().getGradient();
                        assertEquals(0f, g.abs().sum().getFloat(), "gradients are zeroed");
                        g.close();
                    }
                    assertEquals(norm, reported, 1e-4, "gradient norm before clipping");
                    assertParameters(params, w, b, "after step " + t);
                }
                assertEquals(3, adam.steps());
            }
        }
    }

    /**
     * A NaN gradient updates nothing: the step returns the non-finite norm, the weights and moments
     * stay as they were, the step is not counted and the gradients are cleared, so the next finite
     * step is torch's first step from the untouched weights.
     */
    @Test
    void aNonFiniteGradientUpdatesNothing() {
        float[] x = {1, 2, 3};
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Engine engine = Engine.getEngine("PyTorch");
            Layers.Dense dense = dense(manager);
            PairList<String, Parameter> params = dense.getParameters();
            // the initial weights: what the NaN step must leave, and where the finite step starts
            double[][] initial = {toDouble(params.get(0).getValue().getArray().toFloatArray()),
                toDouble(params.get(1).getValue().getArray().toFloatArray())};
            double[] w = initial[0];
            double[] b = initial[1];
            try (AdamW adam = new AdamW(manager, params, 0.1)) {
                double reported;
                try (NDManager sub = manager.newSubManager()) {
                    backward(engine, sub, dense, x, Double.NaN);
                    reported = adam.step(sub, 0.05, 1.0);
                }
                assertTrue(Double.isNaN(reported), "the reported norm is " + reported);
                assertEquals(0, adam.steps(), "a step that updated nothing is not counted");
                assertParameters(params, w, b, "after the NaN step");
                for (NDArray moment : adam.firstMoments()) {
                    assertEquals(0f, moment.abs().sum().getFloat());
                }
                for (NDArray moment : adam.secondMoments()) {
                    assertEquals(0f, moment.abs().sum().getFloat());
                }
                // then a finite step: loss = sum(W x + b), gradient x per weight row and 1 per bias
                double[] gw = {1, 2, 3, 1, 2, 3};
                double[] gb = {1, 1};
                double norm = Math.sqrt(2 * (1 + 4 + 9) + 2);
                for (int i = 0; i < 6; i++) {
                    gw[i] *= 1.0 / (norm + 1e-6);
                }
                gb[0] *= 1.0 / (norm + 1e-6);
                gb[1] *= 1.0 / (norm + 1e-6);
                torchAdamW(w, gw, new double[6], new double[6], 1, 0.05, 0.1);
                torchAdamW(b, gb, new double[2], new double[2], 1, 0.05, 0);
                try (NDManager sub = manager.newSubManager()) {
                    backward(engine, sub, dense, x, 1);
                    assertEquals(norm, adam.step(sub, 0.05, 1.0), 1e-4, "no NaN left in the gradients");
                }
                assertParameters(params, w, b, "after the finite step");
            }
        }
    }

    /** discardGradients clears NaN gradients (a fill: multiplying by zero would keep the NaN). */
    @Test
    void discardingGradientsClearsNaN() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Layers.Dense dense = dense(manager);
            PairList<String, Parameter> params = dense.getParameters();
            try (AdamW adam = new AdamW(manager, params, 0.1); NDManager sub = manager.newSubManager()) {
                backward(Engine.getEngine("PyTorch"), sub, dense, new float[] {1, 2, 3}, Double.NaN);
                NDArray before = params.get(0).getValue().getArray().getGradient();
                assertTrue(Float.isNaN(before.sum().getFloat()), "the test's gradient is NaN");
                before.close();
                adam.discardGradients(sub);
                for (int i = 0; i < params.size(); i++) {
                    NDArray gradient = params.get(i).getValue().getArray().getGradient();
                    float[] values = gradient.toFloatArray();
                    gradient.close();
                    assertArrayEquals(new float[values.length], values, params.get(i).getKey());
                }
            }
        }
    }

    /** torch.optim.AdamW's update for one tensor (betas 0.9, 0.999, eps 1e-8). */
    private static void torchAdamW(double[] p, double[] g, double[] m, double[] v, int t, double lr, double wd) {
        for (int i = 0; i < p.length; i++) {
            p[i] *= 1 - lr * wd;
            m[i] = 0.9 * m[i] + 0.1 * g[i];
            v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
            double denominator = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
            p[i] -= lr / (1 - Math.pow(0.9, t)) * m[i] / denominator;
        }
    }

    /** The dense layer's weight and bias equal {@code w} and {@code b} to 1e-5. */
    private static void assertParameters(PairList<String, Parameter> params, double[] w, double[] b, String when) {
        float[] actualW = params.get(0).getValue().getArray().toFloatArray();
        float[] actualB = params.get(1).getValue().getArray().toFloatArray();
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], actualW[i], 1e-5, "weight " + i + " " + when);
        }
        for (int i = 0; i < b.length; i++) {
            assertEquals(b[i], actualB[i], 1e-5, "bias " + i + " " + when);
        }
    }

    /** A 3 -> 2 dense layer, initialised. */
    private static Layers.Dense dense(NDManager manager) {
        Layers.Dense dense = new Layers.Dense(3, 2);
        dense.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
        return dense;
    }

    /**
     * Backward of sum(W x + b) * factor; factor NaN instead backpropagates sqrt(0 * (W x + b)), whose
     * value is 0 and whose gradient is 0 * inf = NaN for every weight and bias.
     */
    private static void backward(Engine engine, NDManager sub, Layers.Dense dense, float[] x, double factor) {
        NDArray input = sub.create(x, new Shape(1, 3));
        try (GradientCollector c = engine.newGradientCollector()) {
            NDArray output = dense.apply(input);
            c.backward(Double.isNaN(factor) ? output.mul(0).sqrt().sum() : output.sum().mul(factor));
        }
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
