package org.regbert.tokenize;

import org.regbert.shards.KmerVocabulary;

/**
 * Computes, for a chunk of bases, the token id of the k-mer starting at every position (forward and
 * reverse-complement) in one rolling 2-bit pass, plus prefix counts of non-ACGT and soft-masked
 * bases so any window's N fraction and mask come out in O(1). Arrays are reused across chunks.
 */
final class KmerScanner {
    private static final byte[] CODE = new byte[256];

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
    private int[] invalidPrefix = new int[1];
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
        int invalid = 0;
        int masked = 0;
        invalidPrefix[0] = 0;
        maskedPrefix[0] = 0;
        // The first k-1 bases only prime the rolling codes; from then on one k-mer ends per base.
        int primed = Math.min(k - 1, n);
        for (int p = 0; p < n; p++) {
            byte base = bases[p];
            int c = CODE[base & 0xFF];
            int valid = c >>> 31 ^ 1;
            run = (run + 1) * valid;
            invalid += valid ^ 1;
            c &= 3;
            invalidPrefix[p + 1] = invalid;
            code = ((code << 2) | c) & codeMask;
            if (mask) {
                masked += base >= 'a' ? 1 : 0;
                maskedPrefix[p + 1] = masked;
            }
            if (p < primed) {
                rcCode = (rcCode >>> 2) | ((c ^ 1) << rcShift);
                continue;
            }
            int first = p - k + 1;
            boolean ok = run >= k;
            forwardIds[first] = (short) (ok ? KmerVocabulary.FIRST_KMER + code : KmerVocabulary.UNK);
            if (reverse) {
                rcCode = (rcCode >>> 2) | ((c ^ 1) << rcShift);
                reverseIds[first] = (short) (ok ? KmerVocabulary.FIRST_KMER + rcCode : KmerVocabulary.UNK);
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
        return invalidPrefix[to] - invalidPrefix[from];
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
            invalidPrefix = new int[n + 1];
            maskedPrefix = mask ? new int[n + 1] : maskedPrefix;
        }
    }
}
