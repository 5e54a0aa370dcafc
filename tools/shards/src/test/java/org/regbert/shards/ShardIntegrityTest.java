package org.regbert.shards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.BadInputException;
import org.regbert.common.StagedOutput;

/** A shard with flipped bytes or token ids past its vocabulary is refused, naming the file and the entry. */
class ShardIntegrityTest {
    @TempDir
    Path dir;

    /** Two windows of four 3-mer tokens: ids 5..12 (AAA, AAT, ...), or {@code last} as the final id. */
    private Path shard(String folder, int last) throws IOException {
        ShardManifest template = new ShardManifest(ShardManifest.FORMAT, ShardManifest.FORMAT_VERSION, "none",
                List.of(new SequenceRecord("c", 100, null)),
                new ShardManifest.TokenizerSpec(3, true, 4, 4, 6, 4, "genome", 1.0, false, false),
                KmerVocabulary.specialTokenIds(), new KmerVocabulary(3).tokens(), null, null,
                new ShardManifest.Provenance("test", "0", List.of("test"), List.of(), "1970-01-01T00:00:00Z"), null);
        Path out = dir.resolve(folder);
        try (StagedOutput output = StagedOutput.open(out)) {
            TokenShardWriter writer = new TokenShardWriter(output, template, 10, List.of("c"));
            writer.add(0, 0, 6, 1, -1, new short[] {5, 6, 7, 8}, null);
            writer.add(0, 4, 10, 1, -1, new short[] {9, 10, 11, (short) last}, null);
            writer.finish();
            output.commit();
        }
        return out.resolve("shard-00000.npz");
    }

    /**
     * Asking a reader for the same array again and again (as callers do per window or row) maps it once:
     * the process's mappings of the file, counted in /proc/self/maps, stay at most one per member (a
     * mapping per call piled up to the kernel's 65,530 and killed a score test's JVM). The values read
     * on the last call are those written.
     */
    @Test
    void readingAnArrayManyTimesMapsItOnce() throws IOException {
        Path file = shard("many", 12);
        try (NpzReader reader = NpzReader.open(file)) {
            NpyArray tokens = null;
            for (int i = 0; i < 20_000; i++) {
                tokens = reader.array("tokens");
                reader.text("manifest.json");
            }
            assertEquals(12, tokens.getUnsignedShort(7));
            String path = file.toRealPath().toString();
            long mappings = Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.endsWith(path)).count();
            assertTrue(mappings <= reader.memberNames().size(), mappings + " mappings of " + path + " ("
                    + reader.memberNames().size() + " members)");
        }
    }

    @Test
    void flippedBytesFailTheCrcCheckNamingFileAndEntry() throws IOException {
        Path file = shard("flipped", 12);
        // The tokens' data: ids 5..12 as little-endian uint16, found by their bytes (05 00 06 00 ... 0c 00).
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer ids = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (short id = 5; id <= 12; id++) {
            ids.putShort(id);
        }
        int at = indexOf(bytes, ids.array());
        assertTrue(at > 0, "token bytes found");
        for (int i = 0; i < 4; i++) {
            bytes[at + i] ^= (byte) 0xFF; // 4 flipped bytes: window 0's first two ids become 65530 and 65529
        }
        Files.write(file, bytes);
        // An independent reader agrees the member is corrupt.
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            ZipException bad = assertThrows(ZipException.class, () -> {
                for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                    zip.readAllBytes();
                }
            });
            assertTrue(bad.getMessage().contains("CRC"), bad.getMessage());
        }
        try (TokenShard shard = TokenShard.open(file)) {
            // The manifest's own CRC is intact: the shard opens, its tokens do not.
            BadInputException e = assertThrows(BadInputException.class, shard::tokens);
            assertTrue(e.getMessage().startsWith(file + ": member 'tokens.npy' fails its CRC-32 check"), e.getMessage());
            NpzReader archive = shard.archive();
            assertThrows(BadInputException.class, () -> archive.raw("tokens.npy"), "no verbatim copy either");
        }
    }

    @Test
    void intactMembersStillRead() throws IOException {
        Path file = shard("intact", 12);
        try (TokenShard shard = TokenShard.open(file)) {
            assertEquals(12, shard.tokens().getUnsignedShort(7));
            assertEquals(12, shard.tokens().getUnsignedShort(7), "checked once, read again");
        }
    }

    @Test
    void tokenIdsPastTheVocabularyAreRefused() throws IOException {
        // k = 3: 5 special tokens + 4^3 = 64 k-mers = 69 ids (0..68). 65535 sits in window 1 at position 3.
        Path file = shard("past", 65535);
        try (TokenShard shard = TokenShard.open(file)) {
            BadInputException e = assertThrows(BadInputException.class, shard::tokens);
            assertEquals(file + ": entry 'tokens.npy' holds token id 65535 (window 1, position 3), outside the"
                    + " vocabulary of 69 tokens (ids 0 to 68): the shard is corrupt or not from this tokenizer;"
                    + " re-create it", e.getMessage());
        }
        try (TokenShard shard = TokenShard.open(shard("edge", 68))) {
            assertEquals(68, shard.tokens().getUnsignedShort(7), "68 = GGG, the last k-mer, is in the vocabulary");
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
