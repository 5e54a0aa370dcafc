package org.regbert.baselines;

/**
 * The function a linear baseline minimises over parameters theta = [W (columns x outputs, row-major),
 * b (outputs)]:
 *
 * <pre>
 *   F(W, b) = (1/n) sum_i loss(z_i W + b, y_i) + (lambda/2) ||W||^2,   z_ij = (x_ij - mean_j) / scale_j
 * </pre>
 *
 * The intercepts are not penalised. This is scikit-learn's LogisticRegression objective with
 * C = 1 / (n lambda) (divided by C n) and Ridge's with alpha = n lambda (divided by 2n), so a
 * fit can be checked against them. Standardising is folded into the weights
 * (z W = x (W / scale) - mean (W / scale)), so only the non-zero counts of each row are visited.
 */
final class PenalisedObjective implements Lbfgs.Function {
    private final SparseRows x;
    private final Standardisation standardisation;
    private final double[] targets;
    private final LinearLoss loss;
    private final int outputs;
    private final double lambda;

    PenalisedObjective(SparseRows x, Standardisation standardisation, double[] targets, LinearLoss loss, int outputs,
            double lambda) {
        if (targets.length != x.rows()) {
            throw new IllegalArgumentException(targets.length + " targets for " + x.rows() + " rows");
        }
        this.x = x;
        this.standardisation = standardisation;
        this.targets = targets;
        this.loss = loss;
        this.outputs = outputs;
        this.lambda = lambda;
    }

    /** Parameters: weights for every column and output, then one intercept per output. */
    int parameters() {
        return (x.columns() + 1) * outputs;
    }

    @Override
    public double value(double[] theta, double[] gradient) {
        int d = x.columns();
        int k = outputs;
        double[] effective = new double[d * k];
        double[] offset = new double[k];
        effective(theta, standardisation, d, k, effective, offset);
        double[] accumulated = new double[d * k]; // sum_i x_ij dLoss_ic
        double[] residualSum = new double[k]; // sum_i dLoss_ic
        double[] margins = new double[k];
        double[] derivative = new double[k];
        double total = 0;
        int n = x.rows();
        for (int i = 0; i < n; i++) {
            System.arraycopy(offset, 0, margins, 0, k);
            int end = x.end(i);
            for (int e = x.start(i); e < end; e++) {
                double v = x.value(e);
                int base = x.column(e) * k;
                for (int c = 0; c < k; c++) {
                    margins[c] += v * effective[base + c];
                }
            }
            total += loss.value(margins, k, targets[i], derivative);
            for (int c = 0; c < k; c++) {
                residualSum[c] += derivative[c];
            }
            for (int e = x.start(i); e < end; e++) {
                double v = x.value(e);
                int base = x.column(e) * k;
                for (int c = 0; c < k; c++) {
                    accumulated[base + c] += v * derivative[c];
                }
            }
        }
        double scaleN = 1.0 / Math.max(1, n);
        double penalty = 0;
        double[] mean = standardisation.mean();
        double[] scale = standardisation.scale();
        for (int j = 0; j < d; j++) {
            for (int c = 0; c < k; c++) {
                int p = j * k + c;
                double w = theta[p];
                penalty += w * w;
                gradient[p] = (accumulated[p] - mean[j] * residualSum[c]) / scale[j] * scaleN + lambda * w;
            }
        }
        for (int c = 0; c < k; c++) {
            gradient[d * k + c] = residualSum[c] * scaleN;
        }
        return total * scaleN + 0.5 * lambda * penalty;
    }

    /** Weights on the raw counts (W / scale) and the intercepts they imply (b - mean W / scale). */
    static void effective(double[] theta, Standardisation standardisation, int d, int k, double[] effective,
            double[] offset) {
        double[] mean = standardisation.mean();
        double[] scale = standardisation.scale();
        for (int c = 0; c < k; c++) {
            offset[c] = theta[d * k + c];
        }
        for (int j = 0; j < d; j++) {
            for (int c = 0; c < k; c++) {
                double w = theta[j * k + c] / scale[j];
                effective[j * k + c] = w;
                offset[c] -= mean[j] * w;
            }
        }
    }
}
