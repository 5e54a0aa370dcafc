package org.regbert.baselines;

/**
 * The per-example loss of a linear model's outputs (margins) and its derivative: what makes the
 * model logistic, multinomial or ridge regression. Numerically stable for large margins.
 */
enum LinearLoss {
    /** One output, target 0/1: log(1 + e^m) - y m; scores are sigmoid(m). */
    LOGISTIC("logistic regression"),
    /** K outputs, target a class 0..K-1: log sum_c e^{m_c} - m_y; scores are softmax(m). */
    SOFTMAX("multinomial logistic regression"),
    /** One output, target a level: (m - y)^2 / 2; scores are m (ridge regression). */
    SQUARED("ridge regression");

    private final String description;

    LinearLoss(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }

    /**
     * Loss of {@code margins[0, outputs)} against {@code target}; writes d loss / d margin_c into
     * {@code derivative[0, outputs)}.
     */
    double value(double[] margins, int outputs, double target, double[] derivative) {
        switch (this) {
            case LOGISTIC -> {
                double m = margins[0];
                derivative[0] = sigmoid(m) - target;
                return softplus(m) - target * m;
            }
            case SOFTMAX -> {
                double logSum = logSumExp(margins, outputs);
                int y = (int) target;
                for (int c = 0; c < outputs; c++) {
                    derivative[c] = Math.exp(margins[c] - logSum) - (c == y ? 1 : 0);
                }
                return logSum - margins[y];
            }
            default -> {
                double r = margins[0] - target;
                derivative[0] = r;
                return 0.5 * r * r;
            }
        }
    }

    /** The model's scores from its margins, in place: probabilities, class probabilities or levels. */
    void scores(double[] margins, int outputs) {
        switch (this) {
            case LOGISTIC -> margins[0] = sigmoid(margins[0]);
            case SOFTMAX -> {
                double logSum = logSumExp(margins, outputs);
                for (int c = 0; c < outputs; c++) {
                    margins[c] = Math.exp(margins[c] - logSum);
                }
            }
            default -> {
                // ridge: the margin is the predicted level
            }
        }
    }

    /** log sum_c e^{m_c} over {@code margins[0, outputs)}, shifted by the largest margin so no term overflows. */
    private static double logSumExp(double[] margins, int outputs) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < outputs; c++) {
            max = Math.max(max, margins[c]);
        }
        double sum = 0;
        for (int c = 0; c < outputs; c++) {
            sum += Math.exp(margins[c] - max);
        }
        return max + Math.log(sum);
    }

    static double sigmoid(double m) {
        return m >= 0 ? 1 / (1 + Math.exp(-m)) : Math.exp(m) / (1 + Math.exp(m));
    }

    /** log(1 + e^m) without overflow. */
    static double softplus(double m) {
        return m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
    }
}
