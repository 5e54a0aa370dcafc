package org.regbert.shards;

import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.regbert.common.BadInputException;

/** Checks that every token id of a shard names a token of its vocabulary. */
final class TokenRange {
    private TokenRange() {
    }

    /**
     * Refuses {@code tokens} (uint16 {@code [N, L]}) holding an id at or past {@code vocabulary.size()}.
     * Other dtypes and shards without a vocabulary are left to the callers' own checks.
     *
     * @throws BadInputException naming the shard, the entry, the first bad id and where it is
     */
    static void check(Path shard, NpyArray tokens, List<String> vocabulary) {
        if (vocabulary == null || !tokens.dtype().equals(NpyDType.UINT16)) {
            return;
        }
        int size = vocabulary.size();
        ShortBuffer ids = tokens.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        int n = ids.remaining();
        int max = 0;
        // One pass for the maximum (no branch per id); only a failing shard is searched again.
        for (int i = 0; i < n; i++) {
            max = Math.max(max, Short.toUnsignedInt(ids.get(i)));
        }
        if (max < size) {
            return;
        }
        int at = 0;
        while (Short.toUnsignedInt(ids.get(at)) < size) {
            at++;
        }
        long rowLength = tokens.shape().length == 2 ? tokens.shape()[1] : n;
        throw new BadInputException(shard, String.format(Locale.ROOT,
                "entry 'tokens.npy' holds token id %d (window %d, position %d), outside the vocabulary of %,d"
                        + " tokens (ids 0 to %d): the shard is corrupt or not from this tokenizer; re-create it",
                Short.toUnsignedInt(ids.get(at)), at / rowLength, at % rowLength, size, size - 1));
    }
}
