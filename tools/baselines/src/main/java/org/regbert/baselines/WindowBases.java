package org.regbert.baselines;

import java.util.ArrayList;
import java.util.List;
import org.regbert.shards.TokenBases;
import org.regbert.shards.TokenShard;

/**
 * A shard window's bases, read back off its tokens with the shards library's {@link TokenBases}
 * (any tokenizer k, overlapping or not; [UNK]/[PAD] become N, which k-mer counting skips). Counting
 * k-mers on bases rather than on tokens keeps every k of the grid available whatever k the
 * shards were tokenized with.
 */
final class WindowBases {
    private final List<TokenShard> shards;
    private final List<TokenBases> decoders = new ArrayList<>();

    WindowBases(List<TokenShard> shards) {
        this.shards = shards;
        for (TokenShard shard : shards) {
            decoders.add(TokenBases.of(shard.manifest().tokenizer()));
        }
    }

    /** The bases of window {@code row} of shard {@code shard}. */
    byte[] bases(int shard, int row) {
        TokenBases decoder = decoders.get(shard);
        byte[] out = new byte[decoder.length()];
        decoder.decode(shards.get(shard).tokens(), row, out, 0);
        return out;
    }
}
