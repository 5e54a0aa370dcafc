package org.regbert.shards;

/**
 * A window's bases read back off its token ids, in the window's reading direction: overlapping
 * k-mers give the first base of each token plus the rest of the last one (tokens + k - 1 bases),
 * non-overlapping ones all k bases of each token; [UNK] (a k-mer with N or an IUPAC code), [PAD]
 * and the other special tokens become N. align scans GeneBERT's motifs on these bases and score
 * rebuilds the same matrices from them, so an N also turns the k-1 bases before it into N in both.
 * Not thread-safe (a reused row buffer): one instance per thread.
 */
public final class TokenBases {
    private static final byte[] BASES = {'A', 'T', 'C', 'G'};

    private final int k;
    private final boolean overlapping;
    private final int tokens;
    private short[] row;

    public TokenBases(int k, boolean overlapping, int tokens) {
        this.k = k;
        this.overlapping = overlapping;
        this.tokens = tokens;
    }

    /** For the windows of shards written with {@code tokenizer}. */
    public static TokenBases of(ShardManifest.TokenizerSpec tokenizer) {
        return new TokenBases(tokenizer.k(), tokenizer.overlapping(), tokenizer.windowTokens());
    }

    /** Bases per window. */
    public int length() {
        return overlapping ? tokens + k - 1 : tokens * k;
    }

    /** Decodes the window at {@code ids[from, from + tokens)} into {@code out[offset, offset + length())}. */
    public void decode(int[] ids, int from, byte[] out, int offset) {
        int p = offset;
        for (int j = 0; j < tokens; j++) {
            p = put(ids[from + j], j, out, p);
        }
    }

    /** Decodes window {@code window} of a shard's {@code tokens} array into {@code out[offset, offset + length())}. */
    public void decode(NpyArray tokenArray, long window, byte[] out, int offset) {
        if (row == null) {
            row = new short[tokens];
        }
        tokenArray.copyUnsignedShortRow(window, row);
        int p = offset;
        for (int j = 0; j < tokens; j++) {
            p = put(Short.toUnsignedInt(row[j]), j, out, p);
        }
    }

    /** Writes the bases token {@code j} of a window contributes; returns the next position. */
    private int put(int id, int j, byte[] out, int p) {
        int count = overlapping && j != tokens - 1 ? 1 : k;
        for (int i = 0; i < count; i++) {
            out[p++] = id < KmerVocabulary.FIRST_KMER ? (byte) 'N'
                    : BASES[(id - KmerVocabulary.FIRST_KMER) >>> (2 * (k - 1 - i)) & 3];
        }
        return p;
    }
}
