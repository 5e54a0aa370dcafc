package org.regbert.finetune;

/**
 * How long predicting N windows takes, for a budgeted run's plan: a part fixed per pass (the
 * predictor, the first batch's allocations) and a part per window, separated by timing a pass over
 * one batch and one over a larger sample of the windows themselves. A test set hundreds of times the
 * size of the (thinned) validation set is then not priced as the validation time multiplied by that
 * factor, which counted the fixed part hundreds of times (promoter: 146 s planned for 65 s of scoring).
 */
record ScoringTime(double fixedSeconds, double secondsPerWindow) {
    /** Windows timed in the larger pass. */
    static final int SAMPLE = 1024;

    /** The estimate for a pass over {@code windows} windows. */
    double seconds(long windows) {
        return windows == 0 ? 0 : fixedSeconds + secondsPerWindow * windows;
    }

    /**
     * From a pass over SMALL windows in SMALL_SECONDS and one over LARGE windows in LARGE_SECONDS; a
     * difference lost in noise (not larger for more windows) prices every window at the larger pass's
     * mean, an over-estimate that keeps the run inside its budget.
     */
    static ScoringTime fit(int small, double smallSeconds, int large, double largeSeconds) {
        if (large <= small || largeSeconds <= smallSeconds) {
            return new ScoringTime(0, largeSeconds / Math.max(1, large));
        }
        double perWindow = (largeSeconds - smallSeconds) / (large - small);
        return new ScoringTime(Math.max(0, smallSeconds - perWindow * small), perWindow);
    }

    /** Up to COUNT indices of WINDOWS spread evenly over it (all of them when there are no more). */
    static int[] spread(int[] windows, int count) {
        if (windows.length <= count) {
            return windows.clone();
        }
        int[] picked = new int[count];
        for (int i = 0; i < count; i++) {
            picked[i] = windows[(int) ((long) i * windows.length / count)];
        }
        return picked;
    }
}
