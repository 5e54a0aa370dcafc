package org.regbert.metrics;

/**
 * One metric of {@code model} against {@code baseline} on the same windows.
 *
 * @param difference {@code modelValue − baselineValue} with its paired bootstrap interval and
 *     p-value (NaN bounds when the bootstrap is off)
 */
public record Comparison(String metric, String baseline, String model, double baselineValue, double modelValue,
        PairedDifference difference) {
}
