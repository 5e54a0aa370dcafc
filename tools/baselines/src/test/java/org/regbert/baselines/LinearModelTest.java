package org.regbert.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The linear solvers against independent implementations on the same small count-like data
 * (sparse non-negative integers, one all-zero column): scikit-learn's LogisticRegression (lbfgs, and
 * newton-cg for a tighter reference; binary and multinomial) with C = 1 / (n lambda), and ridge against numpy's closed form
 * (X'X + n lambda I)^-1 X'y on centred, standardised features. Features are standardised in
 * Python with numpy (population standard deviation, a constant column unscaled), independently of
 * {@link Standardisation}.
 */
class LinearModelTest {
    private static final int N = 160;
    private static final int D = 8;
    private static final Lbfgs.Settings TIGHT = new Lbfgs.Settings(10, 1e-10, 20_000);
    /**
     * scikit-learn's lbfgs stops when the objective's relative decrease falls below 64 eps (its
     * ftol, whatever tol says): on this data its gradient is still ~4e-6 there and its parameters
     * ~3e-5 from the minimiser (measured against its newton-cg at tol 1e-12). So the fits are
     * compared with lbfgs to 1e-4, and with newton-cg, which stops on the gradient, to 1e-7.
     */
    private static final double SKLEARN_LBFGS = 1e-4;
    private static final double SKLEARN_NEWTON = 1e-7;
    private static final String PREAMBLE = """
            import sys, json
            import numpy as np
            data = np.loadtxt(sys.argv[1], delimiter='\\t')
            X, y = data[:, :-2], data[:, -2]
            lam = data[0, -1]
            n = X.shape[0]
            mean = X.mean(axis=0)
            sd = X.std(axis=0)
            sd[sd == 0] = 1
            Z = (X - mean) / sd
            """;
    private Path data;

    @BeforeEach
    void file() throws Exception {
        data = Files.createTempFile("regbert-linear-", ".tsv");
    }

    @AfterEach
    void clean() throws Exception {
        Files.deleteIfExists(data);
    }

    /** Counts 0..4 (about half zeros), column D-1 always 0; targets from {@code target}. */
    private double[][] counts(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] x = new double[N][D];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < D - 1; j++) {
                x[i][j] = random.nextInt(2) == 0 ? 0 : 1 + random.nextInt(4);
            }
        }
        return x;
    }

    private void write(double[][] x, double[] y, double lambda) throws Exception {
        StringBuilder tsv = new StringBuilder();
        for (int i = 0; i < x.length; i++) {
            for (double v : x[i]) {
                tsv.append(String.format(Locale.ROOT, "%.17g\t", v));
            }
            tsv.append(String.format(Locale.ROOT, "%.17g\t%.17g\n", y[i], lambda));
        }
        Files.writeString(data, tsv);
    }

    private static LinearModel fit(double[][] x, double[] y, LinearLoss loss, int outputs, double lambda) {
        SparseRows rows = SparseRows.of(x, D);
        LinearModel model = LinearModel.fit(rows, y, loss, outputs, lambda, Standardisation.of(rows), null, TIGHT);
        assertTrue(model.search().gradientMax() < 1e-9, "converged: " + model.search());
        return model;
    }

    /**
     * The gradient of the objective at the Java fit, computed in numpy from its definition
     * (mean loss + lambda/2 |W|^2, intercepts unpenalised): at the minimiser it is zero, which
     * checks the fit more tightly than scikit-learn's own stopping rule allows.
     */
    private double numpyGradientAt(LinearModel model, int outputs, boolean softmax) throws Exception {
        Path theta = Files.createTempFile("regbert-theta-", ".tsv");
        try {
            StringBuilder rows = new StringBuilder();
            for (int j = 0; j <= D; j++) {
                for (int c = 0; c < outputs; c++) {
                    double v = j < D ? model.coefficient(j, c) : model.intercept(c);
                    rows.append(String.format(Locale.ROOT, "%.17g", v)).append(c + 1 < outputs ? "\t" : "\n");
                }
            }
            Files.writeString(theta, rows);
            JsonNode g = Python.run(PREAMBLE + """
                    T = np.loadtxt(sys.argv[2], delimiter='\\t', ndmin=2)
                    W, b = T[:-1], T[-1]
                    M = Z @ W + b
                    if SOFTMAX:
                        P = np.exp(M - M.max(axis=1, keepdims=True))
                        P /= P.sum(axis=1, keepdims=True)
                        R = P - np.eye(W.shape[1])[y.astype(int)]
                    else:
                        R = 1 / (1 + np.exp(-M)) - y[:, None]
                    gW = Z.T @ R / n + lam * W
                    gb = R.sum(axis=0) / n
                    print(json.dumps({'max': float(max(np.abs(gW).max(), np.abs(gb).max()))}))
                    """.replace("SOFTMAX", softmax ? "True" : "False"), data, theta);
            return g.path("max").asDouble();
        } finally {
            Files.deleteIfExists(theta);
        }
    }

    @Test
    void logisticMatchesScikitLearn() throws Exception {
        double[][] x = counts(11);
        SplittableRandom random = new SplittableRandom(12);
        double[] y = new double[N];
        for (int i = 0; i < N; i++) {
            double m = 0.8 * x[i][0] - 0.6 * x[i][1] + 0.3 * x[i][2] - 0.4;
            y[i] = random.nextDouble() < LinearLoss.sigmoid(m) ? 1 : 0;
        }
        double lambda = 0.01;
        write(x, y, lambda);
        LinearModel model = fit(x, y, LinearLoss.LOGISTIC, 1, lambda);
        JsonNode sk = Python.run(PREAMBLE + """
                from sklearn.linear_model import LogisticRegression
                out = {}
                for solver in ('lbfgs', 'newton-cg'):
                    m = LogisticRegression(C=1 / (n * lam), solver=solver, tol=1e-12, max_iter=100000).fit(Z, y)
                    out[solver] = {'coef': m.coef_[0].tolist(), 'intercept': float(m.intercept_[0]),
                                   'proba': m.predict_proba(Z)[:, 1].tolist()}
                print(json.dumps(out))
                """, data);
        double[] scores = model.scores(SparseRows.of(x, D));
        for (String solver : new String[] {"lbfgs", "newton-cg"}) {
            JsonNode ref = sk.path(solver);
            double tolerance = solver.equals("lbfgs") ? SKLEARN_LBFGS : SKLEARN_NEWTON;
            for (int j = 0; j < D; j++) {
                assertEquals(ref.path("coef").get(j).asDouble(), model.coefficient(j, 0), tolerance, solver + " coefficient " + j);
            }
            assertEquals(ref.path("intercept").asDouble(), model.intercept(0), tolerance, solver + " intercept");
            for (int i = 0; i < N; i++) {
                assertEquals(ref.path("proba").get(i).asDouble(), scores[i], tolerance, solver + " probability of row " + i);
            }
        }
        assertEquals(0, model.coefficient(D - 1, 0), 1e-12, "an all-zero column gets no weight");
        double gradient = numpyGradientAt(model, 1, false);
        assertTrue(gradient < 1e-8, "numpy's gradient of the objective at the fit: " + gradient);
    }

    @Test
    void multinomialMatchesScikitLearn() throws Exception {
        double[][] x = counts(21);
        SplittableRandom random = new SplittableRandom(22);
        double[] y = new double[N];
        for (int i = 0; i < N; i++) {
            double[] m = {0.7 * x[i][0] + random.nextGaussian(), 0.7 * x[i][1] + random.nextGaussian(),
                0.5 * x[i][2] + 0.5 * x[i][3] + random.nextGaussian()};
            y[i] = m[0] >= m[1] && m[0] >= m[2] ? 0 : m[1] >= m[2] ? 1 : 2;
        }
        double lambda = 0.02;
        write(x, y, lambda);
        LinearModel model = fit(x, y, LinearLoss.SOFTMAX, 3, lambda);
        JsonNode sk = Python.run(PREAMBLE + """
                from sklearn.linear_model import LogisticRegression
                out = {}
                for solver in ('lbfgs', 'newton-cg'):
                    m = LogisticRegression(C=1 / (n * lam), solver=solver, multi_class='multinomial', tol=1e-12,
                                           max_iter=100000).fit(Z, y.astype(int))
                    b = m.intercept_ - m.intercept_.mean()  # softmax intercepts are defined up to a shift
                    out[solver] = {'coef': m.coef_.tolist(), 'intercept': b.tolist(),
                                   'proba': m.predict_proba(Z).tolist()}
                print(json.dumps(out))
                """, data);
        double[] scores = model.scores(SparseRows.of(x, D));
        double interceptMean = (model.intercept(0) + model.intercept(1) + model.intercept(2)) / 3;
        for (String solver : new String[] {"lbfgs", "newton-cg"}) {
            JsonNode ref = sk.path(solver);
            double tolerance = solver.equals("lbfgs") ? SKLEARN_LBFGS : SKLEARN_NEWTON;
            for (int c = 0; c < 3; c++) {
                for (int j = 0; j < D; j++) {
                    assertEquals(ref.path("coef").get(c).get(j).asDouble(), model.coefficient(j, c), tolerance,
                            solver + " coefficient " + j + " of class " + c);
                }
                assertEquals(ref.path("intercept").get(c).asDouble(), model.intercept(c) - interceptMean, tolerance,
                        solver + " intercept of class " + c);
                for (int i = 0; i < N; i++) {
                    assertEquals(ref.path("proba").get(i).get(c).asDouble(), scores[i * 3 + c], tolerance,
                            solver + " probability of class " + c + ", row " + i);
                }
            }
        }
        double gradient = numpyGradientAt(model, 3, true);
        assertTrue(gradient < 1e-8, "numpy's gradient of the objective at the fit: " + gradient);
    }

    @Test
    void ridgeMatchesTheClosedForm() throws Exception {
        double[][] x = counts(31);
        SplittableRandom random = new SplittableRandom(32);
        double[] y = new double[N];
        for (int i = 0; i < N; i++) {
            y[i] = 3 + 1.5 * x[i][0] - 2 * x[i][3] + 0.5 * x[i][5] + random.nextGaussian();
        }
        double lambda = 0.05;
        write(x, y, lambda);
        LinearModel model = fit(x, y, LinearLoss.SQUARED, 1, lambda);
        // minimise (1/n) sum (y - Z w - b)^2 / 2 + lambda/2 |w|^2  <=>  |y - Z w - b|^2 + n lambda |w|^2
        JsonNode np = Python.run(PREAMBLE + """
                Zc = Z - Z.mean(axis=0)
                w = np.linalg.solve(Zc.T @ Zc + n * lam * np.eye(Z.shape[1]), Zc.T @ (y - y.mean()))
                b = y.mean() - Z.mean(axis=0) @ w
                print(json.dumps({'coef': w.tolist(), 'intercept': float(b), 'fitted': (Z @ w + b).tolist()}))
                """, data);
        for (int j = 0; j < D; j++) {
            assertEquals(np.path("coef").get(j).asDouble(), model.coefficient(j, 0), 1e-6, "coefficient " + j);
        }
        assertEquals(np.path("intercept").asDouble(), model.intercept(0), 1e-6);
        double[] fitted = model.scores(SparseRows.of(x, D));
        for (int i = 0; i < N; i++) {
            assertEquals(np.path("fitted").get(i).asDouble(), fitted[i], 1e-6);
        }
    }

    @Test
    void averagePrecisionAndR2MatchScikitLearn() throws Exception {
        SplittableRandom random = new SplittableRandom(41);
        double[][] x = new double[N][1];
        double[] y = new double[N];
        boolean[] positive = new boolean[N];
        double[] scores = new double[N];
        for (int i = 0; i < N; i++) {
            positive[i] = random.nextInt(4) == 0;
            scores[i] = Math.round((positive[i] ? 0.6 : 0.3) * 10 + random.nextGaussian() * 2) / 10.0; // many ties
            x[i][0] = scores[i];
            y[i] = positive[i] ? 1 : 0;
        }
        StringBuilder tsv = new StringBuilder();
        for (int i = 0; i < N; i++) {
            tsv.append(String.format(Locale.ROOT, "%.17g\t%.17g\t0\n", x[i][0], y[i]));
        }
        Files.writeString(data, tsv);
        JsonNode sk = Python.run("""
                import sys, json
                import numpy as np
                from sklearn.metrics import average_precision_score, r2_score
                d = np.loadtxt(sys.argv[1], delimiter='\\t')
                print(json.dumps({'ap': average_precision_score(d[:, 1], d[:, 0]), 'r2': r2_score(d[:, 1], d[:, 0])}))
                """, data);
        assertEquals(sk.path("ap").asDouble(), ValidationScore.averagePrecision(scores, positive), 1e-12);
        assertEquals(sk.path("r2").asDouble(), ValidationScore.rSquared(scores, y), 1e-12);
    }
}
