package org.regbert.shards;

import java.io.IOException;
import java.nio.file.Path;
import org.regbert.common.BadInputException;

/**
 * A token shard opened for reading: its manifest and memory-mapped arrays. Token ids are checked
 * against the manifest's vocabulary once, on first use: an id past it (a corrupt or foreign shard)
 * would otherwise index past the model's embedding or train on a token that does not exist.
 */
public final class TokenShard implements AutoCloseable {
    private final NpzReader npz;
    private final ShardManifest manifest;
    private volatile boolean tokensChecked;

    private TokenShard(NpzReader npz, ShardManifest manifest) {
        this.npz = npz;
        this.manifest = manifest;
    }

    public static TokenShard open(Path file) {
        NpzReader npz = NpzReader.open(file);
        try {
            ShardManifest manifest = ShardManifest.fromJson(npz.bytes("manifest.json"));
            if (!ShardManifest.FORMAT.equals(manifest.format())) {
                throw new BadInputException(file, "not a regbert shard (format '" + manifest.format() + "')");
            }
            if (manifest.formatVersion() > ShardManifest.FORMAT_VERSION) {
                throw new BadInputException(file, "shard format version " + manifest.formatVersion()
                        + " is newer than this regbert reads (" + ShardManifest.FORMAT_VERSION + ")");
            }
            return new TokenShard(npz, manifest);
        } catch (IOException e) {
            npz.close();
            throw new BadInputException(file, -1, "unreadable manifest.json: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            npz.close();
            throw e;
        }
    }

    public ShardManifest manifest() {
        return manifest;
    }

    public Path file() {
        return npz.file();
    }

    public long windows() {
        return manifest.shard().windows();
    }

    public NpyArray tokens() {
        NpyArray tokens = npz.array("tokens");
        if (!tokensChecked) {
            TokenRange.check(file(), tokens, manifest.vocabulary());
            tokensChecked = true;
        }
        return tokens;
    }

    public NpyArray array(String name) {
        return npz.array(name);
    }

    public boolean hasArray(String name) {
        return npz.hasArray(name);
    }

    /** The underlying archive, for copying its members into an annotated shard. */
    public NpzReader archive() {
        return npz;
    }

    @Override
    public void close() {
        npz.close();
    }
}
