package org.regbert.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.regbert.shards.KmerVocabulary;

/**
 * Windows and tokens on small genomes the tests write, checked against a naive substring
 * tokenizer: counts from the window arithmetic, tokens that decode back to the bases.
 */
class TokenizeWindowsTest {
    @TempDir
    Path dir;

    /** Token ids of a window by plain substrings, independent of the rolling scanner. */
    static short[] naiveTokens(String bases, int k, int step, int tokens) {
        KmerVocabulary vocabulary = new KmerVocabulary(k);
        short[] ids = new short[tokens];
        for (int j = 0; j < tokens; j++) {
            int from = j * step;
            ids[j] = (short) (from + k <= bases.length() ? vocabulary.encode(bases.substring(from, from + k))
                    : KmerVocabulary.PAD);
        }
        return ids;
    }

    @ParameterizedTest
    @CsvSource({"3,64,64,false", "6,100,37,false", "4,50,50,true", "7,20,3,false", "1,128,128,false"})
    void tilesEveryContigAndDecodesBackToTheBases(int k, int window, int stride, boolean nonOverlapping)
            throws IOException {
        Map<String, String> genome = Fixtures.randomGenome(k * 31L + window, 5000, 2999, 90);
        Path fasta = Fixtures.writeFasta(dir.resolve("g.fa"), genome);
        Path out = dir.resolve("out");
        List<String> args = Fixtures.args("--reference", fasta, "--kmer", k, "--window", window, "--stride", stride,
                "--output", out, "--windows-per-shard", 17, "--quiet");
        if (nonOverlapping) {
            args.add("--non-overlapping");
        }
        Fixtures.Run run = Fixtures.tokenize(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.stderr());

        WindowGeometry geometry = new WindowGeometry(k, !nonOverlapping, window, stride);
        ShardContents contents = ShardContents.read(out);
        long expected = genome.values().stream().mapToLong(s -> geometry.windowsIn(s.length())).sum();
        assertEquals(expected, contents.windows().size());
        for (ShardContents.Window w : contents.windows()) {
            String bases = genome.get(w.contig()).substring((int) w.start(), (int) w.end());
            assertEquals(geometry.windowBases(), bases.length());
            assertArrayEquals(naiveTokens(bases, k, geometry.step(), window), w.tokens());
            assertEquals(1, w.strand());
            assertEquals(-1, w.region());
        }
        assertEquals(k, contents.manifest().tokenizer().k());
        assertEquals(new KmerVocabulary(k).tokens(), contents.manifest().vocabulary());
        assertTrue(Files.exists(out.resolve("tokenize-summary.json")));
    }

