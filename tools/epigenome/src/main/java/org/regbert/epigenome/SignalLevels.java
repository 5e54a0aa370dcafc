package org.regbert.epigenome;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Quantised bigWig signal as an EBERT per-token state ({@code align --signal-levels Q}): a track's
 * Q - 1 ascending cut points split its per-token means into Q levels. State 0 is "no data" (no base
 * of the token has signal), 1 .. Q are {@code Q1} (weakest) .. {@code QQ} (strongest); a mean takes
 * 1 plus the number of cut points strictly below it, so a mean equal to a cut point takes the lower
 * level and equal means share a level.
 *
 * <p>Cut points come from a sample of means sorted ascending ({@link #fromSorted}): cut {@code i}
 * (1 .. Q-1) is the sample's value of rank {@code ceil(i n / Q) - 1} (0-based), the largest mean of
 * level {@code i} when the sample's values are distinct, so each level holds n / Q of the sample.
 */
public final class SignalLevels {
    /** The state of a token without data. */
    public static final int NO_DATA = StateVocabulary.NONE;
    /** Levels fit a uint8 state beside "no data", as the other state arrays. */
    public static final int MAX_LEVELS = StateVocabulary.MAX_STATES - 1;

    private final float[] cuts;

    public SignalLevels(float[] cuts) {
        if (cuts.length < 1 || cuts.length + 1 > MAX_LEVELS) {
            throw new IllegalArgumentException((cuts.length + 1) + " signal levels: 2 to " + MAX_LEVELS
                    + " are supported");
        }
        for (int i = 0; i < cuts.length; i++) {
            if (Float.isNaN(cuts[i]) || i > 0 && cuts[i] < cuts[i - 1]) {
                throw new IllegalArgumentException("signal level cut points must be ascending numbers: "
                        + Arrays.toString(cuts));
            }
        }
        this.cuts = cuts.clone();
    }

    /**
     * The cut points of {@code levels} equally filled levels of the first {@code n} values of
     * {@code sorted} (ascending, no NaN, n at least 1).
     */
    public static SignalLevels fromSorted(float[] sorted, int n, int levels) {
        if (n < 1) {
            throw new IllegalArgumentException("no values to choose signal level cut points from");
        }
        float[] cuts = new float[levels - 1];
        for (int i = 1; i < levels; i++) {
            long rank = ((long) i * n + levels - 1) / levels - 1;  // ceil(i n / Q) - 1
            cuts[i - 1] = sorted[(int) Math.max(0, rank)];
        }
        return new SignalLevels(cuts);
    }

    /** The number of levels Q (states 1 .. Q). */
    public int levels() {
        return cuts.length + 1;
    }

    public float[] cuts() {
        return cuts.clone();
    }

    /** The state of a per-token mean as the shards store it (float16): 0 for NaN, else 1 .. Q. */
    public int level(float mean) {
        if (Float.isNaN(mean)) {
            return NO_DATA;
        }
        int below = 0;
        int high = cuts.length;
        while (below < high) {  // the first cut not strictly below the mean
            int mid = (below + high) >>> 1;
            if (cuts[mid] < mean) {
                below = mid + 1;
            } else {
                high = mid;
            }
        }
        return 1 + below;
    }

    /** State names by id: {@code none} (no data), then {@code Q1} .. {@code QQ}. */
    public static List<String> stateNames(int levels) {
        List<String> names = new ArrayList<>();
        names.add(StateVocabulary.NONE_NAME);
        for (int q = 1; q <= levels; q++) {
            names.add("Q" + q);
        }
        return names;
    }

    @Override
    public String toString() {
        return levels() + " signal levels, cut points " + Arrays.toString(cuts);
    }
}
