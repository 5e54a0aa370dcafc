package org.regbert.genome;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.regbert.common.KitData;

/** The ISA-L inflater gives zlib's bytes for every bgzip block of the real hg19 chr20, and rejects corrupt blocks. */
class InflatersTest {
    private static final Path CHR20 = KitData.chr20();

    @Test
    void gklIsUsedOnLinuxX86() {
        if (System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64")
                && !"zlib".equals(System.getProperty("regbert.inflater"))) {
            assertTrue(Inflaters.accelerated(), "GKL's native inflater should load on linux x86-64");
        }
    }

    @Test
    void sameBytesAsZlibForEveryBlockOfChr20() throws Exception {
        byte[] file = Files.readAllBytes(CHR20);
        Inflater zlib = new Inflater(true);
        Inflater fast = Inflaters.newRaw();
        byte[] expected = new byte[1 << 16];
        byte[] actual = new byte[1 << 16];
        long total = 0;
        int blocks = 0;
        for (int at = 0; at < file.length; blocks++) {
            Block block = Block.at(file, at);
            int n = inflate(zlib, file, block, expected);
            assertEquals(block.size, n, "zlib, block at byte " + at);
            Arrays.fill(actual, (byte) 0);
            assertEquals(n, inflate(fast, file, block, actual), "block at byte " + at);
            assertArrayEquals(Arrays.copyOf(expected, n), Arrays.copyOf(actual, n), "block at byte " + at);
            total += n;
            at = block.end;
        }
        assertEquals(64_075_950L, total, "chr20's uncompressed FASTA size");
        assertTrue(blocks > 900, "bgzip blocks: " + blocks);
    }

    @Test
    void corruptBlockIsRejected() throws Exception {
        byte[] file = Files.readAllBytes(CHR20);
        Block block = Block.at(file, 0);
        byte[] corrupt = Arrays.copyOf(file, block.end);
        Arrays.fill(corrupt, block.dataStart, block.dataStart + 20, (byte) 0x07); // an invalid deflate block type
        Inflater fast = Inflaters.newRaw();
        assertThrows(Exception.class, () -> inflate(fast, corrupt, block, new byte[1 << 16]));
    }

    private static int inflate(Inflater inflater, byte[] file, Block block, byte[] into) throws Exception {
        inflater.reset();
        inflater.setInput(file, block.dataStart, block.dataEnd - block.dataStart);
        return block.size == 0 ? 0 : inflater.inflate(into, 0, block.size);
    }

    /** One BGZF member: its deflate data and uncompressed size (from the header's BC field and the footer). */
    private record Block(int dataStart, int dataEnd, int end, int size) {
        static Block at(byte[] f, int at) {
            int xlen = u16(f, at + 10);
            int blockSize = u16(f, at + 16) + 1; // the BC subfield is the first extra field in bgzip's output
            int end = at + blockSize;
            return new Block(at + 12 + xlen, end - 8, end, u16(f, end - 4) | u16(f, end - 2) << 16);
        }

        private static int u16(byte[] b, int at) {
            return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
        }
    }
}
