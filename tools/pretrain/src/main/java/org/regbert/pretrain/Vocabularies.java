package org.regbert.pretrain;

import java.util.List;
import java.util.Map;

/**
 * What a checkpoint's inputs mean, saved beside its parameters (vocabularies.json): the k-mer
 * token vocabulary (DNABERT order, [PAD] [UNK] [CLS] [SEP] [MASK] first), the chromatin-state
 * vocabulary and cell types an EBERT model was trained with, and the motif names and the
 * per-motif standardisation a GeneBERT model expects.
 *
 * @param tokens every token string in id order
 * @param k the k-mer length
 * @param specialTokens special-token ids by name
 * @param windowTokens tokens per window of the training shards (without [CLS]/[SEP])
 * @param overlapping whether consecutive tokens start one base apart (DNABERT) rather than k
 * @param stateArray EBERT: the shard array the states came from ({@code states} or {@code peaks}), else null
 * @param states EBERT: state names by id (id 0 "no annotation"); the model adds one [MASK] state after them
 * @param cellTypes EBERT: cell types by the id the cell-type embedding uses
 * @param motifNames GeneBERT: motif (TF) names in matrix row order
 * @param regions GeneBERT: regions (columns) per motif matrix
 * @param motifMean GeneBERT: per-motif mean of the training windows' scores (inputs are standardised)
 * @param motifStd GeneBERT: per-motif standard deviation (at least 1e-3)
 * @param stateLevelCuts EBERT on {@code signal_states}: each cell type's signal-level cut points (align
 *     {@code --signal-levels}), so finetune checks its shards were quantised alike and score quantises
 *     new windows with them; null for other state arrays
 */
public record Vocabularies(
        List<String> tokens,
        int k,
        Map<String, Integer> specialTokens,
        int windowTokens,
        boolean overlapping,
        String stateArray,
        List<String> states,
        List<String> cellTypes,
        List<String> motifNames,
        int regions,
        float[] motifMean,
        float[] motifStd,
        Map<String, float[]> stateLevelCuts) {

    /** The id the model uses for a masked state (one past the last state). */
    public int maskStateId() {
        return states == null ? 0 : states.size();
    }

    /** Bases per window: (tokens - 1) steps of 1 (overlapping) or k bases, plus k. */
    public int windowBases() {
        return (windowTokens - 1) * (overlapping ? 1 : k) + k;
    }

    /** Standardises a motif matrix in place: [motifs, regions] as stored in the shards. */
    public void standardise(float[] matrix) {
        for (int t = 0; t < motifNames.size(); t++) {
            for (int r = 0; r < regions; r++) {
                int i = t * regions + r;
                float z = (matrix[i] - motifMean[t]) / motifStd[t];
                matrix[i] = Float.isFinite(z) ? z : 0f;
            }
        }
    }
}
