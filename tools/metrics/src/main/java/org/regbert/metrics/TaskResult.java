package org.regbert.metrics;

import java.util.List;

/**
 * Every model evaluated on one task and cell type, on the same windows.
 *
 * @param classNames the predictions' class names (multi-class: one per score column)
 * @param windows windows of the evaluated split, {@code excluded} of them left out by their label
 * @param bootstrapUnit "contig" (block bootstrap over held-out chromosomes) or "window"
 * @param bootstrapBlocks how many contigs (or windows) were resampled
 * @param comparisons every model after the first against the first (the baseline)
 */
public record TaskResult(String task, String cellType, Predictions.Kind kind, List<String> classNames, int windows, int excluded,
        String bootstrapUnit, int bootstrapBlocks, List<ModelResult> models, List<Comparison> comparisons) {
}
