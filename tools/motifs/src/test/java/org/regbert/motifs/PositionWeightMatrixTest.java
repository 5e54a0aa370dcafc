package org.regbert.motifs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.regbert.common.BadInputException;

class PositionWeightMatrixTest {
    private static final List<Motif> KIT = MotifReader.read(TestData.jaspar());

    @Test
    void logOddsFollowTheDocumentedFormula() {
        Motif motif = new Motif("m", "m", List.of(), new double[][] {{10, 0, 0, 0}, {1, 2, 3, 4}});
        PositionWeightMatrix uniform = PositionWeightMatrix.of(motif);
        // p(A) = (10 + 0.8 * 0.25) / (10 + 0.8); score = log2(p / 0.25)
        assertEquals(log2((10 + 0.2) / 10.8 / 0.25), uniform.score(0, 0), 1e-12);
        assertEquals(log2((0 + 0.2) / 10.8 / 0.25), uniform.score(0, 1), 1e-12);
        assertEquals(log2((4 + 0.2) / 10.8 / 0.25), uniform.score(1, 3), 1e-12);
        assertEquals(PositionWeightMatrix.DEFAULT_PSEUDOCOUNT, uniform.pseudocount());

        Background gcRich = new Background(0.2, 0.3, 0.3, 0.2);
        PositionWeightMatrix skewed = PositionWeightMatrix.of(motif, gcRich, 2.0);
        assertEquals(log2((3 + 2.0 * 0.3) / 12.0 / 0.3), skewed.score(1, 2), 1e-12);
        assertEquals(log2((1 + 2.0 * 0.2) / 12.0 / 0.2), skewed.score(1, 0), 1e-12);
        // Against a GC-rich background a G is less surprising than against a uniform one.
        assertTrue(skewed.score(1, 2) < PositionWeightMatrix.of(motif, Background.uniform(), 2.0).score(1, 2));
    }

    @Test
    void everyKitMotifsConsensusScoresItsMaximum() {
        Random random = new Random(7);
        for (Motif motif : KIT) {
            PositionWeightMatrix pwm = PositionWeightMatrix.of(motif);
            byte[] consensus = motif.consensus().getBytes(StandardCharsets.US_ASCII);
            assertEquals(pwm.maxScore(), pwm.score(consensus, 0), 1e-9, motif.id());
            assertTrue(pwm.maxScore() > 0 && pwm.minScore() < 0, motif.id());
            for (int trial = 0; trial < 20; trial++) {
                double score = pwm.score(RandomBases.of(random, motif.length(), 0), 0);
                assertTrue(score <= pwm.maxScore() + 1e-9 && score >= pwm.minScore() - 1e-9, motif.id());
            }
        }
    }

    @Test
    void reverseComplementMatrixScoresTheOtherStrand() {
        Random random = new Random(11);
        for (Motif motif : KIT.subList(0, 200)) {
            PositionWeightMatrix pwm = PositionWeightMatrix.of(motif, new Background(0.3, 0.2, 0.2, 0.3), 0.8);
            PositionWeightMatrix rc = pwm.reverseComplement();
            assertTrue(rc.isReverseComplement());
            for (int trial = 0; trial < 10; trial++) {
                byte[] site = RandomBases.of(random, motif.length(), 0);
                assertEquals(pwm.score(site, 0), rc.score(Bases.reverseComplement(site), 0), 1e-9);
            }
            assertEquals(pwm.maxScore(), rc.maxScore(), 1e-9);
            double[][] twice = rc.reverseComplement().scores();
            for (int i = 0; i < motif.length(); i++) {
                assertArrayEquals(pwm.scores()[i], twice[i], 0);
            }
        }
    }

    @Test
    void invalidBasesAndCase() {
        PositionWeightMatrix pwm = PositionWeightMatrix.of(KIT.get(0));
        byte[] upper = "CACGTG".getBytes(StandardCharsets.US_ASCII);
        assertEquals(pwm.score(upper, 0), pwm.score("cacgtg".getBytes(StandardCharsets.US_ASCII), 0), 0);
        assertTrue(Double.isNaN(pwm.score("CACNTG".getBytes(StandardCharsets.US_ASCII), 0)));
        assertTrue(Double.isNaN(pwm.score("CACRTG".getBytes(StandardCharsets.US_ASCII), 0)));
        assertTrue(Double.isNaN(pwm.score(upper, 1)), "runs off the end");
    }

    @Test
    void frequencyMatricesWeighAsOneHundredSites() {
        double[][] counts = {{10, 20, 30, 40}, {97, 1, 1, 1}};
        double[][] frequencies = {{0.1, 0.2, 0.3, 0.4}, {0.97, 0.01, 0.01, 0.01}};
        PositionWeightMatrix fromCounts = PositionWeightMatrix.of(new Motif("c", "c", List.of(), counts));
        PositionWeightMatrix fromFrequencies = PositionWeightMatrix.of(new Motif("f", "f", List.of(), frequencies));
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(fromCounts.scores()[i], fromFrequencies.scores()[i], 1e-12);
        }
        // A one-site count matrix (columns of 0s and a 1) stays counts.
        Motif single = new Motif("s", "s", List.of(), new double[][] {{1, 0, 0, 0}});
        assertEquals(log2((1 + 0.2) / 1.8 / 0.25), PositionWeightMatrix.of(single).score(0, 0), 1e-12);
    }

    @Test
    void backgroundFromStreamedBases() {
        byte[] chunk1 = "AACCGGTTNNacgt".getBytes(StandardCharsets.US_ASCII);
        byte[] chunk2 = "GGGGRYCC".getBytes(StandardCharsets.US_ASCII);
        Background.Counter counter = new Background.Counter().add(chunk1).add(chunk2, 0, chunk2.length);
        assertEquals(3, counter.count(0));
        assertEquals(5, counter.count(1));
        assertEquals(7, counter.count(2));
        assertEquals(3, counter.count(3));
        assertEquals(18, counter.total());
        Background background = counter.background();
        assertEquals(4.0 / 22, background.a(), 1e-12);
        assertEquals(8.0 / 22, background.g(), 1e-12);
        Background symmetric = background.symmetrized();
        assertEquals(symmetric.a(), symmetric.t(), 1e-15);
        assertEquals((6.0 + 8.0) / 2 / 22, symmetric.c(), 1e-12);
        assertEquals(background, Background.fromBases(concat(chunk1, chunk2)));

        try (var genome = org.regbert.genome.ReferenceGenome.open(TestData.chr20())) {
            Background chr20 = Background.fromBases(genome.fetch("20", 30_000_000, 30_500_000));
            // Human DNA is AT-rich: about 40% GC, never uniform.
            double gc = chr20.c() + chr20.g();
            assertTrue(gc > 0.35 && gc < 0.5, "GC fraction " + gc);
        }
    }

    @Test
    void badParametersAreBadInput() {
        assertThrows(BadInputException.class, () -> PositionWeightMatrix.of(KIT.get(0), Background.uniform(), 0));
        assertThrows(BadInputException.class, () -> PositionWeightMatrix.of(KIT.get(0), Background.uniform(), -1));
        assertThrows(BadInputException.class, () -> new Background(0.5, 0.5, 0, 0));
        assertThrows(BadInputException.class, () -> new ScanOptions(0, 1, true));
        assertThrows(BadInputException.class, () -> new ScanOptions(10, 0, true));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
