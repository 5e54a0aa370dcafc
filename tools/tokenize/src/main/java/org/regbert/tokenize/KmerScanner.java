package org.regbert.tokenize;

import org.regbert.shards.KmerVocabulary;

/**
 * Computes, for a chunk of bases, the token id of the k-mer starting at every position (forward and
 * reverse-complement) in one rolling 2-bit pass, plus the sorted positions of non-ACGT bases and
 * prefix counts of soft-masked bases so any window's N fraction and mask come out fast. The hot
 * loop has no branch on the bases (a one-sided profile, as a chunk opening with a long N run gives,
 * would cost a C2 deoptimization) and writes only the ids; the other arrays take their own pass,
 * when needed. Arrays are reused across chunks.
 */
public final class KmerScanner {
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
    private final boolean countInvalid;
    private short[] forwardIds = new short[0];
    private short[] reverseIds = new short[0];
    private int[] invalidAt = new int[1];
    private int invalid;
    private int[] maskedPrefix = new int[1];
    private int length;

    KmerScanner(int k, boolean reverse, boolean mask) {
        this(k, reverse, mask, true);
    }

    /** {@code countInvalid}: whether {@link #invalidBases} will be asked (not when no window can be skipped). */
    public KmerScanner(int k, boolean reverse, boolean mask, boolean countInvalid) {
        this.k = k;
        this.countInvalid = countInvalid;
        this.reverse = reverse;
        this.mask = mask;
    }

    /** Scans {@code bases[0, n)}. */
    public void scan(byte[] bases, int n) {
        ensureCapacity(n);
        length = n;
        // One small method per pass: C2 compiles each quickly, and a fresh JVM spends less time
        // interpreting (the whole run of a chromosome is a fraction of a second).
        if (reverse) {
            bothStrands(bases, n, k, forwardIds, reverseIds);
        } else {
            forwardOnly(bases, n, k, forwardIds);
        }
        if (countInvalid) {
            findInvalid(bases, n);
        }
        if (mask) {
            prefixMasked(bases, n, maskedPrefix);
        }
    }

    private static void forwardOnly(byte[] bases, int n, int k, short[] fwd) {
        int codeMask = (1 << (2 * k)) - 1;
        int code = 0;
        int run = 0;
        // The first k-1 bases only prime the rolling code; from then on one k-mer ends per base.
        for (int p = 0; p < n; p++) {
            int c = CODE[bases[p] & 0xFF];
            run = (run + 1) & ((c >>> 31) - 1);
            code = ((code << 2) | (c & 3)) & codeMask;
            if (p >= k - 1) {
                // All ones when the last k bases are ACGT, else zero: [UNK] without a branch (a chunk
                // opening with a long N run would otherwise profile that branch one-sided).
                int ok = (k - 1 - run) >> 31;
                fwd[p - k + 1] = (short) (KmerVocabulary.UNK + ((KMER_OFFSET + code) & ok));
            }
        }
    }

    private static void bothStrands(byte[] bases, int n, int k, short[] fwd, short[] rev) {
        int codeMask = (1 << (2 * k)) - 1;
        int rcShift = 2 * (k - 1);
        int code = 0;
        int rcCode = 0;
        int run = 0;
        for (int p = 0; p < n; p++) {
            int c = CODE[bases[p] & 0xFF];
            run = (run + 1) & ((c >>> 31) - 1);
            c &= 3;
            code = ((code << 2) | c) & codeMask;
            rcCode = (rcCode >>> 2) | ((c ^ 1) << rcShift);
            if (p >= k - 1) {
                int ok = (k - 1 - run) >> 31;
                fwd[p - k + 1] = (short) (KmerVocabulary.UNK + ((KMER_OFFSET + code) & ok));
                rev[p - k + 1] = (short) (KmerVocabulary.UNK + ((KMER_OFFSET + rcCode) & ok));
            }
        }
    }

    private static void prefixMasked(byte[] bases, int n, int[] maskedPrefix) {
        int masked = 0;
        maskedPrefix[0] = 0;
        for (int p = 0; p < n; p++) {
            masked += ('a' - 1 - bases[p]) >>> 31; // lower case, branch-free
            maskedPrefix[p + 1] = masked;
        }
    }

    /** Records the positions of non-ACGT bases (a separate pass: only N-fraction checks need them). */
    private void findInvalid(byte[] bases, int n) {
        int[] badAt = invalidAt;
        int bad = 0;
        for (int p = 0; p < n; p++) {
            badAt[bad] = p;
            bad += CODE[bases[p] & 0xFF] >>> 31;
        }
        invalid = bad;
    }

    /** Forward token id of the k-mer at chunk position {@code p} ({@code p <= n - k}). */
    short forward(int p) {
        return forwardIds[p];
    }

    /** Id of the reverse complement of the k-mer at chunk position {@code p}. */
    short reverseComplement(int p) {
        return reverseIds[p];
    }

    /** Non-ACGT bases (N and IUPAC codes) in {@code [from, to)}; needs {@code countInvalid}. */
    public int invalidBases(int from, int to) {
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
    public void copyForward(int p, short[] into, int at, int count) {
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
            invalidAt = countInvalid ? new int[n + 1] : invalidAt;
            maskedPrefix = mask ? new int[n + 1] : maskedPrefix;
        }
    }
}
