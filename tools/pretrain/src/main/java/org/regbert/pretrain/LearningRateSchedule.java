package org.regbert.pretrain;

import java.util.List;

/**
 * The learning rate of each optimiser step (1-based, as in metrics.jsonl): linear warm-up from 0 to
 * the peak over {@code warmup} steps, then a decay towards 0 at step {@code total}, linear (the
 * default) or cosine (half a cosine period: longer near the peak, faster in the middle, flat near
 * the end). The last step's rate is small but not 0, so every step still learns.
 */
public record LearningRateSchedule(String decay, double peak, long warmup, long total) {
    /** The decay shapes ({@code training.schedule}, {@code --schedule}). */
    public static final List<String> DECAYS = List.of("linear", "cosine");

    public double rate(long step) {
        if (warmup > 0 && step <= warmup) {
            return peak * step / warmup;
        }
        return peak * decayFactor(decay, Math.max(0.0, (double) (total - step + 1) / (total - warmup + 1)));
    }

    /**
     * The fraction of the peak when {@code remaining} of the decay phase is left (1 at its start, 0 at
     * its end): linear {@code remaining}; cosine {@code (1 + cos(pi (1 - remaining))) / 2}, written as
     * {@code (1 - cos(pi remaining)) / 2}.
     */
    public static double decayFactor(String decay, double remaining) {
        return switch (decay) {
            case "linear" -> remaining;
            case "cosine" -> 0.5 * (1 - Math.cos(Math.PI * remaining));
            default -> throw new IllegalArgumentException("unknown schedule '" + decay + "' (" + DECAYS + ")");
        };
    }
}
