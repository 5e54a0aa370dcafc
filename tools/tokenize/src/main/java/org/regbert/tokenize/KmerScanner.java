package org.regbert.tokenize;

import org.regbert.shards.KmerVocabulary;

/**
 * Computes, for a chunk of bases, the token id of the k-mer starting at every position (forward and
 * reverse-complement) in one rolling 2-bit pass, plus the sorted positions of non-ACGT bases and
 * prefix counts of soft-masked bases so any window's N fraction and mask come out fast. The hot
 * loop is branch-free (a mispredicted or never-profiled branch costs a C2 deoptimization in a
 * short run) and writes little besides the ids. Arrays are reused across chunks.
 */
final class KmerScanner {
    private static final byte[] CODE = new byte[256];
    private static final int KMER_OFFSET = KmerVocabulary.FIRST_KMER - KmerVocabulary.UNK;

    static {
        java.util.Arrays.fill(CODE, (byte) -1);
        for (char base : "ATCGatcg".toCharArray()) {
            CODE[base] = (byte) KmerVocabulary.baseCode((byte) base);
        }
    }

    private final int k;
    private final boolean reverse;
    private final boolean mask;
    private short[] forwardIds = new short[0];
    private short[] reverseIds = new short[0];
    private int[] invalidAt = new int[1];
    private int invalid;
    private int[] maskedPrefix = new int[1];
    private int length;

    KmerScanner(int k, boolean reverse, boolean mask) {
        this.k = k;
        this.reverse = reverse;
        this.mask = mask;
    }

    /** Scans {@code bases[0, n)}. */
    void scan(byte[] bases, int n) {
        ensureCapacity(n);
        length = n;
        int codeMask = (1 << (2 * k)) - 1;
        int rcShift = 2 * (k - 1);
        int code = 0;
        int rcCode = 0;
        int run = 0;
        int bad = 0;
        int[] badAt = invalidAt;
        // The first k-1 bases only prime the rolling codes; from then on one k-mer ends per base.
        int primed = Math.min(k - 1, n);
        for (int p = 0; p < primed; p++) {
            int c = CODE[bases[p] & 0xFF];
            int invalidBase = c >>> 31;
            run = (run + 1) & (invalidBase - 1);
            badAt[bad] = p;
            bad += invalidBase;
            c &= 3;
            code = ((code << 2) | c) & codeMask;
            rcCode = (rcCode >>> 2) | ((c ^ 1) << rcShift);
        }
        short[] fwd = forwardIds;
        short[] rev = reverseIds;
        for (int p = primed, first = 0; p < n; p++, first++) {
            int c = CODE[bases[p] & 0xFF];
            int invalidBase = c >>> 31;
            run = (run + 1) & (invalidBase - 1);
            badAt[bad] = p;
            bad += invalidBase;
            c &= 3;
            code = ((code << 2) | c) & codeMask;
            // All ones when the last k bases are ACGT, else zero: the id falls back to [UNK] without a branch
            // (a chunk starting with a long N run would otherwise profile the branch one-sided).
            int ok = (k - 1 - run) >> 31;
            fwd[first] = (short) (KmerVocabulary.UNK + ((KMER_OFFSET + code) & ok));
            if (reverse) {
                rcCode = (rcCode >>> 2) | ((c ^ 1) << rcShift);
                rev[first] = (short) (KmerVocabulary.UNK + ((KMER_OFFSET + rcCode) & ok));
            }
        }
        invalid = bad;
        if (mask) {
            int masked = 0;
            maskedPrefix[0] = 0;
            for (int p = 0; p < n; p++) {
                masked += bases[p] >= 'a' ? 1 : 0;
                maskedPrefix[p + 1] = masked;
            }
        }
    }

    /** Forward token id of the k-mer at chunk position {@code p} ({@code p <= n - k}). */
    short forward(int p) {
        return forwardIds[p];
    }

    /** Id of the reverse complement of the k-mer at chunk position {@code p}. */
    short reverseComplement(int p) {
        return reverseIds[p];
    }

    /** Non-ACGT bases (N and IUPAC codes) in {@code [from, to)}. */
    int invalidBases(int from, int to) {
        return invalidBefore(to) - invalidBefore(from);
    }

    /** Non-ACGT bases below chunk position {@code x} (a binary search of their positions). */
    private int invalidBefore(int x) {
        int lo = 0;
        int hi = invalid;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (invalidAt[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Copies {@code count} forward ids from chunk position {@code p} (consecutive k-mers). */
    void copyForward(int p, short[] into, int at, int count) {
        System.arraycopy(forwardIds, p, into, at, count);
    }

    /** Whether {@code [from, to)} holds a soft-masked (lower-case) base. */
    boolean masked(int from, int to) {
        return maskedPrefix[to] - maskedPrefix[from] > 0;
    }

    int length() {
        return length;
    }

    boolean tracksMask() {
        return mask;
    }

    private void ensureCapacity(int n) {
        if (forwardIds.length < n) {
            forwardIds = new short[n];
            reverseIds = reverse ? new short[n] : reverseIds;
            invalidAt = new int[n + 1];
            maskedPrefix = mask ? new int[n + 1] : maskedPrefix;
        }
    }
}
