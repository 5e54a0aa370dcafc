package org.regbert.baselines;

/**
 * A fitted L2-regularised linear model on standardised features: logistic (one output),
 * multinomial (one output per class) or ridge. {@link #fit} minimises {@link PenalisedObjective}
 * with {@link Lbfgs}; coefficients are kept in the standardised space, as scikit-learn reports
 * them when given standardised features.
 */
final class LinearModel {
    private final LinearLoss loss;
    private final int outputs;
    private final double lambda;
    private final Standardisation standardisation;
    private final double[] theta;
    private final Lbfgs.Result search;
    private final double[] effective;
    private final double[] offset;

    private LinearModel(LinearLoss loss, int outputs, double lambda, Standardisation standardisation, Lbfgs.Result search) {
        this.loss = loss;
        this.outputs = outputs;
        this.lambda = lambda;
        this.standardisation = standardisation;
        this.theta = search.x();
        this.search = search;
        int d = standardisation.mean().length;
        this.effective = new double[d * outputs];
        this.offset = new double[outputs];
        PenalisedObjective.effective(theta, standardisation, d, outputs, effective, offset);
    }

    /**
     * Fits the model to rows {@code x} with {@code targets} (0/1, a class id, or a level).
     *
     * @param outputs 1 for logistic and ridge, the number of classes for softmax
     * @param lambda the L2 penalty per example (scikit-learn's C = 1 / (n lambda), Ridge's alpha = n lambda)
     * @param start parameters to start from (a neighbouring penalty's fit), or null
     */
    static LinearModel fit(SparseRows x, double[] targets, LinearLoss loss, int outputs, double lambda,
            Standardisation standardisation, LinearModel start, Lbfgs.Settings settings) {
        if ((loss == LinearLoss.SOFTMAX) != (outputs > 1)) {
            throw new IllegalArgumentException(loss + " with " + outputs + " outputs");
        }
        PenalisedObjective objective = new PenalisedObjective(x, standardisation, targets, loss, outputs, lambda);
        double[] initial = start != null ? start.theta.clone() : initialIntercepts(x, targets, loss, outputs);
        return new LinearModel(loss, outputs, lambda, standardisation, Lbfgs.minimise(objective, initial, settings));
    }

    /**
     * All weights zero, intercepts at the fit of a model without features (log-odds, centred log
     * class frequencies, the mean level): a start close to the optimum of strongly penalised fits.
     * Softmax intercepts are centred and stay centred (their gradient sums to zero), which fixes
     * the one direction the unpenalised intercepts leave free.
     */
    private static double[] initialIntercepts(SparseRows x, double[] targets, LinearLoss loss, int outputs) {
        double[] theta = new double[(x.columns() + 1) * outputs];
        int at = x.columns() * outputs;
        int n = targets.length;
        switch (loss) {
            case LOGISTIC -> {
                double positives = 0;
                for (double t : targets) {
                    positives += t;
                }
                double p = (positives + 0.5) / (n + 1.0);
                theta[at] = Math.log(p / (1 - p));
            }
            case SOFTMAX -> {
                double[] counts = new double[outputs];
                for (double t : targets) {
                    counts[(int) t]++;
                }
                double mean = 0;
                for (int c = 0; c < outputs; c++) {
                    counts[c] = Math.log((counts[c] + 0.5) / (n + 0.5 * outputs));
                    mean += counts[c] / outputs;
                }
                for (int c = 0; c < outputs; c++) {
                    theta[at + c] = counts[c] - mean;
                }
            }
            default -> {
                double sum = 0;
                for (double t : targets) {
                    sum += t;
                }
                theta[at] = n == 0 ? 0 : sum / n;
            }
        }
        return theta;
    }

    /** Scores of one sparse row into {@code out[0, outputs)}: probability, class probabilities or level. */
    void score(KmerCounter.Row row, double[] out) {
        System.arraycopy(offset, 0, out, 0, outputs);
        for (int e = 0; e < row.size; e++) {
            double v = row.values[e];
            int base = row.columns[e] * outputs;
            for (int c = 0; c < outputs; c++) {
                out[c] += v * effective[base + c];
            }
        }
        loss.scores(out, outputs);
    }

    /** Scores of every row of {@code x}: [rows * outputs]. */
    double[] scores(SparseRows x) {
        double[] out = new double[x.rows() * outputs];
        double[] one = new double[outputs];
        KmerCounter.Row row = new KmerCounter.Row();
        for (int i = 0; i < x.rows(); i++) {
            row.reset(x.end(i) - x.start(i));
            for (int e = x.start(i), p = 0; e < x.end(i); e++, p++) {
                row.columns[p] = x.column(e);
                row.values[p] = x.value(e);
            }
            score(row, one);
            System.arraycopy(one, 0, out, i * outputs, outputs);
        }
        return out;
    }

    /** Coefficient of standardised column {@code j} for output {@code c}. */
    double coefficient(int j, int c) {
        return theta[j * outputs + c];
    }

    double intercept(int c) {
        return theta[standardisation.mean().length * outputs + c];
    }

    LinearLoss loss() {
        return loss;
    }

    int outputs() {
        return outputs;
    }

    double lambda() {
        return lambda;
    }

    Lbfgs.Result search() {
        return search;
    }
}
