package org.regbert.motifs;

import org.regbert.common.BadInputException;

/**
 * How {@link MotifScanner} summarises each (motif, region) cell.
 *
 * @param regions R, the number of regions each window is split into (region r holds bases
 *     {@code [r*W/R, (r+1)*W/R)} of a window of W bases, integer division)
 * @param topN 1 for the maximum hit score; n > 1 for the sum of the n best hit scores
 * @param bothStrands score the reverse strand too (a placement's score is then the better of its
 *     two strands); false scores the forward strand only
 */
public record ScanOptions(int regions, int topN, boolean bothStrands) {
    /** GeneBERT-style default: 10 regions, maximum score, both strands. */
    public static final ScanOptions DEFAULT = new ScanOptions(10, 1, true);

    public ScanOptions {
        if (regions < 1) {
            throw new BadInputException("the number of regions must be at least 1, got " + regions);
        }
        if (topN < 1 || topN > 1024) {
            throw new BadInputException("top-n must be between 1 and 1024, got " + topN);
        }
    }

    /** First base of region {@code region} (0..R; R gives the window's end) in a window of {@code windowLength}. */
    public int regionStart(int region, int windowLength) {
        return (int) ((long) region * windowLength / regions);
    }

    /**
     * The region holding base {@code position} of a window of {@code windowLength} bases: the r
     * with {@code regionStart(r) <= position < regionStart(r + 1)}.
     */
    public int regionOf(int position, int windowLength) {
        return (int) (((long) (position + 1) * regions - 1) / windowLength);
    }

    /** Maximum score per region over both strands. */
    public static ScanOptions max(int regions) {
        return new ScanOptions(regions, 1, true);
    }

    /** Sum of the n best placements per region over both strands. */
    public static ScanOptions sumTop(int regions, int n) {
        return new ScanOptions(regions, n, true);
    }
}
