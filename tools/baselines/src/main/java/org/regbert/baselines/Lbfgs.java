package org.regbert.baselines;

/**
 * Limited-memory BFGS (Nocedal and Wright, Numerical Optimization, algorithm 7.4 and 7.5) with a
 * backtracking Armijo line search, for the smooth convex objectives of the linear baselines. It
 * stops when every gradient component is within the tolerance, when the objective stops
 * decreasing at machine precision, or after the iteration cap. Deterministic: the same inputs give
 * the same iterates bit for bit.
 */
final class Lbfgs {
    /** A differentiable function: returns f(x) and writes its gradient. */
    interface Function {
        double value(double[] x, double[] gradient);
    }

    /**
     * @param memory correction pairs kept (m)
     * @param gradientTolerance stop when max_i |g_i| is at most this
     * @param maxIterations iteration cap
     */
    record Settings(int memory, double gradientTolerance, int maxIterations) {
        /** What the baseline uses: the objectives are means over examples, so 1e-6 is well past what ranking needs. */
        static final Settings DEFAULT = new Settings(10, 1e-6, 500);
    }

    /** Where the search ended: the minimiser, its value, gradient norm, iterations and whether it converged. */
    record Result(double[] x, double value, double gradientMax, int iterations, boolean converged) {
    }

    private static final double ARMIJO = 1e-4;
    private static final int MAX_BACKTRACKS = 60;

    private Lbfgs() {
    }

    static Result minimise(Function f, double[] start, Settings settings) {
        int n = start.length;
        int m = settings.memory();
        double[] x = start.clone();
        double[] g = new double[n];
        double fx = f.value(x, g);
        double[][] s = new double[m][];
        double[][] y = new double[m][];
        double[] rho = new double[m];
        int stored = 0;
        int newest = -1;
        double[] direction = new double[n];
        double[] alpha = new double[m];
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        int iteration = 0;
        for (; iteration < settings.maxIterations(); iteration++) {
            if (maxAbs(g) <= settings.gradientTolerance()) {
                return new Result(x, fx, maxAbs(g), iteration, true);
            }
            // Two-loop recursion: direction = -H g, H0 = (s'y / y'y) I from the newest pair.
            for (int i = 0; i < n; i++) {
                direction[i] = -g[i];
            }
            for (int back = 0; back < stored; back++) {
                int j = Math.floorMod(newest - back, m);
                alpha[j] = rho[j] * dot(s[j], direction);
                axpy(-alpha[j], y[j], direction);
            }
            double gamma = stored == 0 ? 1 / Math.max(1, norm(g)) : dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
            for (int i = 0; i < n; i++) {
                direction[i] *= gamma;
            }
            for (int forward = stored - 1; forward >= 0; forward--) {
                int j = Math.floorMod(newest - forward, m);
                double beta = rho[j] * dot(y[j], direction);
                axpy(alpha[j] - beta, s[j], direction);
            }
            double slope = dot(g, direction);
            if (!(slope < 0)) {
                // Not a descent direction (rounding): restart from steepest descent.
                stored = 0;
                for (int i = 0; i < n; i++) {
                    direction[i] = -g[i] / Math.max(1, norm(g));
                }
                slope = dot(g, direction);
            }
            double step = 1;
            double fNew = Double.NaN;
            boolean accepted = false;
            for (int tries = 0; tries < MAX_BACKTRACKS; tries++) {
                for (int i = 0; i < n; i++) {
                    xNew[i] = x[i] + step * direction[i];
                }
                fNew = f.value(xNew, gNew);
                // Near the minimum f changes by less than its rounding: a step that lowers the gradient then counts.
                boolean withinRounding = Math.abs(fNew - fx) <= roundingOf(fx) && maxAbs(gNew) < maxAbs(g);
                if (fNew <= fx + ARMIJO * step * slope || withinRounding) {
                    accepted = true;
                    break;
                }
                // Minimum of the quadratic through f(x), f'(x) and f(x + step d), kept in [0.1, 0.5] step.
                double curvature = fNew - fx - slope * step;
                double next = Double.isFinite(curvature) && curvature > 0 ? -slope * step * step / (2 * curvature)
                        : 0.5 * step;
                step = Math.min(0.5 * step, Math.max(0.1 * step, next));
            }
            if (!accepted) {
                // No decrease measurable in double precision: x is a minimiser to machine accuracy.
                return new Result(x, fx, maxAbs(g), iteration, maxAbs(g) <= Math.sqrt(settings.gradientTolerance()));
            }
            int slot = (newest + 1) % m;
            double[] sNew = s[slot] == null ? new double[n] : s[slot];
            double[] yNew = y[slot] == null ? new double[n] : y[slot];
            for (int i = 0; i < n; i++) {
                sNew[i] = xNew[i] - x[i];
                yNew[i] = gNew[i] - g[i];
            }
            double sy = dot(sNew, yNew);
            if (sy > 1e-12 * dot(yNew, yNew) && sy > 0) {
                s[slot] = sNew;
                y[slot] = yNew;
                rho[slot] = 1 / sy;
                newest = slot;
                stored = Math.min(m, stored + 1);
            }
            double previous = fx;
            double previousGradient = maxAbs(g);
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            fx = fNew;
            if (previous - fx <= roundingOf(previous) && maxAbs(g) >= previousGradient
                    && maxAbs(g) > settings.gradientTolerance()) {
                // The objective no longer moves in double precision.
                return new Result(x, fx, maxAbs(g), iteration + 1, maxAbs(g) <= Math.sqrt(settings.gradientTolerance()));
            }
        }
        return new Result(x, fx, maxAbs(g), iteration, maxAbs(g) <= settings.gradientTolerance());
    }

    /** How much a sum-of-losses value can move by rounding alone. */
    private static double roundingOf(double f) {
        return 16 * Math.ulp(Math.max(1, Math.abs(f)));
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static double maxAbs(double[] a) {
        double max = 0;
        for (double v : a) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
