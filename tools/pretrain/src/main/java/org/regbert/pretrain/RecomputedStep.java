package org.regbert.pretrain;

import java.util.Locale;
import java.util.function.Function;

/**
 * A training step that is computed once more when its loss or gradient is not finite (pretrain's
 * and finetune's steps). {@link AdamW#step} updates nothing on a non-finite gradient, so a second
 * attempt starts from the same weights; with the same batches and seed it is the same step. The
 * first attempt's NaN is a transient fault or real divergence. The transient NaN once seen (layer 0's
 * attention gradient, a few runs in a hundred) came from DJL's scalar ops reading freed memory after a
 * garbage collection and is fixed ({@link GraphScalars}); the recomputation stays as a defence against
 * such faults. A run that really diverges gives NaN again and stops.
 */
public final class RecomputedStep {
    /** What an attempt reports: its loss and gradient norm (either not finite: nothing was updated). */
    public interface Outcome {
        double loss();

        double gradNorm();

        default boolean finite() {
            return Double.isFinite(loss()) && Double.isFinite(gradNorm());
        }
    }

    private RecomputedStep() {
    }

    /**
     * Runs {@code attempt} (its argument: whether this is the recomputation) and, when its outcome is
     * not finite, once more; NaN twice throws, naming the learning-rate setting to lower.
     *
     * @param stage "pretrain" or "finetune", for the stderr line
     * @param rateSetting the option or config key of the learning rate, with its value, for the error
     */
    public static <T extends Outcome> T run(String stage, long step, String rateSetting, Function<Boolean, T> attempt) {
        T first = attempt.apply(false);
        if (first.finite()) {
            return first;
        }
        boolean lossFinite = Double.isFinite(first.loss());
        System.err.printf(Locale.ROOT, "%s: step %d: the %s is not finite (%s); nothing was updated, computing the"
                + " step again%n", stage, step, lossFinite ? "gradient" : "loss",
                lossFinite ? first.gradNorm() : first.loss());
        T second = attempt.apply(true);
        if (!second.finite()) {
            throw new IllegalStateException("the loss diverged (loss " + second.loss() + ", gradient norm "
                    + second.gradNorm() + ") at step " + step + ", twice; lower " + rateSetting);
        }
        return second;
    }
}
