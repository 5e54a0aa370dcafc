package org.regbert.motifs;

import org.regbert.shards.Half;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.regbert.genome.ReferenceGenome;

class MotifScannerTest {
    private static final List<Motif> KIT = MotifReader.read(TestData.jaspar());
    /** Float sums of tables vs the naive double sums: both are within a few float ulps of exact. */
    private static final float TOLERANCE = 1e-4f;

    @Test
    void equalsTheNaiveScannerOnRandomSequences() {
        Random random = new Random(20240101);
        List<PositionWeightMatrix> pwms = PositionWeightMatrix.of(KIT, new Background(0.3, 0.2, 0.2, 0.3), 0.8);
        int[] lengths = {1000, 333, 37, 20, 5, 0};
        ScanOptions[] options = {ScanOptions.max(10), ScanOptions.max(1), ScanOptions.max(7), ScanOptions.sumTop(10, 3),
            new ScanOptions(4, 1, false), new ScanOptions(3, 5, false), ScanOptions.max(50)};
        for (ScanOptions option : options) {
            MotifScanner scanner = new MotifScanner(pwms, option);
            List<byte[]> windows = new ArrayList<>();
            for (int length : lengths) {
                windows.add(RandomBases.of(random, length, 0.02));
            }
            float[] all = scanner.scanAll(windows, 2);
            for (int w = 0; w < windows.size(); w++) {
                float[] expected = NaiveScanner.scan(windows.get(w), pwms, option);
                assertClose(expected, scanner.scan(windows.get(w)), option + " window " + w);
                assertArrayEquals(scanner.scan(windows.get(w)), Arrays.copyOfRange(all,
                        w * scanner.cellsPerWindow(), (w + 1) * scanner.cellsPerWindow()), 0f);
            }
        }
    }

    @Test
    void manySmallWindowsInOneCallMatchOneByOne() {
        Random random = new Random(99);
        List<PositionWeightMatrix> pwms = PositionWeightMatrix.of(KIT.subList(100, 160), Background.uniform(), 0.8);
        MotifScanner scanner = new MotifScanner(pwms, ScanOptions.max(3));
        List<byte[]> windows = new ArrayList<>();
        for (int w = 0; w < 700; w++) {
            windows.add(RandomBases.of(random, random.nextInt(150), 0.05));
        }
        for (int threads : new int[] {1, 2, 3}) {
            float[] all = scanner.scanAll(windows, threads);
            int cells = scanner.cellsPerWindow();
            for (int w = 0; w < windows.size(); w++) {
                float[] one = Arrays.copyOfRange(all, w * cells, (w + 1) * cells);
                assertArrayEquals(scanner.scan(windows.get(w)), one, 0f, "window " + w);
                if (w % 70 == 0) {
                    assertClose(NaiveScanner.scan(windows.get(w), pwms, scanner.options()), one, "window " + w);
                }
            }
        }
    }

    @Test
    void equalsTheNaiveScannerOnOneMegabaseOfChr20() {
        byte[] region;
        try (ReferenceGenome genome = ReferenceGenome.open(TestData.chr20())) {
            region = genome.fetch("20", 30_000_000, 31_000_000);
        }
        List<PositionWeightMatrix> pwms = PositionWeightMatrix.of(KIT, Background.fromBases(region).symmetrized(),
                PositionWeightMatrix.DEFAULT_PSEUDOCOUNT);
        MotifScanner scanner = new MotifScanner(pwms, ScanOptions.DEFAULT);
        int window = 1000;
        int count = region.length / window;
        int[] offsets = new int[count];
        int[] lengths = new int[count];
        for (int w = 0; w < count; w++) {
            offsets[w] = w * window;
            lengths[w] = window;
        }
        float[] matrix = scanner.scanAll(region, offsets, lengths, 2);
        assertEquals(count * 838 * 10, matrix.length);
        int cells = scanner.cellsPerWindow();
        int compared = 0;
        for (int w = 0; w < count; w += 50) {
            byte[] bases = Arrays.copyOfRange(region, offsets[w], offsets[w] + window);
            assertClose(NaiveScanner.scan(bases, pwms, ScanOptions.DEFAULT),
                    Arrays.copyOfRange(matrix, w * cells, (w + 1) * cells), "chr20 window " + w);
            compared++;
        }
        assertEquals(20, compared);
        // Every cell is a real score: between the floor and the motif's best.
        for (int w = 0; w < count; w++) {
            for (int t = 0; t < pwms.size(); t++) {
                for (int r = 0; r < 10; r++) {
                    float value = matrix[w * cells + t * 10 + r];
                    assertTrue(value >= scanner.floor(t) && value <= pwms.get(t).maxScore() + TOLERANCE);
                }
            }
        }
    }

    @Test
    void bothStrandsGiveTheSameWindowMaximumOnTheReverseComplement() {
        Random random = new Random(3);
        List<PositionWeightMatrix> pwms = PositionWeightMatrix.of(KIT, Background.uniform(), 0.8);
        MotifScanner scanner = new MotifScanner(pwms, ScanOptions.max(1));
        for (int trial = 0; trial < 5; trial++) {
            byte[] sequence = RandomBases.of(random, 400, 0.01);
            assertClose(scanner.scan(sequence), scanner.scan(Bases.reverseComplement(sequence)), "trial " + trial);
        }
        // Forward-only scanning of the reverse complement with the reverse-complement matrices
        // equals forward-only scanning of the sequence with the forward matrices.
        List<PositionWeightMatrix> rc = pwms.stream().map(PositionWeightMatrix::reverseComplement).toList();
        MotifScanner forward = new MotifScanner(pwms, new ScanOptions(1, 1, false));
        MotifScanner reverse = new MotifScanner(rc, new ScanOptions(1, 1, false));
        byte[] sequence = RandomBases.of(random, 600, 0.0);
        assertClose(forward.scan(sequence), reverse.scan(Bases.reverseComplement(sequence)), "single strand");
    }

