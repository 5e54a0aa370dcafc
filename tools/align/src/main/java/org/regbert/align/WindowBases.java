package org.regbert.align;

import org.regbert.shards.KmerVocabulary;
import org.regbert.shards.NpyArray;
import org.regbert.shards.ShardManifest;

/**
 * The bases of a window read back off its tokens, in the window's reading direction: overlapping
 * k-mers give the first base of each token plus the rest of the last one; non-overlapping k-mers
 * give all their bases. [UNK] and [PAD] tokens become N, so motif placements over them are skipped.
 */
final class WindowBases {
    private static final byte[] BASES = {'A', 'T', 'C', 'G'};

    private final int k;
    private final boolean overlapping;
    private final int tokens;
    private final short[] row;

    WindowBases(ShardManifest.TokenizerSpec tokenizer) {
        this.k = tokenizer.k();
        this.overlapping = tokenizer.overlapping();
        this.tokens = tokenizer.windowTokens();
        this.row = new short[tokens];
    }

    int length() {
        return overlapping ? tokens + k - 1 : tokens * k;
    }

    /** Writes window {@code w}'s bases into {@code out[offset, offset + length())}. */
    void decode(NpyArray tokenArray, int w, byte[] out, int offset) {
        tokenArray.copyUnsignedShortRow(w, row);
        int p = offset;
        for (int j = 0; j < tokens; j++) {
            boolean last = j == tokens - 1;
            int count = overlapping && !last ? 1 : k;
            int id = Short.toUnsignedInt(row[j]);
            for (int i = 0; i < count; i++) {
                out[p++] = id < KmerVocabulary.FIRST_KMER ? (byte) 'N'
                        : BASES[(id - KmerVocabulary.FIRST_KMER) >>> (2 * (k - 1 - i)) & 3];
            }
        }
    }
}
