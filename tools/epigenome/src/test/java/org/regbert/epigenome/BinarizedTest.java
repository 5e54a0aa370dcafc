package org.regbert.epigenome;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.BadInputException;

/** ChromHMM binarized marks: the kit's real GM12878/K562 chr11 files, and small files with no-data bins. */
class BinarizedTest {
    @TempDir
    Path dir;

    @Test
    void realBinarizedFilesGiveOneTrackPerMark() throws IOException {
        List<String> lines = Fixtures.lines(Fixtures.binarized("GM12878"));
        String[] header = lines.get(0).split("\t");
        String[] marks = lines.get(1).split("\t");
        EpigenomeTracks tracks = EpigenomeLoader.builder(Fixtures.hg18Chr11()).build()
                .load(List.of(TrackSpec.of(Fixtures.binarized("GM12878")), TrackSpec.of(Fixtures.binarized("K562"))));
        List<String> expectedNames = new ArrayList<>();
        for (String cell : new String[] {header[0], "K562"}) {
            for (String mark : marks) {
                expectedNames.add(cell + "/" + mark);
            }
        }
        assertEquals(expectedNames, tracks.names(), "CELL/MARK in file and header order");
        assertEquals(List.of("none", "absent", "present"), tracks.vocabulary().names());
        assertEquals(marks[0], tracks.track(0).mark());
        assertEquals(header[0], tracks.track(0).cellType());

        int present = tracks.vocabulary().id("present");
        int absent = tracks.vocabulary().id("absent");
        int checkedPresent = 0;
        for (int row = 2; row < lines.size(); row += 37) {
            String[] values = lines.get(row).split("\t");
            long binStart = (long) (row - 2) * 200;
            for (int m = 0; m < marks.length; m++) {
                int expected = values[m].equals("1") ? present : absent;
                checkedPresent += expected == present ? 1 : 0;
                assertEquals(expected, tracks.track(m).stateAt(header[1], binStart + 17), "row " + (row + 1) + " " + marks[m]);
                assertEquals(expected, tracks.track(m).stateAt(header[1], binStart + 199), "row " + (row + 1) + " " + marks[m]);
            }
        }
        assertTrue(checkedPresent > 100, "the sample has marks present: " + checkedPresent);
        long lastBinEnd = (long) (lines.size() - 2) * 200;
        assertEquals(StateVocabulary.NONE, tracks.track(0).stateAt("chr11", lastBinEnd), "after the last bin: none");
    }

    @Test
    void noDataBinsArePartialLastBinsAndTokens() throws IOException {
        Path file = Fixtures.write(dir.resolve("HepG2_chrT_binary.txt"), "HepG2\tchrT\nH3K4me3\tCTCF\n"
                + "0\t1\n1\t1\n2\t0\n1\t2\n1\t1\n");
        ReferenceContigs reference = ReferenceContigs.of(Map.of("chrT", 950L), Map.of());
        EpigenomeTracks tracks = EpigenomeLoader.builder(reference).build().load(List.of(TrackSpec.of(file)));
        assertEquals(List.of("HepG2/H3K4me3", "HepG2/CTCF"), tracks.names());
        int none = 0;
        int absent = 1;
        int present = 2;
        int[][] expected = {{absent, present, none, present, present}, {present, present, absent, none, present}};
        for (int m = 0; m < 2; m++) {
            for (int bin = 0; bin < 5; bin++) {
                assertEquals(expected[m][bin], tracks.track(m).stateAt("chrT", bin * 200L + 100), "mark " + m + " bin " + bin);
            }
            assertEquals(expected[m][4], tracks.track(m).stateAt("chrT", 949), "partial last bin clipped to the contig");
        }
        // 6-mers into H3K4me3's no-data bin at 400: 5, 3 (a tie, won by the first base), 1 and 0 bases present.
        byte[] out = new byte[4];
        tracks.fill(0, "chrT", 395, 4, 2, 6, 1, 0, out, 0);
        assertArrayEquals(new byte[] {(byte) present, (byte) present, (byte) none, (byte) none}, out);
    }

    @Test
    void binsPastTheContigEndAreRefusedWithTheAssembly() throws IOException {
        Path file = Fixtures.write(dir.resolve("X_chr21_binary.txt"), "X\tchr21\nCTCF\n0\n1\n0\n");
        ReferenceContigs reference = ReferenceContigs.of(Map.of("chr21", 350L), Map.of());
        BadInputException e = assertThrows(BadInputException.class,
                () -> EpigenomeLoader.builder(reference).build().load(List.of(TrackSpec.of(file))));
        assertTrue(e.getMessage().startsWith(file + ":5: bin 2 (chr21:400-600 at 200 bp per bin) starts past the end of"
                + " contig 'chr21' (length 350"), e.getMessage());
    }

    @Test
    void malformedRowsAreRefused() throws IOException {
        Path file = Fixtures.write(dir.resolve("X_chr21_binary.txt"), "X\tchr21\nCTCF\tH3K4me1\n0\t1\n1 0\n");
        ReferenceContigs reference = ReferenceContigs.of(Map.of("chr21", 48_129_895L), Map.of());
        BadInputException e = assertThrows(BadInputException.class,
                () -> EpigenomeLoader.builder(reference).build().load(List.of(TrackSpec.of(file))));
        assertTrue(e.getMessage().startsWith(file + ":4: expected 2 tab-separated values 0, 1 or 2"), e.getMessage());
    }
}
