package org.regbert.motifs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.regbert.genome.ReferenceGenome;

/** Biological sanity: motif scores separate real binding sites from background. */
class BiologyTest {
    private static final List<Motif> KIT = MotifReader.read(TestData.jaspar());

    /**
     * Constitutive DNase hypersensitive sites (open in at least 70 of 85 cell types) are often
     * CTCF-bound insulators: their best CTCF (MA0139.1) score should beat that of 150 bp a few
     * kilobases away, while a motif of a tissue-specific factor should separate them far less.
     */
    @Test
    void ctcfScoresHigherInConstitutiveDnaseSitesThanNearby() throws IOException {
        List<long[]> sites = constitutiveDhs(TestData.file("accessibility/uw-dhs-master.hg19.bed.gz"), 70);
        assertTrue(sites.size() > 500, "constitutive DHSs on chr20: " + sites.size());
        List<byte[]> open = new ArrayList<>();
        List<byte[]> nearby = new ArrayList<>();
        try (ReferenceGenome genome = ReferenceGenome.open(TestData.chr20())) {
            for (long[] site : sites) {
                long shift = 5_000;
                if (site[0] - shift < 0) {
                    continue;
                }
                open.add(genome.fetch("20", site[0], site[1]));
                nearby.add(genome.fetch("20", site[0] - shift, site[1] - shift));
            }
        }
        MotifScanner scanner = new MotifScanner(List.of(PositionWeightMatrix.of(byPrefix("MA0139.1")),
                PositionWeightMatrix.of(byPrefix("MA0496.3"))), ScanOptions.max(1));
        float[] openScores = scanner.scanAll(open, 2);
        float[] nearbyScores = scanner.scanAll(nearby, 2);
        double ctcfAuc = auc(column(openScores, 0, 2), column(nearbyScores, 0, 2));
        double mafkAuc = auc(column(openScores, 1, 2), column(nearbyScores, 1, 2));
        assertTrue(mean(column(openScores, 0, 2)) > mean(column(nearbyScores, 0, 2)) + 2, "CTCF mean score");
        assertTrue(ctcfAuc > 0.6, "CTCF AUC " + ctcfAuc);
        assertTrue(ctcfAuc > mafkAuc + 0.05, "CTCF " + ctcfAuc + " vs MAFK " + mafkAuc);
    }

    /**
     * janggu's sample: 200 bp under Oct4 ChIP-seq peaks (first half) and, by the kit's README, Mafk
     * peaks (second half). Ranking all 838 motifs by how well they separate the halves must put the Oct4 (POU)
     * family on top, with the Oct4-Sox2 dimer among the very best.
     */
    @Test
    void oct4PeaksAreFoundByThePouMotifsAmongAll838() throws IOException {
        List<byte[]> sequences = fasta(TestData.file("tfbs/janggu_sample.fa"));
        assertEquals(3897, sequences.size());
        int half = sequences.size() / 2;
        MotifScanner scanner = new MotifScanner(PositionWeightMatrix.of(KIT, Background.uniform(),
                PositionWeightMatrix.DEFAULT_PSEUDOCOUNT), ScanOptions.max(1));
        float[] scores = scanner.scanAll(sequences, 2);
        int motifs = KIT.size();
        double[] auc = new double[motifs];
        for (int t = 0; t < motifs; t++) {
            float[] column = column(scores, t, motifs);
            auc[t] = auc(Arrays.copyOfRange(column, 0, half), Arrays.copyOfRange(column, half, column.length));
        }
        Integer[] ranking = new Integer[motifs];
        for (int t = 0; t < motifs; t++) {
            ranking[t] = t;
        }
        Arrays.sort(ranking, (a, b) -> Double.compare(auc[b], auc[a]));
        Motif best = KIT.get(ranking[0]);
        assertTrue(best.name().toUpperCase(Locale.ROOT).contains("POU"), "best separating motif " + best);
        int dimer = KIT.indexOf(byPrefix("MA0142.1"));
        int rank = Arrays.asList(ranking).indexOf(dimer) + 1;
        assertTrue(rank <= 3, "Pou5f1::Sox2 ranks " + rank + " of 838");
        assertTrue(auc[dimer] > 0.58, "Pou5f1::Sox2 AUC " + auc[dimer]);
    }

    private static List<long[]> constitutiveDhs(Path bed, int minimumCellTypes) throws IOException {
        List<long[]> sites = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(bed), 1 << 16), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.startsWith("chr20\t")) {
                    continue;
                }
                String[] fields = line.split("\t");
                int cellTypes = Integer.parseInt(fields[3].substring(fields[3].indexOf('-') + 1));
                if (cellTypes >= minimumCellTypes) {
                    sites.add(new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[2])});
                }
            }
        }
        return sites;
    }

    private static List<byte[]> fasta(Path file) throws IOException {
        List<byte[]> sequences = new ArrayList<>();
        StringBuilder current = null;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(">")) {
                if (current != null) {
                    sequences.add(current.toString().getBytes(StandardCharsets.US_ASCII));
                }
                current = new StringBuilder();
            } else if (current != null) {
                current.append(line.strip());
            }
        }
        if (current != null) {
            sequences.add(current.toString().getBytes(StandardCharsets.US_ASCII));
        }
        return sequences;
    }

    private static Motif byPrefix(String prefix) {
        return KIT.stream().filter(m -> m.id().startsWith(prefix)).findFirst().orElseThrow();
    }

    private static float[] column(float[] matrix, int column, int width) {
        float[] values = new float[matrix.length / width];
        for (int i = 0; i < values.length; i++) {
            values[i] = matrix[i * width + column];
        }
        return values;
    }

    private static double mean(float[] values) {
        double sum = 0;
        for (float value : values) {
            sum += value;
        }
        return sum / values.length;
    }

    /** Probability that a random positive outscores a random negative (ties count half). */
    private static double auc(float[] positives, float[] negatives) {
        float[] sorted = negatives.clone();
        Arrays.sort(sorted);
        double wins = 0;
        for (float p : positives) {
            int below = lowerBound(sorted, p);
            int notAbove = lowerBound(sorted, Math.nextUp(p));
            wins += below + 0.5 * (notAbove - below);
        }
        return wins / ((double) positives.length * negatives.length);
    }

    /** Index of the first value >= key in sorted values. */
    private static int lowerBound(float[] sorted, float key) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] < key) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
