package org.regbert.metrics;

/**
 * The difference {@code model − baseline} of one metric on the same windows, with a paired
 * bootstrap (both models scored on every resample).
 *
 * @param pValue two-sided bootstrap p-value for "no difference":
 *     {@code min(1, 2·min(#(d* ≤ 0), #(d* ≥ 0)) / replicates)} over the resampled differences d*
 */
public record PairedDifference(double estimate, double lower, double upper, double level, double pValue,
        int iterations, int replicates) {
}
