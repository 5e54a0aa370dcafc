package org.regbert.epigenome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.BadInputException;

/** Each way epigenome inputs go wrong: a {@link BadInputException} whose message names the file and line. */
class BadInputTest {
    @TempDir
    Path dir;

    private static ReferenceContigs reference() {
        Map<String, Long> lengths = new LinkedHashMap<>();
        lengths.put("chr1", 10_000L);
        lengths.put("chr2", 5_000L);
        return ReferenceContigs.of(lengths, Map.of());
    }

    private BadInputException refused(EpigenomeLoader loader, Path... files) {
        return assertThrows(BadInputException.class,
                () -> loader.load(java.util.Arrays.stream(files).map(TrackSpec::of).toList()));
    }

    private BadInputException refused(Path... files) {
        return refused(EpigenomeLoader.builder(reference()).build(), files);
    }

    private static void assertMessage(BadInputException e, String start, String... contains) {
        assertTrue(e.getMessage().startsWith(start), "expected a message starting '" + start + "' but got: " + e.getMessage());
        for (String part : contains) {
            assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
        }
    }

    private Path segments(String name, String text) throws IOException {
        return Fixtures.write(dir.resolve(name), text);
    }

    @Test
    void malformedLine() throws IOException {
        Path file = segments("A_2_segments.bed", "chr1\t0\t200\tE1\nchr1\t200\t400\n");
        BadInputException e = refused(file);
        assertMessage(e, file + ":2: expected at least 4 tab-separated columns (chrom, start, end, state)", "found 3");
        assertEquals(2, e.line());
        assertEquals(file, e.file());
    }

    @Test
    void nonNumericCoordinates() throws IOException {
        Path file = segments("A_2_segments.bed", "chr1\t0\t200\tE1\nchr1\t2e2\t400\tE2\n");
        assertMessage(refused(file), file + ":2: start (column 2) must be an integer, found '2e2'");
        Path peaks = Fixtures.write(dir.resolve("p.narrowPeak"), "chr1\t10\t20\tp\t0\t.\thigh\t1\t1\t5\n");
        assertMessage(refused(peaks), peaks + ":1: signalValue (column 7) must be a number, found 'high'");
    }

    @Test
    void startAfterEnd() throws IOException {
        Path file = segments("A_2_segments.bed", "chr1\t0\t200\tE1\nchr1\t500\t400\tE2\n");
        assertMessage(refused(file), file + ":2: start 500 is greater than end 400");
    }

    @Test
    void unknownContig() throws IOException {
        Path file = segments("A_2_segments.bed", "chr1\t0\t200\tE1\nchrZ\t0\t400\tE2\n");
        assertMessage(refused(file), file + ":2: contig 'chrZ' is not in the reference (contigs: chr1, chr2)");
        Path numeric = segments("B_2_segments.bed", "1\t0\t200\tE1\n");
        assertMessage(refused(numeric), numeric + ":1: contig '1' is not in the reference, which calls it 'chr1';"
                + " pass --contig-alias 1=chr1");
    }

    @Test
    void unknownContigsMayBeSkippedButNotMisspelledOnes() throws IOException {
        Path file = segments("A_2_segments.bed", "chr1\t0\t200\tE1\nchrZ\t0\t400\tE2\nchrZ\t400\t600\tE1\nchr1\t200\t400\tE2\n");
        EpigenomeTracks tracks = EpigenomeLoader.builder(reference()).skipUnknownContigs(true).build()
                .load(List.of(TrackSpec.of(file)));
        assertEquals(Map.of(file, 2L), tracks.skippedLines());
        assertEquals(tracks.vocabulary().id("E2"), tracks.track(0).stateAt("chr1", 300));
        // The same through a resolver that skips missing contigs itself.
        ReferenceContigs skipping = new ReferenceContigs(Map.of("chr1", 10_000L, "chr2", 5_000L),
                new org.regbert.genome.ContigResolver(List.of("chr1", "chr2"), Map.of(), true), null);
        EpigenomeTracks viaResolver = EpigenomeLoader.builder(skipping).build().load(List.of(TrackSpec.of(file)));
        assertEquals(Map.of(file, 2L), viaResolver.skippedLines());
        assertEquals(tracks.vocabulary().id("E2"), viaResolver.track(0).stateAt("chr1", 300));
        Path numeric = segments("B_2_segments.bed", "chr1\t0\t200\tE1\n2\t0\t200\tE2\n");
        assertMessage(refused(EpigenomeLoader.builder(reference()).skipUnknownContigs(true).build(), numeric),
                numeric + ":2: contig '2' is not in the reference, which calls it 'chr2'");
    }