    @Test
    void aSiteBelongsToTheRegionOfItsFirstBase() {
        Motif ctcf = KIT.stream().filter(m -> m.id().startsWith("MA0139.1")).findFirst().orElseThrow();
        PositionWeightMatrix pwm = PositionWeightMatrix.of(ctcf);
        MotifScanner scanner = new MotifScanner(List.of(pwm), ScanOptions.max(4));
        byte[] consensus = ctcf.consensus().getBytes(StandardCharsets.US_ASCII);
        // W = 103, R = 4: regions [0,25) [25,51) [51,77) [77,103).
        for (int start : new int[] {0, 24, 25, 40, 50, 51, 76, 77, 103 - consensus.length}) {
            byte[] window = new byte[103];
            Arrays.fill(window, (byte) 'N');
            System.arraycopy(consensus, 0, window, start, consensus.length);
            float[] scores = scanner.scan(window);
            int expectedRegion = start < 25 ? 0 : start < 51 ? 1 : start < 77 ? 2 : 3;
            for (int r = 0; r < 4; r++) {
                float expected = (float) (r == expectedRegion ? pwm.maxScore() : pwm.minScore());
                assertEquals(expected, scores[r], TOLERANCE, "site at " + start + ", region " + r);
            }
        }
        // An N inside the site removes it; a site cut by the window's end does not exist.
        byte[] window = new byte[60];
        Arrays.fill(window, (byte) 'N');
        System.arraycopy(consensus, 0, window, 5, consensus.length);
        window[10] = 'N';
        System.arraycopy(consensus, 0, window, 50, 10);
        assertArrayEquals(new float[] {scanner.floor(0), scanner.floor(0), scanner.floor(0), scanner.floor(0)},
                scanner.scan(window), 0f);
        // Lower case (soft-masked repeats) scores as upper case.
        byte[] lower = ctcf.consensus().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        assertEquals(pwm.maxScore(), scanner.scan(lower)[0], TOLERANCE);
    }

    @Test
    void regionsTileTheWindowAsDocumented() {
        for (int regions = 1; regions <= 12; regions++) {
            ScanOptions options = ScanOptions.max(regions);
            for (int length = 1; length <= 150; length++) {
                assertEquals(0, options.regionStart(0, length));
                assertEquals(length, options.regionStart(regions, length));
                for (int p = 0; p < length; p++) {
                    int r = options.regionOf(p, length);
                    assertTrue(r * length / regions <= p && p < (r + 1) * length / regions,
                            "base " + p + " of " + length + " in region " + r + " of " + regions);
                }
            }
        }
    }

    @Test
    void topNSumsTheBestPlacements() {
        Motif motif = new Motif("toy", "toy", List.of(), new double[][] {{9, 1, 1, 1}, {1, 9, 1, 1}, {1, 1, 9, 1}});
        PositionWeightMatrix pwm = PositionWeightMatrix.of(motif);
        MotifScanner top2 = new MotifScanner(List.of(pwm), new ScanOptions(1, 2, false));
        byte[] sequence = "ACGTTACGTTACCTT".getBytes(StandardCharsets.US_ASCII);
        double[] scores = new double[sequence.length - 2];
        for (int p = 0; p < scores.length; p++) {
            scores[p] = pwm.score(sequence, p);
        }
        Arrays.sort(scores);
        double expected = scores[scores.length - 1] + scores[scores.length - 2];
        assertEquals(2 * pwm.maxScore(), expected, 1e-9, "two exact ACG sites");
        assertEquals(expected, top2.scan(sequence)[0], TOLERANCE);
        // Fewer placements than n: the sum of those there are.
        assertEquals(pwm.maxScore(), new MotifScanner(List.of(pwm), new ScanOptions(1, 5, false))
                .scan("ACG".getBytes(StandardCharsets.US_ASCII))[0], TOLERANCE);
    }

    @Test
    void outputEncodesAsLittleEndianFloat16() {
        List<PositionWeightMatrix> pwms = PositionWeightMatrix.of(KIT.subList(0, 30), Background.uniform(), 0.8);
        MotifScanner scanner = new MotifScanner(pwms, ScanOptions.DEFAULT);
        float[] matrix = scanner.scan(RandomBases.of(new Random(5), 500, 0));
        ByteBuffer half = Half.toLittleEndian(matrix);
        assertEquals(matrix.length * 2, half.remaining());
        half.order(ByteOrder.LITTLE_ENDIAN);
        for (float value : matrix) {
            float decoded = Half.toFloat(half.getShort());
            // float16 keeps 11 significant bits: relative error at most 2^-11.
            assertEquals(value, decoded, Math.abs(value) * 0x1p-11f + 1e-7f);
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > TOLERANCE * Math.max(1, Math.abs(expected[i]))) {
                throw new AssertionError(what + ": cell " + i + " expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }
}
