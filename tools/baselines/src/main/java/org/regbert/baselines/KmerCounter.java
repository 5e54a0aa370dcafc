package org.regbert.baselines;

import java.util.Arrays;

/**
 * Counts the overlapping k-mers of a window's bases: the features of the k-mer baseline. A k-mer's
 * column is its code in lexicographic order over ACGT (A=0, C=1, G=2, T=3; "AAA" is 0, "ACG" is
 * 6, "TTT" is 63 for k = 3); k-mers holding N or any other non-ACGT byte are skipped; lower case
 * counts as upper case. One window at a time, reusing its buffers: one instance per thread.
 */
final class KmerCounter {
    static final int MIN_K = 1;
    static final int MAX_K = 8;
    private static final byte[] CODE = new byte[256];

    static {
        Arrays.fill(CODE, (byte) -1);
        CODE['A'] = CODE['a'] = 0;
        CODE['C'] = CODE['c'] = 1;
        CODE['G'] = CODE['g'] = 2;
        CODE['T'] = CODE['t'] = 3;
    }

    private final int k;
    private final int[] counts;
    private int[] touched = new int[256];

    KmerCounter(int k) {
        if (k < MIN_K || k > MAX_K) {
            throw new IllegalArgumentException("k = " + k + " outside " + MIN_K + ".." + MAX_K);
        }
        this.k = k;
        this.counts = new int[1 << (2 * k)];
    }

    int k() {
        return k;
    }

    /** Feature columns: 4^k. */
    int columns() {
        return counts.length;
    }

    /**
     * The distinct k-mers of {@code bases[from, from + length)} and how often each occurs, in
     * increasing column order, into {@code out} (which grows as needed); returns {@code out}.
     */
    Row count(byte[] bases, int from, int length, Row out) {
        int mask = counts.length - 1;
        int code = 0;
        int run = 0; // valid bases ending at the current position
        int distinct = 0;
        for (int p = from; p < from + length; p++) {
            int b = CODE[bases[p] & 0xFF];
            if (b < 0) {
                run = 0;
                continue;
            }
            code = ((code << 2) | b) & mask;
            if (++run >= k) {
                if (counts[code]++ == 0) {
                    if (distinct == touched.length) {
                        touched = Arrays.copyOf(touched, distinct * 2);
                    }
                    touched[distinct++] = code;
                }
            }
        }
        Arrays.sort(touched, 0, distinct);
        out.reset(distinct);
        for (int i = 0; i < distinct; i++) {
            out.columns[i] = touched[i];
            out.values[i] = counts[touched[i]];
            counts[touched[i]] = 0;
        }
        return out;
    }

    /** The k-mer of column {@code code}, e.g. "ACG". */
    static String name(int code, int k) {
        char[] s = new char[k];
        for (int i = k - 1; i >= 0; i--) {
            s[i] = "ACGT".charAt(code & 3);
            code >>>= 2;
        }
        return new String(s);
    }

    /** One sparse row: {@code size} (column, value) pairs, columns increasing. */
    static final class Row {
        int size;
        int[] columns = new int[256];
        float[] values = new float[256];

        void reset(int size) {
            if (columns.length < size) {
                columns = new int[size];
                values = new float[size];
            }
            this.size = size;
        }
    }
}
