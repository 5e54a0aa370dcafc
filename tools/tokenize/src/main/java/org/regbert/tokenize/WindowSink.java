package org.regbert.tokenize;

import org.regbert.shards.KmerVocabulary;
import org.regbert.shards.TokenShardWriter;

/**
 * Turns scanned chunk positions into windows: applies the N-fraction rule, gathers the tokens of
 * each strand asked for, pads short windows with [PAD], and hands them to the shard writer.
 */
final class WindowSink {
    static final String SKIP_N = "more non-ACGT bases than --max-n-fraction";

    private final WindowGeometry geometry;
    private final double maxNFraction;
    private final boolean bothStrands;
    private final TokenShardWriter writer;
    private final TokenizeStats stats;
    private final short[] tokens;
    private final byte[] mask;

    WindowSink(WindowGeometry geometry, double maxNFraction, boolean bothStrands, TokenShardWriter writer,
            TokenizeStats stats) {
        this.geometry = geometry;
        this.maxNFraction = maxNFraction;
        this.bothStrands = bothStrands;
        this.writer = writer;
        this.stats = stats;
        this.tokens = new short[geometry.tokens()];
        this.mask = new byte[geometry.tokens()];
    }

    /**
     * Emits the window whose bases are chunk positions {@code [offset, offset + bases)}, at genome
     * coordinates {@code [start, start + bases)}. {@code bases} is the full window length except for
     * short FASTA records, whose missing tokens become [PAD]. {@code strand} is the window's own
     * strand (+1 or -1); with reverse-complement augmentation the other strand follows it.
     */
    void emit(KmerScanner scan, int offset, int bases, int contig, long start, int strand, int region) {
        int invalid = scan.invalidBases(offset, offset + bases);
        if (invalid > maxNFraction * bases) {
            stats.skip(SKIP_N);
            return;
        }
        write(scan, offset, bases, contig, start, strand, region);
        if (bothStrands) {
            write(scan, offset, bases, contig, start, -strand, region);
        }
    }

    private void write(KmerScanner scan, int offset, int bases, int contig, long start, int strand, int region) {
        int k = geometry.k();
        int step = geometry.step();
        int available = bases < k ? 0 : (bases - k) / step + 1;
        int count = Math.min(available, tokens.length);
        for (int j = 0; j < count; j++) {
            int p = strand > 0 ? offset + j * step : offset + bases - k - j * step;
            tokens[j] = strand > 0 ? scan.forward(p) : scan.reverseComplement(p);
            if (scan.tracksMask()) {
                mask[j] = (byte) (scan.masked(p, p + k) ? 1 : 0);
            }
        }
        for (int j = count; j < tokens.length; j++) {
            tokens[j] = KmerVocabulary.PAD;
            mask[j] = 0;
        }
        writer.add(contig, start, start + bases, strand, region, tokens, mask);
        stats.windowsWritten++;
        stats.tokensWritten += tokens.length;
    }
}