    @Test
    void pastContigEndNamesTheAssemblies() throws IOException {
        ReferenceContigs hg18 = Fixtures.hg18Chr11();
        long hg19Chr11 = Fixtures.chromSize("hg19", "chr11");
        Path file = segments("A_10_segments.bed", "chr11\t0\t200\tE1\nchr11\t134452000\t" + (hg19Chr11 - 500) + "\tE2\n");
        assertMessage(refused(EpigenomeLoader.builder(hg18).build(), file),
                file + ":2: interval chr11:134452000-" + (hg19Chr11 - 500) + " runs past the end of contig 'chr11' (length "
                        + Fixtures.chromSize("hg18", "chr11") + " in the reference)",
                "chr11 is long enough in hg19 (" + hg19Chr11 + " bp)", "another assembly than the reference (hg18)");
    }

    @Test
    void overlappingSegments() throws IOException {
        Path file = segments("A_2_segments.bed", "chr2\t0\t100\tE2\nchr1\t100\t400\tE1\nchr1\t300\t500\tE2\n");
        assertMessage(refused(file), file + ":3: segment chr1:300-500 overlaps segment chr1:100-400 (line 2)");
        Path unsorted = segments("B_2_segments.bed", "chr1\t300\t500\tE2\nchr1\t0\t100\tE2\nchr1\t100\t400\tE1\n");
        assertMessage(refused(unsorted), unsorted + ":1: segment chr1:300-500 overlaps segment chr1:100-400 (line 3)");
    }

    @Test
    void stateNamesDisagreeBetweenCellTypes() throws IOException {
        Path a = segments("A_2_segments.bed", "chr1\t0\t200\tE1\nchr1\t200\t400\tE2\n");
        Path b = segments("B_2_dense.bed", "chr1\t0\t200\t1_TssA\t0\t.\t0\t200\t255,0,0\n"
                + "chr1\t200\t400\t2_TssAFlnk\t0\t.\t200\t400\t255,69,0\n");
        assertMessage(refused(a, b), b + ": state names disagree between cell types: " + a + " (A) has 2 states [E1, E2], "
                + b + " (B) has 2 states [1_TssA, 2_TssAFlnk]");
        Path model = Fixtures.write(dir.resolve("model_2.txt"), "2\t3\tE\t-5.0\t200\n");
        assertMessage(refused(EpigenomeLoader.builder(reference()).model(model).build(), a, b), b + ":1: state names"
                + " disagree between cell types: state 1 of model_2.txt is 'E1' in " + a + " (A, line 1) but '1_TssA' in "
                + b + " (B)");
        Path c = segments("C_3_segments.bed", "chr1\t0\t200\tE1\nchr1\t200\t400\tE3\n");
        assertMessage(refused(EpigenomeLoader.builder(reference()).model(model).build(), c),
                c + ":2: state 'E3' is not in the 2-state ChromHMM model");
    }

