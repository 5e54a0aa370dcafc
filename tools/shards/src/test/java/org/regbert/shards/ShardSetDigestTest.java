package org.regbert.shards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ShardSet.sha256 against coreutils: {@code sha256sum shard-*.npz | sha256sum} in the folder. */
class ShardSetDigestTest {
    @TempDir
    Path dir;

    @Test
    void aFolderDigestIsWhatSha256sumPrintsOfItsShardChecksums() throws Exception {
        Random random = new Random(7);
        for (int i : new int[] {2, 0, 11}) {  // written out of order: the digest follows name order
            byte[] bytes = new byte[1000 + 70_000 * i];
            random.nextBytes(bytes);
            Files.write(dir.resolve(String.format("shard-%05d.npz", i)), bytes);
        }
        Files.writeString(dir.resolve("align-summary.json"), "{}");  // not a shard: not in the digest
        String folder = ShardSet.sha256(dir);
        assertEquals(shell("sha256sum shard-*.npz | sha256sum"), folder);

        Path one = dir.resolve("shard-00002.npz");
        assertEquals(shell("sha256sum shard-00002.npz | sha256sum"), ShardSet.sha256(one));

        byte[] changed = Files.readAllBytes(one);
        changed[500] ^= 1;
        Files.write(one, changed);
        assertNotEquals(folder, ShardSet.sha256(dir), "one flipped bit in one shard");
        assertEquals(shell("sha256sum shard-*.npz | sha256sum"), ShardSet.sha256(dir));
    }

    /** The checksum field of the command's output in {@link #dir}. */
    private String shell(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("sh", "-c", command).directory(dir.toFile()).redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), out);
        return out.split("\\s+")[0];
    }
}
