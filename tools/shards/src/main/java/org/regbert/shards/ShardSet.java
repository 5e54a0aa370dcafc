package org.regbert.shards;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.regbert.common.BadInputException;
import org.regbert.common.Checksums;

/** The shards a stage reads: one {@code .npz} file, or every {@code shard-*.npz} in a directory. */
public final class ShardSet {
    private ShardSet() {
    }

    public static List<Path> list(Path shardsOrDir) {
        if (Files.isRegularFile(shardsOrDir)) {
            return List.of(shardsOrDir);
        }
        if (!Files.isDirectory(shardsOrDir)) {
            throw new BadInputException(shardsOrDir, "no such shard file or directory");
        }
        List<Path> shards = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(shardsOrDir, TokenShardWriter.SHARD_GLOB)) {
            entries.forEach(shards::add);
        } catch (IOException e) {
            throw new BadInputException(shardsOrDir, -1, "cannot list shards: " + e.getMessage(), e);
        }
        if (shards.isEmpty()) {
            throw new BadInputException(shardsOrDir, "no shard-*.npz files here (run 'regbert tokenize' first)");
        }
        shards.sort(Path::compareTo);
        return shards;
    }

    /**
     * One SHA-256 for a set of shards, the one {@code sha256sum shard-*.npz | sha256sum} prints in the
     * folder (a single file: {@code sha256sum NAME | sha256sum}): every shard's checksum and name, one
     * line each in name order, hashed again. Any change to any shard, or a shard added, removed or
     * renamed, changes it; it tells {@code evaluate} that a model's saved predictions were made on
     * exactly these shards.
     */
    public static String sha256(Path shardsOrDir) {
        MessageDigest lines = Checksums.digest("SHA-256");
        for (Path shard : list(shardsOrDir)) {
            String line = Checksums.sha256(shard) + "  " + shard.getFileName() + "\n";
            lines.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return Checksums.hex(lines.digest());
    }
}
