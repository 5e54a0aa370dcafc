package org.regbert.tokenize;

import org.regbert.shards.KmerVocabulary;

/**
 * Turns scanned chunk positions into windows: applies the N-fraction rule, gathers the tokens of
 * each strand asked for, pads short windows with [PAD], and appends them to a batch.
 */
final class WindowSink {
    static final String SKIP_N = "more non-ACGT bases than --max-n-fraction";

    private final WindowGeometry geometry;
    private final double maxNFraction;
    private final boolean bothStrands;

    WindowSink(WindowGeometry geometry, double maxNFraction, boolean bothStrands) {
        this.geometry = geometry;
        this.maxNFraction = maxNFraction;
        this.bothStrands = bothStrands;
    }

    /** Whether windows are checked for N content: with a fraction of 1 none can fail, so none is counted. */
    boolean countsInvalid() {
        return maxNFraction < 1;
    }

    /** Windows each emitted window becomes (two with reverse-complement augmentation). */
    int copies() {
        return bothStrands ? 2 : 1;
    }

    /**
     * Emits the window whose bases are chunk positions {@code [offset, offset + bases)}, at genome
     * coordinates {@code [start, start + bases)}. {@code bases} is the full window length except for
     * short FASTA records, whose missing tokens become [PAD]. {@code strand} is the window's own
     * strand (+1 or -1); with reverse-complement augmentation the other strand follows it.
     */
    void emit(KmerScanner scan, int offset, int bases, int contig, long start, int strand, int region,
            WindowBatch batch) {
        if (countsInvalid() && scan.invalidBases(offset, offset + bases) > maxNFraction * bases) {
            batch.skip(SKIP_N);
            return;
        }
        write(scan, offset, bases, contig, start, strand, region, batch);
        if (bothStrands) {
            write(scan, offset, bases, contig, start, -strand, region, batch);
        }
    }

    private void write(KmerScanner scan, int offset, int bases, int contig, long start, int strand, int region,
            WindowBatch batch) {
        int k = geometry.k();
        int step = geometry.step();
        int windowTokens = geometry.tokens();
        int available = bases < k ? 0 : (bases - k) / step + 1;
        int count = Math.min(available, windowTokens);
        int at = batch.add(contig, start, start + bases, strand, region);
        short[] tokens = batch.tokens();
        byte[] mask = batch.mask();
        if (strand > 0 && step == 1 && mask == null) {
            // Consecutive overlapping k-mers: one bulk copy instead of a gather.
            scan.copyForward(offset, tokens, at, count);
        } else {
            gather(scan, offset, bases, strand, count, at, tokens, mask);
        }
        java.util.Arrays.fill(tokens, at + count, at + windowTokens, (short) KmerVocabulary.PAD);
        if (mask != null) {
            java.util.Arrays.fill(mask, at + count, at + windowTokens, (byte) 0);
        }
    }

    private void gather(KmerScanner scan, int offset, int bases, int strand, int count, int at, short[] tokens,
            byte[] mask) {
        int k = geometry.k();
        int step = geometry.step();
        for (int j = 0; j < count; j++) {
            int p = strand > 0 ? offset + j * step : offset + bases - k - j * step;
            tokens[at + j] = strand > 0 ? scan.forward(p) : scan.reverseComplement(p);
            if (mask != null) {
                mask[at + j] = (byte) (scan.masked(p, p + k) ? 1 : 0);
            }
        }
    }
}
