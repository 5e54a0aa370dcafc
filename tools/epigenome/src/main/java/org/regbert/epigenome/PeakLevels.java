package org.regbert.epigenome;

import java.util.ArrayList;
import java.util.List;

/**
 * How peak files become states. {@link #openClosed()}: {@code closed} where no peak is,
 * {@code open} under any peak. {@link #quantiles(int)}: peaks are ranked by their signalValue
 * (column 7 of narrowPeak and broadPeak) within their own file and binned into {@code q} equally
 * filled levels {@code Q1} (weakest) .. {@code Qq} (strongest); equal signals share a level.
 * Where peaks overlap the position takes the highest level.
 */
public record PeakLevels(int quantiles) {
    public PeakLevels {
        if (quantiles < 0 || quantiles > StateVocabulary.MAX_STATES - 1) {
            throw new IllegalArgumentException("quantile levels must be 1 to " + (StateVocabulary.MAX_STATES - 1)
                    + " (or 0 for open/closed), got " + quantiles);
        }
    }

    public static PeakLevels openClosed() {
        return new PeakLevels(0);
    }

    public static PeakLevels quantiles(int levels) {
        if (levels < 1) {
            throw new IllegalArgumentException("quantile levels must be at least 1, got " + levels);
        }
        return new PeakLevels(levels);
    }

    /** The {@code --peak-levels Q} option: 1 is open/closed, Q > 1 signal quantiles. */
    public static PeakLevels fromOption(int levels) {
        if (levels < 1) {
            throw new IllegalArgumentException("--peak-levels must be at least 1 (1 = open/closed), got " + levels);
        }
        return levels == 1 ? openClosed() : quantiles(levels);
    }

    public boolean usesSignal() {
        return quantiles > 0;
    }

    /** States after {@code none}: {@code closed, open} or {@code closed, Q1, ..., Qq}. */
    public List<String> stateNames() {
        List<String> names = new ArrayList<>();
        names.add("closed");
        if (quantiles == 0) {
            names.add("open");
        } else {
            for (int q = 1; q <= quantiles; q++) {
                names.add("Q" + q);
            }
        }
        return names;
    }

    @Override
    public String toString() {
        return quantiles == 0 ? "peaks: open/closed" : "peaks: " + quantiles + " signalValue quantiles per file";
    }
}
