package org.regbert.epigenome;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.BadInputException;

/** ENCODE narrowPeak, broadPeak and BED3+ peaks as open/closed and as signal quantiles, named through metadata.tsv. */
class PeakTest {
    private static final long LENGTH = 200_000;

    @TempDir
    Path dir;

    private static ReferenceContigs reference() {
        return ReferenceContigs.of(Map.of("chr5", LENGTH, "chr6", 5_000L), Map.of());
    }

    record Peak(long start, long end, double signal) {
    }

    /** Random, often overlapping, unsorted peaks on chr5. */
    static List<Peak> peaks(long seed, int count) {
        Random random = new Random(seed);
        List<Peak> peaks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long start = random.nextInt((int) LENGTH - 2000);
            peaks.add(new Peak(start, start + 50 + random.nextInt(1500), Math.round(random.nextDouble() * 400) / 4.0));
        }
        return peaks;
    }

    static String narrowPeak(List<Peak> peaks) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < peaks.size(); i++) {
            Peak p = peaks.get(i);
            text.append("chr5\t").append(p.start()).append('\t').append(p.end()).append("\tpeak").append(i)
                    .append("\t1000\t.\t").append(p.signal()).append("\t-1\t4.5\t").append((p.end() - p.start()) / 2)
                    .append('\n');
        }
        return text.toString();
    }

    static String broadPeak(List<Peak> peaks) {
        StringBuilder text = new StringBuilder("track type=broadPeak name=\"test\"\n");
        for (Peak p : peaks) {
            text.append("chr5\t").append(p.start()).append('\t').append(p.end()).append("\t.\t0\t.\t").append(p.signal())
                    .append("\t12.5\t-1\n");
        }
        return text.toString();
    }

    /** Expected level per position: 1 + floor(q * peaks with lower signal / peaks), max over covering peaks. */
    static int expectedLevel(List<Peak> peaks, long position, int q) {
        double[] sorted = peaks.stream().mapToDouble(Peak::signal).sorted().toArray();
        int best = 0;
        for (Peak p : peaks) {
            if (p.start() <= position && position < p.end()) {
                int below = 0;
                while (below < sorted.length && sorted[below] < p.signal()) {
                    below++;
                }
                best = Math.max(best, Math.min(q, 1 + q * below / sorted.length));
            }
        }
        return best;
    }

    @Test
    void narrowPeaksOpenClosedIsTheUnionOfPeaks() throws IOException {
        List<Peak> peaks = peaks(1, 120);
        Path file = Fixtures.write(dir.resolve("K562.narrowPeak.gz"), narrowPeak(peaks));
        EpigenomeTracks tracks = EpigenomeLoader.builder(reference()).build().load(List.of(TrackSpec.of(file)));
        assertEquals(List.of("K562"), tracks.names());
        assertEquals(List.of("none", "closed", "open"), tracks.vocabulary().names());
        int open = tracks.vocabulary().id("open");
        int closed = tracks.vocabulary().id("closed");
        for (long position = 0; position < LENGTH; position += 7) {
            boolean inPeak = expectedLevel(peaks, position, 1) > 0;
            assertEquals(inPeak ? open : closed, tracks.track(0).stateAt("chr5", position), "position " + position);
        }
        assertEquals(closed, tracks.track(0).stateAt("chr6", 10), "a contig without peaks is closed");
        assertEquals(StateVocabulary.NONE, tracks.track(0).stateAt("chr6", 5_000), "outside the contig: none");
    }

    @Test
    void broadPeakQuantilesTakeTheHighestLevelWhereTheyOverlap() throws IOException {
        List<Peak> peaks = peaks(2, 200);
        Path file = Fixtures.write(dir.resolve("HepG2.broadPeak"), broadPeak(peaks));
        int q = 4;
        EpigenomeTracks tracks = EpigenomeLoader.builder(reference()).peakLevels(PeakLevels.quantiles(q)).build()
                .load(List.of(TrackSpec.of(file)));
        assertEquals(List.of("none", "closed", "Q1", "Q2", "Q3", "Q4"), tracks.vocabulary().names());
        int overlapsChecked = 0;
        for (long position = 0; position < LENGTH; position += 5) {
            int level = expectedLevel(peaks, position, q);
            int expected = level == 0 ? tracks.vocabulary().id("closed") : tracks.vocabulary().id("Q" + level);
            assertEquals(expected, tracks.track(0).stateAt("chr5", position), "position " + position);
            long at = position;
            long covering = peaks.stream().filter(p -> p.start() <= at && at < p.end()).count();
            overlapsChecked += covering > 1 ? 1 : 0;
        }
        assertTrue(overlapsChecked > 100, "overlapping peaks were exercised: " + overlapsChecked);
        int[] perLevel = new int[q + 1];
        double[] sorted = peaks.stream().mapToDouble(Peak::signal).sorted().toArray();
        for (Peak p : peaks) {
            perLevel[levelOf(sorted, p.signal(), q)]++;
        }
        for (int level = 1; level <= q; level++) {
            assertTrue(Math.abs(perLevel[level] - peaks.size() / q) <= peaks.size() / 10,
                    "levels hold about equal numbers of peaks: " + Arrays.toString(perLevel));
        }
    }

    private static int levelOf(double[] sorted, double signal, int q) {
        int below = 0;
        while (below < sorted.length && sorted[below] < signal) {
            below++;
        }
        return Math.min(q, 1 + q * below / sorted.length);
    }

    @Test
    void peakTokensUseTheMajorityOfTheirBases() throws IOException {
        Path file = Fixtures.write(dir.resolve("x.bed"), "chr5\t100\t103\nchr5\t102\t110\n");
        assertEquals(TrackFormat.BED_PEAKS, FormatDetector.detect(file));
        EpigenomeTracks tracks = EpigenomeLoader.builder(reference()).build().load(List.of(TrackSpec.parse(file + ":HeLa")));
        byte closed = (byte) tracks.vocabulary().id("closed");
        byte open = (byte) tracks.vocabulary().id("open");
        byte[] out = new byte[6];
        // 4-mers starting at 95..105 step 2: 95 [95,99) closed; 97 [97,101) 3 closed; 99 [99,103) 1 closed 3 open;
        // 101 open; 103 open; 105 [105,109) open.
        tracks.fill(0, "chr5", 95, 6, 2, 4, 1, 0, out, 0);
        assertArrayEquals(new byte[] {closed, closed, open, open, open, open}, out);
        // 4-mers at 106..: [106,110) open, [107,111) 3 open, [108,112) 2-2 tie: first base (108) open, [109,113) closed.
        tracks.fill(0, "chr5", 106, 4, 1, 4, 1, 0, out, 0);
        assertArrayEquals(new byte[] {open, open, open, closed}, Arrays.copyOf(out, 4));
    }

    @Test
    void encodeAccessionsTakeCellTypeAndAssemblyFromMetadata() throws IOException {
        Path metadata = Fixtures.write(dir.resolve("metadata.tsv"), String.join("\t", "File accession", "File format",
                "File type", "Output type", "Experiment accession", "Assay", "Biosample term name", "Experiment target",
                "File assembly") + "\n"
                + String.join("\t", "ENCFF001AAA", "bed narrowPeak", "bed", "conservative IDR thresholded peaks",
                        "ENCSR000AAA", "DNase-seq", "GM12878", "", "GRCh38") + "\n"
                + String.join("\t", "ENCFF002BBB", "bed broadPeak", "bed", "replicated peaks", "ENCSR000BBB",
                        "Histone ChIP-seq", "K562", "H3K27ac-human", "GRCh38") + "\n"
                + String.join("\t", "ENCFF003CCC", "bed narrowPeak", "bed", "pseudoreplicated peaks", "ENCSR000CCC",
                        "DNase-seq", "HepG2", "", "hg19") + "\n");
        EncodeMetadata table = EncodeMetadata.read(metadata);
        assertEquals(List.of("ENCFF001AAA", "ENCFF002BBB", "ENCFF003CCC"), table.accessions());
        assertEquals("H3K27ac-human", table.entry("ENCFF002BBB").target());
        assertEquals(null, table.entry("ENCFF001AAA").target());
        Path a = Fixtures.write(dir.resolve("ENCFF001AAA.bed.gz"), narrowPeak(peaks(3, 30)));
        Path b = Fixtures.write(dir.resolve("ENCFF002BBB.bed.gz"), broadPeak(peaks(4, 30)));
        assertEquals(TrackFormat.NARROW_PEAK, FormatDetector.detect(a, table.entryFor(a)));
        assertEquals(TrackFormat.BROAD_PEAK, FormatDetector.detect(b, table.entryFor(b)));

        ReferenceContigs grch38 = new ReferenceContigs(Map.of("chr5", LENGTH, "chr6", 5_000L),
                new org.regbert.genome.ContigResolver(List.of("chr5", "chr6"), Map.of()), "hg38");
        EpigenomeTracks tracks = EpigenomeLoader.builder(grch38).metadata(metadata).build()
                .load(List.of(TrackSpec.of(a), TrackSpec.of(b)));
        assertEquals(List.of("GM12878", "K562"), tracks.names());
        assertEquals(TrackFormat.BROAD_PEAK, tracks.track(1).format());

        Path c = Fixtures.write(dir.resolve("ENCFF003CCC.bed.gz"), narrowPeak(peaks(5, 30)));
        BadInputException wrong = assertThrows(BadInputException.class,
                () -> EpigenomeLoader.builder(grch38).metadata(metadata).build().load(List.of(TrackSpec.of(c))));
        assertEquals(c + ": wrong assembly: " + metadata + " (line 4) gives File assembly hg19 for ENCFF003CCC, but the"
                + " reference is hg38; use the hg38 file or lift this one over", wrong.getMessage());

        BadInputException unnamed = assertThrows(BadInputException.class,
                () -> EpigenomeLoader.builder(grch38).build().load(List.of(TrackSpec.of(a))));
        assertTrue(unnamed.getMessage().contains("named by ENCODE accession only"), unnamed.getMessage());
    }

    @Test
    void quantilesNeedASignalColumn() throws IOException {
        Path file = Fixtures.write(dir.resolve("x.bed"), "chr5\t100\t200\n");
        BadInputException e = assertThrows(BadInputException.class, () -> EpigenomeLoader.builder(reference())
                .peakLevels(PeakLevels.quantiles(3)).build().load(List.of(TrackSpec.of(file))));
        assertTrue(e.getMessage().startsWith(file + ": signal quantile levels need a signalValue column"), e.getMessage());
    }
}
