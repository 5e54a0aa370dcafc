package org.regbert.baselines;

/**
 * Column means and scales of the training rows (population standard deviation, as scikit-learn's
 * StandardScaler; a constant column keeps scale 1). The fit sees (x - mean) / scale, so one L2
 * penalty treats every k-mer alike whatever its frequency; centring is applied implicitly so the
 * rows stay sparse.
 */
record Standardisation(double[] mean, double[] scale) {

    static Standardisation of(SparseRows x) {
        int d = x.columns();
        double[] sum = new double[d];
        double[] squares = new double[d];
        for (int i = 0; i < x.rows(); i++) {
            for (int e = x.start(i); e < x.end(i); e++) {
                double v = x.value(e);
                sum[x.column(e)] += v;
                squares[x.column(e)] += v * v;
            }
        }
        double n = Math.max(1, x.rows());
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = sum[j] / n;
            double variance = Math.max(0, squares[j] / n - mean[j] * mean[j]);
            double sd = Math.sqrt(variance);
            // StandardScaler's rule: a (numerically) constant column is left unscaled.
            scale[j] = sd < 10 * Math.ulp(1.0) * Math.max(1, Math.abs(mean[j])) ? 1 : sd;
        }
        return new Standardisation(mean, scale);
    }

    /** Scale and centre applied to every column: (x - 0) / 1. */
    static Standardisation identity(int columns) {
        double[] scale = new double[columns];
        java.util.Arrays.fill(scale, 1);
        return new Standardisation(new double[columns], scale);
    }
}
