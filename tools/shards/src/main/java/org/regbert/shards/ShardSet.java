package org.regbert.shards;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.regbert.common.BadInputException;

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
}