    @Test
    void tooManyStatesOrTwoNamesForOneState() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 256; i++) {
            text.append("chr1\t").append(i * 10).append('\t').append(i * 10 + 10).append("\tE").append(i + 1).append('\n');
        }
        Path many = segments("A_256_segments.bed", text.toString());
        assertMessage(refused(many), many + ":256: more than 255 different states (at 'E256')");
        Path mixed = segments("B_2_segments.bed", "chr1\t0\t200\tE1\nchr1\t200\t400\tE2\nchr1\t400\t600\t1_TssA\n");
        assertMessage(refused(mixed), mixed + ":3: states 'E1' (line 1) and '1_TssA' both have state number 1");
    }

    @Test
    void emptyFiles() throws IOException {
        Path segmentsFile = segments("A_2_segments.bed", "");
        assertMessage(refused(segmentsFile), segmentsFile + ": no segments (empty file");
        Path dense = segments("E001_15_coreMarks_dense.bed.gz", "track name=\"E001\" itemRgb=\"On\"\n");
        assertMessage(refused(dense), dense + ": no segments (empty file, or only track lines");
        Path unnamed = segments("mystery.txt", "");
        assertMessage(refused(unnamed), unnamed + ": no records (empty file");
        Path peaks = segments("x.narrowPeak", "# nothing\n");
        assertMessage(refused(peaks), peaks + ": no peaks (empty file");
        Path binary = segments("A_chr1_binary.txt", "");
        assertMessage(refused(binary), binary + ": empty file: expected a ChromHMM binarized file");
        Path metadata = segments("metadata.tsv", "");
        assertMessage(assertThrows(BadInputException.class, () -> EncodeMetadata.read(metadata)),
                metadata + ": empty file: expected ENCODE metadata.tsv");
    }

    @Test
    void wrongAssemblyByMetadata() throws IOException {
        Path metadata = Fixtures.write(dir.resolve("metadata.tsv"), "File accession\tBiosample term name\tFile assembly\n"
                + "ENCFF100XYZ\tA549\tGRCh38\n");
        Path file = Fixtures.write(dir.resolve("ENCFF100XYZ.bed"), "chr1\t10\t20\n");
        ReferenceContigs hg19 = new ReferenceContigs(Map.of("chr1", 10_000L),
                new org.regbert.genome.ContigResolver(List.of("chr1"), Map.of()), "GRCh37");
        assertMessage(refused(EpigenomeLoader.builder(hg19).metadata(metadata).build(), file),
                file + ": wrong assembly: " + metadata + " (line 2) gives File assembly GRCh38");
    }

    @Test
    void malformedMetadata() throws IOException {
        Path noColumn = Fixtures.write(dir.resolve("m1.tsv"), "Accession\tBiosample term name\nENCFF100XYZ\tA549\n");
        assertMessage(assertThrows(BadInputException.class, () -> EncodeMetadata.read(noColumn)),
                noColumn + ":1: no 'File accession' column");
        Path ragged = Fixtures.write(dir.resolve("m2.tsv"), "File accession\tBiosample term name\nENCFF100XYZ\n");
        assertMessage(assertThrows(BadInputException.class, () -> EncodeMetadata.read(ragged)),
                ragged + ":2: expected 2 tab-separated columns as in the header, found 1");
    }

    @Test
    void expandedLinesNeedTwelveColumns() throws IOException {
        Path file = segments("E002_15_coreMarks_expanded.bed", "chr1\t0\t400\t1_TssA\t0\t.\t0\t400\t255,0,0\n");
        assertMessage(refused(file), file + ":1: expected 12 columns (BED12");
        Path blocks = segments("E003_15_coreMarks_expanded.bed",
                "chr1\t0\t400\t1_TssA\t0\t.\t0\t400\t255,0,0\t2\t0,100\t0\n");
        assertMessage(refused(blocks), blocks + ":1: blockStarts (column 12) has 1 values, blockCount says 2");
    }

    @Test
    void oneTrackNameTwiceAndMixedKinds() throws IOException {
        Path a = segments("A_2_segments.bed", "chr1\t0\t200\tE1\nchr1\t200\t400\tE2\n");
        Path b = segments("b.bed", "chr1\t0\t200\tE2\nchr1\t200\t400\tE1\n");
        BadInputException twice = assertThrows(BadInputException.class, () -> EpigenomeLoader.builder(reference()).build()
                .load(List.of(TrackSpec.of(a), TrackSpec.parse(b + ":A"))));
        assertMessage(twice, b + ": track 'A' is given twice: " + a + " and " + b + " both have contig chr1");
        Path peaks = segments("A.narrowPeak", "chr1\t10\t20\tp\t0\t.\t3.5\t1\t1\t5\n");
        assertMessage(refused(a, peaks), peaks + ": cannot load ENCODE narrowPeak with ChromHMM segmentation");
    }
}
