package org.regbert.align;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrong assembly, unknown contig, malformed lines, empty files: exit 2, a clear message, no output. */
class AlignBadInputTest {
    @TempDir
    Path dir;
    Path shards;

    @BeforeEach
    void hg19Chr20() throws IOException {
        // Windows over a reference named like the kit's FASTA: contig 20 with hg19's length.
        shards = TestShards.tiledReference(dir, TestShards.sizes("20", 63_025_520L), "hg19", 1000, 20_000_000);
    }

    private void assertRefused(String expected, String... args) {
        Path out = dir.resolve("out");
        String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("--shards", shards.toString(),
                "--output", out.toString()), java.util.Arrays.stream(args)).toArray(String[]::new);
        TestShards.Run run = TestShards.align(all);
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(expected), "expected '" + expected + "' in: " + run.stderr());
        assertFalse(Files.exists(out), "no output left behind");
    }

    /**
     * A full disk is the machine's fault, not the input's: one line, exit 1, nothing left. The
     * output lies on a 64 KiB tmpfs (mounted here: needs root, as the CI has) filled but for one
     * page, which the run's lock file takes: the first shard written finds no space.
     */
    @Test
    void aFullDiskIsOneLineExitOneAndLeavesNothing() throws Exception {
        Path bed = Files.writeString(dir.resolve("tss.bed"), "20\t100\t101\n");
        Path small = Files.createDirectory(dir.resolve("small"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        String said = new String(mount.getInputStream().readAllBytes());
        assertEquals(0, mount.waitFor(), "this test mounts a tiny tmpfs (needs root): " + said);
        try {
            Files.write(small.resolve("filler"), new byte[15 * 4096]);
            Path out = small.resolve("out");
            TestShards.Run run = TestShards.align("--shards", shards.toString(), "--labels", "promoter=" + bed,
                    "--quiet", "--output", out.toString());
            assertEquals(1, run.exitCode(), run.stderr());
            assertTrue(run.stderr().startsWith("regbert align: error: the disk is full: "), run.stderr());
            assertTrue(run.stderr().contains("No space left on device"), run.stderr());
            assertFalse(run.stderr().contains("\tat "), "one line, no stack trace: " + run.stderr());
            try (java.util.stream.Stream<Path> left = Files.list(small)) {
                assertEquals(java.util.List.of("filler"), left.map(p -> p.getFileName().toString()).toList(),
                        "no output folder, staging folder or lock file left");
            }
        } finally {
            new ProcessBuilder("umount", small.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void chrPrefixTrapNamesTheAlias() throws IOException {
        Path bed = Files.writeString(dir.resolve("tss.bed"), "chr20\t100\t101\n");
        assertRefused(bed + ":1: contig 'chr20' is not in the reference, which calls it '20'; pass --contig-alias chr20=20",
                "--labels", "promoter=" + bed);
        assertRefused(bed + ":1: contig 'chr20'", "--labels", "promoter=" + bed, "--skip-missing-contigs");
    }

    @Test
    void unknownContig() throws IOException {
        Path bed = Files.writeString(dir.resolve("x.bed"), "20\t1\t2\nscaffold_7\t100\t101\n");
        assertRefused(bed + ":2: contig 'scaffold_7' is not in the reference (contigs: 20); pass --skip-missing-contigs",
                "--labels", "p=" + bed);
    }

    @Test
    void wrongAssemblyCoordinates() throws IOException {
        // hg38's chromosome 20 is 64,444,167 bp: a peak near its end cannot be hg19.
        Path bed = Files.writeString(dir.resolve("hg38.bed"), "20\t64000000\t64000100\n");
        assertRefused(bed + ":1: interval 20:64000000-64000100 runs past the end of contig '20' (length 63025520);"
                + " is the file from another assembly? it fits hg38 (64444167)", "--labels", "p=" + bed);
    }

    @Test
    void malformedLinesAndEmptyFiles() throws IOException {
        Path text = Files.writeString(dir.resolve("bad.bed"), "20\t100\t200\n20\t300\tend\n");
        assertRefused(text + ":2: start and end must be integers", "--labels", "p=" + text);
        Path reversed = Files.writeString(dir.resolve("rev.bed"), "20\t300\t200\n");
        assertRefused(reversed + ":1: start 300 is greater than end 200", "--labels", "p=" + reversed);
        Path empty = Files.writeString(dir.resolve("empty.bed"), "track name=x\n");
        assertRefused(empty + ": no intervals", "--labels", "p=" + empty);
        Path bedpe = Files.writeString(dir.resolve("i.bedpe"), "20\t1\t2\t20\t5\t6\tx\t.\n");
        assertRefused(bedpe + ":1: expected a BEDPE line with at least 9", "--labels", "s=" + bedpe);
    }

    @Test
    void optionMistakes() throws IOException {
        Path bed = Files.writeString(dir.resolve("p.bed"), "20\t1\t2\n");
        assertRefused("--ambiguous q=...: no --labels q=...", "--labels", "p=" + bed, "--ambiguous", "q=" + bed);
        assertRefused("nothing to align");
        assertRefused("--test chr9: contig 'chr9' is not in the reference", "--labels", "p=" + bed, "--test", "chr9");
        assertRefused("--matched-negatives needs --negatives-per-positive", "--labels", "p=" + bed,
                "--matched-negatives");
        assertRefused("--sample-test needs --negatives-per-positive", "--labels", "p=" + bed, "--sample-test");
        assertRefused("--sample-validation needs --negatives-per-positive", "--labels", "p=" + bed,
                "--sample-validation");
    }

    @Test
    void aShardWithFlippedBytesIsRefusedNotRewrittenWithAFreshCrc() throws IOException {
        Path shard = shards.resolve("shard-00000.npz");
        byte[] bytes = Files.readAllBytes(shard);
        // The ZIP local header of tokens.npy (signature PK 3 4, name at offset 30): its data starts after the
        // name and the extra field, and its last 4 bytes are token ids; flip them.
        byte[] name = "tokens.npy".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.nio.ByteBuffer zip = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int header = -1;
        for (int i = 0; i + 30 + name.length <= bytes.length && header < 0; i++) {
            if (zip.getInt(i) == 0x04034b50 && java.util.Arrays.equals(bytes, i + 30, i + 30 + name.length, name, 0,
                    name.length)) {
                header = i;
            }
        }
        assertTrue(header >= 0, "tokens.npy's local header");
        int size = zip.getInt(header + 18);
        int data = header + 30 + Short.toUnsignedInt(zip.getShort(header + 26)) + Short.toUnsignedInt(zip.getShort(header + 28));
        for (int i = data + size - 4; i < data + size; i++) {
            bytes[i] ^= (byte) 0xFF;
        }
        Files.write(shard, bytes);
        Path bed = Files.writeString(dir.resolve("p.bed"), "20\t1\t2\n");
        assertRefused(shard + ": member 'tokens.npy' fails its CRC-32 check", "--labels", "p=" + bed);
    }

    @Test
    void shardsThatAreNotShards() throws IOException {
        Path notShards = Files.createDirectory(dir.resolve("empty"));
        TestShards.Run run = TestShards.align("--shards", notShards.toString(), "--labels", "p=x.bed", "--output",
                dir.resolve("o").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("no shard-*.npz files here"), run.stderr());
    }
}
