package org.regbert.tokenize;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.regbert.shards.NpyArray;
import org.regbert.shards.ShardManifest;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;

/** Every window of a shard directory, read back through the memory-mapping reader. */
record ShardContents(ShardManifest manifest, List<Window> windows) {

    record Window(String contig, long start, long end, int strand, int region, short[] tokens, byte[] softmask) {
    }

    static ShardContents read(Path dir) {
        List<Window> windows = new ArrayList<>();
        ShardManifest manifest = null;
        for (Path file : ShardSet.list(dir)) {
            try (TokenShard shard = TokenShard.open(file)) {
                manifest = shard.manifest();
                NpyArray tokens = shard.tokens();
                NpyArray names = shard.array("contig_names");
                NpyArray softmask = shard.hasArray("softmask") ? shard.array("softmask") : null;
                NpyArray contig = shard.array("contig");
                NpyArray start = shard.array("start");
                NpyArray end = shard.array("end");
                NpyArray strand = shard.array("strand");
                NpyArray region = shard.array("region");
                int length = (int) tokens.rowLength();
                for (int i = 0; i < shard.windows(); i++) {
                    short[] row = new short[length];
                    tokens.copyUnsignedShortRow(i, row);
                    byte[] mask = null;
                    if (softmask != null) {
                        mask = new byte[length];
                        for (int j = 0; j < length; j++) {
                            mask[j] = softmask.getByte((long) i * length + j);
                        }
                    }
                    windows.add(new Window(names.getString(contig.getInt(i)), start.getLong(i), end.getLong(i),
                            strand.getByte(i), region.getInt(i), row, mask));
                }
            }
        }
        return new ShardContents(manifest, windows);
    }
}
