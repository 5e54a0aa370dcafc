package org.regbert.genome;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import htsjdk.samtools.util.BlockCompressedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.BadInputException;
import org.regbert.common.KitData;

/** The worker-side FASTA reader gives exactly htsjdk's bases, on the kit's chr20 and on odd layouts. */
class IndexedBasesTest {
    /** hg19 chr20's length, from its .fai. */
    private static final long CHR20_LENGTH = 63_025_520L;

    @TempDir
    Path dir;

    @Test
    void wholeChr20InChunksMatchesHtsjdk() {
        Path chr20 = KitData.chr20();
        long length = CHR20_LENGTH;
        // An odd chunk size, so chunk ends fall inside lines and inside bgzip blocks.
        int chunk = 3_000_017;
        try (ReferenceGenome htsjdk = ReferenceGenome.open(chr20); IndexedBases ours = new IndexedBases(chr20)) {
            for (long start = 0; start < length; start += chunk) {
                long end = Math.min(length, start + chunk);
                assertSame(htsjdk.fetch("20", start, end), ours.fetch("20", start, end), "20:" + start + "-" + end);
            }
        }
    }

    @Test
    void shortRangesAtLineAndBlockEdgesMatchHtsjdk() {
        Path chr20 = KitData.chr20();
        long length = CHR20_LENGTH;
        Random random = new Random(20);
        try (ReferenceGenome htsjdk = ReferenceGenome.open(chr20); IndexedBases ours = new IndexedBases(chr20)) {
            long[] starts = {0, 59, 60, 61, 65_535, 65_536, 1_000_000, length - 1, length - 61};
            for (long start : starts) {
                for (int n : new int[] {1, 59, 60, 61, 515, 70_000}) {
                    long end = Math.min(length, start + n);
                    assertSame(htsjdk.fetch("20", start, end), ours.fetch("20", start, end), "20:" + start + "-" + end);
                }
            }
            for (int i = 0; i < 200; i++) {
                long start = (long) (random.nextDouble() * (length - 1));
                long end = Math.min(length, start + 1 + random.nextInt(200_000));
                assertSame(htsjdk.fetch("20", start, end), ours.fetch("20", start, end), "20:" + start + "-" + end);
            }
        }
    }

    @Test
    void sortedShortRangesSharingBlocksMatchHtsjdk() {
        Path chr20 = KitData.chr20();
        Random random = new Random(995);
        try (ReferenceGenome htsjdk = ReferenceGenome.open(chr20); IndexedBases ours = new IndexedBases(chr20)) {
            // Windows of a sorted BED: most start in the block the previous one ended in, some reach past it.
            long start = 30_000_000;
            for (int i = 0; i < 2_000; i++) {
                long end = start + 1 + random.nextInt(i % 50 == 0 ? 150_000 : 1_000);
                assertSame(htsjdk.fetch("20", start, end), ours.fetch("20", start, end), "20:" + start + "-" + end);
                start += random.nextInt(2_000) - 200;
            }
        }
    }

    @Test
    void plainAndBgzipWithShortLinesCrlfAndSeveralContigs() throws IOException {
        Map<String, String> contigs = new LinkedHashMap<>();
        Random random = new Random(7);
        for (int c = 0; c < 3; c++) {
            StringBuilder bases = new StringBuilder();
            for (int i = 0; i < 150_000 + c * 1_001; i++) {
                bases.append("ACGTacgtNRY".charAt(random.nextInt(11)));
            }
            contigs.put("c" + c, bases.toString());
        }
        for (String newline : new String[] {"\n", "\r\n"}) {
            String text = fasta(contigs, 7, newline);
            Path plain = Files.writeString(dir.resolve("plain" + newline.length() + ".fa"), text);
            Path bgzip = dir.resolve("bgzip" + newline.length() + ".fa.gz");
            try (OutputStream out = new BlockCompressedOutputStream(bgzip.toFile())) {
                out.write(text.getBytes(StandardCharsets.US_ASCII));
            }
            for (Path fasta : new Path[] {plain, bgzip}) {
                try (ReferenceGenome htsjdk = ReferenceGenome.open(fasta); IndexedBases ours = new IndexedBases(fasta)) {
                    for (Map.Entry<String, String> contig : contigs.entrySet()) {
                        int length = contig.getValue().length();
                        for (long[] range : new long[][] {{0, length}, {0, 1}, {length - 1, length}, {6, 13},
                                {7, 14}, {65_530, 131_080}, {3, length - 2}}) {
                            byte[] expected = contig.getValue().substring((int) range[0], (int) range[1])
                                    .getBytes(StandardCharsets.US_ASCII);
                            String what = fasta.getFileName() + " " + contig.getKey() + ":" + range[0] + "-" + range[1];
                            assertSame(expected, ours.fetch(contig.getKey(), range[0], range[1]), what);
                            if (newline.equals("\n")) {
                                // htsjdk 4.3 returns wrong bases for some long CRLF ranges of this plain
                                // FASTA (c0:3-149998 differs at base 101,948); with LF it agrees.
                                assertArrayEquals(expected, htsjdk.fetch(contig.getKey(), range[0], range[1]), what);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void staleIndexIsBadInputNotGarbage() throws IOException {
        Map<String, String> contigs = Map.of("c", "ACGT".repeat(100));
        Path fasta = Files.writeString(dir.resolve("stale.fa"), fasta(contigs, 60, "\n"));
        ReferenceGenome.open(fasta).close();
        // The same bases re-wrapped at 50 per line behind the 60-per-line index.
        Files.writeString(fasta, fasta(contigs, 50, "\n"));
        try (IndexedBases ours = new IndexedBases(fasta)) {
            assertThrows(BadInputException.class, () -> ours.fetch("c", 0, 400));
            assertThrows(BadInputException.class, () -> ours.fetch("nope", 0, 1));
            assertThrows(BadInputException.class, () -> ours.fetch("c", 0, 401));
        }
    }

    private static String fasta(Map<String, String> contigs, int width, String newline) {
        StringBuilder text = new StringBuilder();
        contigs.forEach((name, bases) -> {
            text.append('>').append(name).append(" test").append(newline);
            for (int i = 0; i < bases.length(); i += width) {
                text.append(bases, i, Math.min(bases.length(), i + width)).append(newline);
            }
        });
        return text.toString();
    }

    private static void assertSame(byte[] expected, byte[] buffer, String what) {
        assertEquals(expected.length, Math.min(expected.length, buffer.length), what);
        assertArrayEquals(expected, Arrays.copyOf(buffer, expected.length), what);
    }
}
