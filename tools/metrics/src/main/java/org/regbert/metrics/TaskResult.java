package org.regbert.metrics;

import java.util.List;

/**
 * Every model evaluated on one task and cell type, on the same windows.
 *
 * @param classNames the predictions' class names (multi-class: one per score column)
 * @param windows windows of the evaluated split, {@code excluded} of them left out by their label
 * @param counts the evaluated split's windows by class, scored and left out
 * @param bootstrapUnit what was resampled: "1 Mb genomic blocks" (drawn within each held-out contig)
 *     or "FASTA records"
 * @param bootstrapBlocks how many blocks (or records) there are
 * @param bootstrapStrata how many contigs the blocks were drawn within (1 for records)
 * @param comparisons every model after the first against the first (the baseline)
 */
public record TaskResult(String task, String cellType, Predictions.Kind kind, List<String> classNames, int windows, int excluded,
        ClassCounts counts, String bootstrapUnit, int bootstrapBlocks, int bootstrapStrata, List<ModelResult> models, List<Comparison> comparisons) {
}
