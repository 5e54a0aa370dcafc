package org.regbert.score;

import org.regbert.genome.ReferenceGenome;
import org.regbert.tokenize.KmerScanner;

/**
 * Token windows cut from the reference exactly as {@code regbert tokenize} cuts them: the same
 * {@link KmerScanner} turns a window's bases into k-mer ids, so a scored window and the shard window
 * at the same coordinates hold the same tokens. Bases are read through a chunk cache (windows of a
 * BED file or a VCF arrive sorted; one FASTA read per 256 kb instead of one per window).
 */
final class ReferenceWindows {
    private static final int CHUNK = 1 << 18;

    private final ReferenceGenome reference;
    private final int k;
    private final int step;
    private final int tokens;
    private final int bases;
    private final double maxNFraction;
    private final KmerScanner scanner;
    private final short[] ids;
    private String cachedContig;
    private long cachedStart;
    private byte[] cached = new byte[0];

    ReferenceWindows(ReferenceGenome reference, int k, boolean overlapping, int tokens, double maxNFraction) {
        this.reference = reference;
        this.k = k;
        this.step = overlapping ? 1 : k;
        this.tokens = tokens;
        this.bases = (tokens - 1) * step + k;
        this.maxNFraction = maxNFraction;
        this.scanner = new KmerScanner(k, false, false, true);
        this.ids = new short[bases];
    }

    /** Bases per window: (tokens - 1) steps plus k, as tokenize's WindowGeometry. */
    int windowBases() {
        return bases;
    }

    int windowTokens() {
        return tokens;
    }

    int step() {
        return step;
    }

    int k() {
        return k;
    }

    long contigLength(String contig) {
        Long length = reference.contigLengths().get(contig);
        return length == null ? -1 : length;
    }

    /** Reference bases {@code [start, end)}, copied from the chunk cache (end within the contig). */
    byte[] bases(String contig, long start, long end) {
        int n = Math.toIntExact(end - start);
        if (!contig.equals(cachedContig) || start < cachedStart || end > cachedStart + cached.length) {
            long length = contigLength(contig);
            cachedStart = Math.max(0, start - 1024);
            long cacheEnd = Math.min(length, Math.max(end, cachedStart + CHUNK));
            cached = reference.fetch(contig, cachedStart, cacheEnd);
            cachedContig = contig;
        }
        byte[] out = new byte[n];
        System.arraycopy(cached, Math.toIntExact(start - cachedStart), out, 0, n);
        return out;
    }

    /**
     * Tokenizes a window's bases ({@link #windowBases()} of them) into {@code into[at, at + tokens)};
     * false when it has more non-ACGT bases than the N-fraction rule allows (k-mers with such bases
     * in kept windows become [UNK], as in tokenize).
     */
    boolean tokenize(byte[] windowBases, int[] into, int at) {
        scanner.scan(windowBases, bases);
        if (scanner.invalidBases(0, bases) > maxNFraction * bases) {
            return false;
        }
        if (step == 1) {
            scanner.copyForward(0, ids, 0, tokens);
            for (int j = 0; j < tokens; j++) {
                into[at + j] = ids[j];
            }
        } else {
            // Non-overlapping k-mers: every k-th id of the rolling scan.
            scanner.copyForward(0, ids, 0, bases - k + 1);
            for (int j = 0; j < tokens; j++) {
                into[at + j] = ids[j * step];
            }
        }
        return true;
    }
}
