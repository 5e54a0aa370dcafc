package org.regbert.finetune;

import java.util.List;

/**
 * What a fine-tuned model predicts and from which inputs, saved as {@code task.json} beside its
 * parameters so score and evaluate build the same inputs the model was trained on.
 *
 * @param tasks label names as align wrote them ({@code label_<task>}); several for a multi-label head
 * @param head the head's kind
 * @param classNames one name per output column (binary: the task; multi-class: class names)
 * @param pooling [CLS] or mean pooling
 * @param headHidden width of the head's hidden layer
 * @param stateArray EBERT: the shard array holding the per-token states the encoder reads ({@code states},
 *     {@code peaks}), null for GeneBERT
 * @param features task-feature arrays (EBERT's feature augmentation), e.g. {@code peaks}: per window and cell
 *     type, the mean level of each of the cell type's rows, scaled to [0, 1]; {@code signal} (bigWig tracks
 *     {@code CELL} or {@code CELL.MARK}): asinh of the mean over the tokens with data (0 without), and a 0/1
 *     has-data column per track (see {@link WindowSignal})
 * @param featureNames one name per feature column, named after the array and mark, not the cell type
 *     ({@code peaks}, {@code marks:H3K27ac}, {@code signal}, {@code signal:has-data}, {@code signal:H3K27ac})
 * @param motifs GeneBERT: whether the encoder reads the window's motif matrix
 * @param windowTokens tokens per window fed to the encoder (longer windows are cropped around their centre)
 * @param perCellTypeLabels whether labels are per cell type ({@code label_<task>.<cell type>})
 * @param trainCellTypes cell types trained on (empty: no cell types)
 * @param testCellTypes cell types held out for testing (cross-cell-type transfer), empty when none
 * @param targetMean regression: training targets' mean (outputs are de-standardised with it)
 * @param targetStd regression: training targets' standard deviation
 * @param base the pre-trained checkpoint fine-tuned, or {@code scratch:<model>:<preset>}
 */
public record TaskSpec(
        List<String> tasks,
        HeadKind head,
        List<String> classNames,
        Pooling pooling,
        int headHidden,
        String stateArray,
        List<String> features,
        List<String> featureNames,
        boolean motifs,
        int windowTokens,
        boolean perCellTypeLabels,
        List<String> trainCellTypes,
        List<String> testCellTypes,
        double targetMean,
        double targetStd,
        String base) {

    /** Output columns of the head. */
    public int outputs() {
        return classNames.size();
    }

    /** A short name of the task for files and reports: the task, or tasks joined with '+'. */
    public String name() {
        return String.join("+", tasks);
    }
}
