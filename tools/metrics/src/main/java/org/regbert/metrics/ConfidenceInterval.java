package org.regbert.metrics;

/**
 * A bootstrap percentile interval around a metric's value on all windows.
 *
 * @param estimate the metric on the windows as given (not the bootstrap mean)
 * @param level coverage, for example 0.95 for the 2.5th and 97.5th percentiles
 * @param replicates resamples where the metric was defined (resamples that drew no positive or
 *     no negative window are dropped, and counted by {@code iterations − replicates})
 */
public record ConfidenceInterval(double estimate, double lower, double upper, double level,
        int iterations, int replicates) {
}
