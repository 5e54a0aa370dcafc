package org.regbert.finetune;

import java.util.List;
import org.regbert.motifs.Background;
import org.regbert.motifs.ScanOptions;

/**
 * How align scanned the motif matrices a GeneBERT model reads, saved as {@code motifs.json} in the
 * model folder beside the copy of the motif file, so score rebuilds the very same matrices from a
 * window's bases with nothing but the model.
 *
 * @param file the motif file's copy, relative to the model folder; null when finetune could not reach the
 *     file align scanned (score then needs --motifs FILE)
 * @param sha256 checksum of the motif file align scanned (a changed copy is refused); null when unknown
 * @param source the file align scanned, as its manifest names it (for people; never read)
 * @param motifIds motif ids in matrix row order (the shards' {@code motif_names} order)
 * @param regionsPerWindow R, the regions each window is split into
 * @param topN 1: the best placement per region; n: the sum of the n best
 * @param bothStrands whether a placement scores its better strand
 * @param pseudocount the PWM pseudocount
 * @param background base probabilities of the log-odds (align's uniform or window composition)
 */
public record MotifSettings(
        String file,
        String sha256,
        String source,
        List<String> motifIds,
        int regionsPerWindow,
        int topN,
        boolean bothStrands,
        double pseudocount,
        Background background) {

    /** The scanner options these settings say. */
    public ScanOptions scanOptions() {
        return new ScanOptions(regionsPerWindow, topN, bothStrands);
    }
}