    @Test
    void reverseComplementAugmentationAddsTheOtherStrand() throws IOException {
        Map<String, String> genome = Fixtures.randomGenome(7, 1000);
        Path fasta = Fixtures.writeBgzipFasta(dir.resolve("g.fa.gz"), genome);
        Path out = dir.resolve("out");
        Fixtures.Run run = Fixtures.tokenize("--reference", fasta.toString(), "--kmer", "5", "--window", "40",
                "--stride", "40", "--reverse-complement", "--output", out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(Files.exists(dir.resolve("g.fa.gz.fai")), "index built beside the bgzip FASTA");
        assertTrue(Files.exists(dir.resolve("g.fa.gz.gzi")), "bgzip index built beside the FASTA");
        List<ShardContents.Window> windows = ShardContents.read(out).windows();
        assertEquals(2 * new WindowGeometry(5, true, 40, 40).windowsIn(1000), windows.size());
        for (int i = 0; i < windows.size(); i += 2) {
            ShardContents.Window forward = windows.get(i);
            ShardContents.Window reverse = windows.get(i + 1);
            assertEquals(1, forward.strand());
            assertEquals(-1, reverse.strand());
            assertEquals(forward.start(), reverse.start());
            String bases = genome.get("contig1").substring((int) forward.start(), (int) forward.end());
            assertArrayEquals(naiveTokens(Fixtures.reverseComplement(bases), 5, 1, 40), reverse.tokens());
        }
    }

    @Test
    void skipsWindowsOverTheNLimitAndMarksUnknownKmers() throws IOException {
        String left = Fixtures.randomGenome(3, 300).get("contig1");
        String right = Fixtures.randomGenome(4, 300).get("contig1");
        String bases = left + "N".repeat(40) + "RYKM" + right;
        Path fasta = Fixtures.writeFasta(dir.resolve("n.fa"), Map.of("chrN", bases));
        int k = 4;
        WindowGeometry geometry = new WindowGeometry(k, true, 61, 16);
        for (double maxN : new double[] {0.0, 0.1, 1.0}) {
            Path out = dir.resolve("out" + maxN);
            Fixtures.Run run = Fixtures.tokenize("--reference", fasta.toString(), "--kmer", "" + k, "--window", "61",
                    "--stride", "16", "--max-n-fraction", "" + maxN, "--output", out.toString(), "--quiet");
            assertEquals(0, run.exitCode(), run.stderr());
            long expected = 0;
            for (long w = 0; w < geometry.windowsIn(bases.length()); w++) {
                String window = bases.substring((int) (w * 16), (int) (w * 16) + geometry.windowBases());
                long invalid = window.chars().filter(c -> "ACGT".indexOf(c) < 0).count();
                expected += invalid <= maxN * window.length() ? 1 : 0;
            }
            List<ShardContents.Window> windows = ShardContents.read(out).windows();
            assertEquals(expected, windows.size(), "windows kept at max N fraction " + maxN);
            for (ShardContents.Window w : windows) {
                String window = bases.substring((int) w.start(), (int) w.end());
                assertArrayEquals(naiveTokens(window, k, 1, 61), w.tokens());
            }
        }
    }

    @Test
    void softMaskedBasesAreUpperCaseTokensWithAMaskArray() throws IOException {
        String bases = "ACGTACGTAC" + "acgtacgtac" + "ACGTACGTAC";
        Path fasta = Fixtures.writeFasta(dir.resolve("m.fa"), Map.of("c", bases));
        Path out = dir.resolve("out");
        Fixtures.Run run = Fixtures.tokenize("--reference", fasta.toString(), "--kmer", "3", "--window", "28",
                "--softmask-array", "--output", out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
        ShardContents.Window w = ShardContents.read(out).windows().get(0);
        assertArrayEquals(naiveTokens(bases.toUpperCase(), 3, 1, 28), w.tokens());
        for (int j = 0; j < 28; j++) {
            boolean masked = !bases.substring(j, j + 3).equals(bases.substring(j, j + 3).toUpperCase());
            assertEquals(masked ? 1 : 0, w.softmask()[j], "mask of token " + j);
        }
    }

    @Test
    void regionsTileLongIntervalsCentreShortOnesAndHonourStrand() throws IOException {
        Map<String, String> genome = Fixtures.randomGenome(11, 3000, 500);
        Path fasta = Fixtures.writeFasta(dir.resolve("g.fa"), genome);
        Path bed = Files.writeString(dir.resolve("r.bed"), String.join("\n",
                "track name=test",
                "contig1\t100\t400\tlong\t0\t+",
                "contig1\t1000\t1010\tshort\t0\t-",
                "contig2\t0\t5\tedge",
                "# a comment",
                "contig1\t2990\t3000\tend\t0\t.") + "\n");
        Path out = dir.resolve("out");
        Fixtures.Run run = Fixtures.tokenize("--reference", fasta.toString(), "--regions", bed.toString(), "--kmer",
                "6", "--window", "95", "--stride", "50", "--output", out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
        List<ShardContents.Window> windows = ShardContents.read(out).windows();
        // Interval 0: 300 bp tiled by 100-bp windows every 50 bp = 5 windows; then one window each.
        assertEquals(5 + 1 + 1 + 1, windows.size());
        assertEquals(List.of(100L, 150L, 200L, 250L, 300L), windows.subList(0, 5).stream()
                .map(ShardContents.Window::start).toList());
        ShardContents.Window shortOne = windows.get(5);
        assertEquals(1, shortOne.region());
        assertEquals(-1, shortOne.strand());
        assertEquals(1005 - 50, shortOne.start(), "centred on the interval");
        String bases = genome.get("contig1").substring((int) shortOne.start(), (int) shortOne.end());
        assertArrayEquals(naiveTokens(Fixtures.reverseComplement(bases), 6, 1, 95), shortOne.tokens());
        assertEquals(0, windows.get(6).start(), "clamped at the contig start");
        assertEquals(2900, windows.get(7).start(), "clamped at the contig end");
        assertEquals(3, windows.get(7).region());
    }

    @Test
    void fastaRecordsBecomeWindowsPaddedWhenShort() throws IOException {
        Map<String, String> records = new java.util.LinkedHashMap<>();
        records.put("peak1", Fixtures.randomGenome(1, 200).get("contig1"));
        records.put("peak2", Fixtures.randomGenome(2, 150).get("contig1"));
        Path fasta = Fixtures.writeFasta(dir.resolve("peaks.fa"), records);
        Path out = dir.resolve("out");
        Fixtures.Run run = Fixtures.tokenize("--reference", fasta.toString(), "--fasta-records", "--kmer", "6",
                "--window", "195", "--output", out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(Files.notExists(dir.resolve("peaks.fa.fai")), "record mode needs no index");
        ShardContents contents = ShardContents.read(out);
        assertEquals(2, contents.windows().size());
        assertArrayEquals(naiveTokens(records.get("peak1"), 6, 1, 195), contents.windows().get(0).tokens());
        ShardContents.Window padded = contents.windows().get(1);
        assertEquals("peak2", padded.contig());
        assertEquals(150, padded.end());
        assertArrayEquals(naiveTokens(records.get("peak2"), 6, 1, 195), padded.tokens());
        assertEquals(KmerVocabulary.PAD, padded.tokens()[194]);
        assertEquals("none", contents.manifest().assembly());
    }

    @Test
    void threadCountDoesNotChangeTheShards() throws IOException {
        // Stride 1 over 30 kb makes several chunks per contig (at most 4096 windows each).
        Map<String, String> genome = Fixtures.randomGenome(99, 30_000, 12_000, 9_000);
        Path fasta = Fixtures.writeFasta(dir.resolve("g.fa"), genome);
        byte[] reference = null;
        for (int threads : new int[] {1, 2, 3}) {
            Path out = dir.resolve("t" + threads);
            Fixtures.Run run = Fixtures.tokenize("--reference", fasta.toString(), "--kmer", "6", "--window", "64",
                    "--stride", "1", "--reverse-complement", "--threads", "" + threads, "--windows-per-shard", "30000",
                    "--output", out.toString(), "--quiet");
            assertEquals(0, run.exitCode(), run.stderr());
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (Path shard : org.regbert.shards.ShardSet.list(out)) {
                try (var zip = new java.util.zip.ZipFile(shard.toFile())) {
                    for (String name : List.of("tokens.npy", "start.npy", "strand.npy")) {
                        all.write(zip.getInputStream(zip.getEntry(name)).readAllBytes());
                    }
                }
            }
            if (reference == null) {
                reference = all.toByteArray();
                long windows = genome.values().stream().mapToLong(s -> 2 * (s.length() - 69 + 1)).sum();
                assertEquals(windows, ShardContents.read(out).windows().size());
            } else {
                assertArrayEquals(reference, all.toByteArray(), threads + " threads");
            }
        }
    }
}
