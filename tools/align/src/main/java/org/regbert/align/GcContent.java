package org.regbert.align;

import org.regbert.shards.KmerVocabulary;
import org.regbert.shards.NpyArray;
import org.regbert.shards.ShardManifest;
import org.regbert.shards.TokenShard;

/** GC content of each window, read off its tokens (C and G have codes 2 and 3). */
final class GcContent {
    private GcContent() {
    }

    /** Percent GC (0-100) of each window's known bases; 0 for a window with none. */
    static byte[] percentPerWindow(TokenShard shard, ShardManifest.TokenizerSpec tokenizer) {
        NpyArray tokens = shard.tokens();
        int length = (int) tokens.rowLength();
        int k = tokenizer.k();
        // Overlapping k-mers share bases: the first base of each is enough; otherwise read all k.
        int basesPerToken = tokenizer.overlapping() ? 1 : k;
        byte[] percent = new byte[(int) tokens.rows()];
        short[] row = new short[length];
        for (int w = 0; w < percent.length; w++) {
            tokens.copyUnsignedShortRow(w, row);
            int gc = 0;
            int known = 0;
            for (short token : row) {
                int id = Short.toUnsignedInt(token);
                if (id < KmerVocabulary.FIRST_KMER) {
                    continue;
                }
                int code = id - KmerVocabulary.FIRST_KMER;
                for (int i = 0; i < basesPerToken; i++) {
                    gc += (code >>> (2 * (k - 1 - i)) & 3) >= 2 ? 1 : 0;
                }
                known += basesPerToken;
            }
            percent[w] = (byte) (known == 0 ? 0 : 100 * gc / known);
        }
        return percent;
    }
}
