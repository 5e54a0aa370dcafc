package org.regbert.shards;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DNABERT-compatible k-mer vocabulary: {@code [PAD] [UNK] [CLS] [SEP] [MASK]} then every k-mer in
 * the order DNABERT's {@code vocab.txt} lists them, bases ranked A, T, C, G. A k-mer's 2-bit code
 * (A=0, T=1, C=2, G=3, first base most significant) plus 5 is its token id, so the complement of
 * a base is {@code code ^ 1}.
 */
public final class KmerVocabulary {
    public static final int PAD = 0;
    public static final int UNK = 1;
    public static final int CLS = 2;
    public static final int SEP = 3;
    public static final int MASK = 4;
    public static final int FIRST_KMER = 5;
    public static final int MIN_K = 1;
    /** Largest k whose ids fit the shards' uint16 tokens. */
    public static final int MAX_K = 7;
    static final String BASES = "ATCG";
    private static final List<String> SPECIALS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

    private final int k;

    public KmerVocabulary(int k) {
        if (k < MIN_K || k > MAX_K) {
            throw new IllegalArgumentException("k must be between " + MIN_K + " and " + MAX_K + ", was " + k);
        }
        this.k = k;
    }

    public int k() {
        return k;
    }

    public int size() {
        return FIRST_KMER + (1 << (2 * k));
    }

    /** The 2-bit code of a base (A=0, T=1, C=2, G=3), or -1 for N, IUPAC ambiguity codes and others. */
    public static int baseCode(byte base) {
        return switch (base) {
            case 'A', 'a' -> 0;
            case 'T', 't' -> 1;
            case 'C', 'c' -> 2;
            case 'G', 'g' -> 3;
            default -> -1;
        };
    }

    /** The token string for an id: a special token or a k-mer. */
    public String decode(int id) {
        if (id < FIRST_KMER) {
            return SPECIALS.get(id);
        }
        int code = id - FIRST_KMER;
        char[] kmer = new char[k];
        for (int i = k - 1; i >= 0; i--) {
            kmer[i] = BASES.charAt(code & 3);
            code >>>= 2;
        }
        return new String(kmer);
    }

    /** The token id of an upper- or lower-case k-mer; {@link #UNK} when it has a non-ACGT base. */
    public int encode(CharSequence kmer) {
        if (kmer.length() != k) {
            throw new IllegalArgumentException("expected a " + k + "-mer, got '" + kmer + "'");
        }
        int code = 0;
        for (int i = 0; i < k; i++) {
            int base = baseCode((byte) kmer.charAt(i));
            if (base < 0) {
                return UNK;
            }
            code = (code << 2) | base;
        }
        return FIRST_KMER + code;
    }

    /** Every token string in id order, as written into the manifest. */
    public List<String> tokens() {
        List<String> tokens = new ArrayList<>(size());
        for (int id = 0; id < size(); id++) {
            tokens.add(decode(id));
        }
        return tokens;
    }

    public static Map<String, Integer> specialTokenIds() {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (int i = 0; i < SPECIALS.size(); i++) {
            ids.put(SPECIALS.get(i), i);
        }
        return ids;
    }
}
