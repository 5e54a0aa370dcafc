package org.regbert.motifs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.BadInputException;

class MotifReaderTest {
    /** An invented 5-position matrix (not JASPAR data), as [position][A C G T]. */
    private static final double[][] TOY = {{10, 2, 3, 5}, {0, 20, 0, 0}, {1, 1, 17, 1}, {4, 4, 4, 8}, {19, 0, 0, 1}};

    @TempDir
    Path tmp;

    @Test
    void theKitFileParsesTo838MotifsWithTheirLengths() throws IOException {
        Path file = TestData.jaspar();
        List<Motif> motifs = MotifReader.read(file);
        assertEquals(MotifFormat.PFM, MotifFormat.detect(file, Files.readAllLines(file)));
        assertEquals(838, motifs.size());
        // Every line that is neither a header nor a comment is one position of one motif.
        long rows = Files.readAllLines(file).stream()
                .filter(l -> !l.isBlank() && !l.startsWith(">") && !l.startsWith("#")).count();
        assertEquals(rows, motifs.stream().mapToInt(Motif::length).sum());
        assertEquals(6, motifs.stream().mapToInt(Motif::length).min().orElseThrow());
        assertEquals(35, motifs.stream().mapToInt(Motif::length).max().orElseThrow());

        Motif first = motifs.get(0);
        assertEquals("MA0004.1_MA0004.1.Arnt", first.id());
        assertEquals("Arnt", first.name());
        assertEquals(6, first.length());
        Motif ctcf = byId(motifs, "MA0139.1_MA0139.1.CTCF");
        assertEquals("CTCF", ctcf.name());
        assertEquals(19, ctcf.length());
        // CTCF's well-known core consensus, CCACCAGGGGGCGC (CCGCGNGGNGGCAG on the other strand).
        assertTrue(ctcf.consensus().contains("CCACCAGGGGGCGC"), ctcf.consensus());
        assertEquals("Ahr::Arnt", byId(motifs, "MA0006.1_MA0006.1.Ahr::Arnt").name());
        for (Motif motif : motifs) {
            for (int i = 0; i < motif.length(); i++) {
                double total = 0;
                for (int b = 0; b < 4; b++) {
                    assertTrue(motif.count(i, b) >= 0);
                    total += motif.count(i, b);
                }
                assertTrue(total > 0, motif.id());
            }
        }
    }

    @Test
    void factorNamesComeFromMotif2Factors() {
        List<Motif> motifs = MotifReader.read(TestData.jaspar(), TestData.factors());
        assertEquals(List.of("Ahr", "Arnt"), byId(motifs, "MA0006.1_MA0006.1.Ahr::Arnt").factors());
        assertEquals(List.of("CTCF"), byId(motifs, "MA0139.1_MA0139.1.CTCF").factors());
        assertTrue(motifs.stream().allMatch(m -> !m.factors().isEmpty()), "every kit motif has a factor");
        Map<String, List<String>> table = MotifReader.readFactors(TestData.factors());
        assertEquals(838, table.size());
    }

    @Test
    void jasparFormatWithLettersAndBrackets() throws IOException {
        Path file = write("toy.jaspar", jaspar("MA9999.1", "TOY1", TOY, true) + "\n"
                + jaspar("MA9998.1", "TOY2", TOY, false));
        List<Motif> motifs = MotifReader.read(file);
        assertEquals(2, motifs.size());
        assertEquals("MA9999.1", motifs.get(0).id());
        assertEquals("TOY1", motifs.get(0).name());
        assertMatrix(TOY, motifs.get(0));
        assertMatrix(TOY, motifs.get(1));
        assertEquals("ACGTA", motifs.get(0).consensus());
        assertMatrix(TOY, MotifReader.read(file, MotifFormat.JASPAR).get(1));
    }

    @Test
    void jasparRowsMayComeInAnyLetterOrder() throws IOException {
        Path file = write("shuffled.jaspar", ">MA1 X\nT [ 1 2 ]\nA [ 3 4 ]\nG [ 5 6 ]\nC [ 7 8 ]\n");
        Motif motif = MotifReader.read(file).get(0);
        assertArrayEquals(new double[] {3, 7, 5, 1}, motif.counts()[0]);
        assertArrayEquals(new double[] {4, 8, 6, 2}, motif.counts()[1]);
    }

    @Test
    void transfacFormatWithShuffledColumnsAndAVersionBlock() throws IOException {
        StringBuilder text = new StringBuilder("VV  JASPAR export\nXX\n//\n");
        text.append(transfac("MA9999.1", "TOY1", TOY, "A C G T"));
        text.append("AC  MA9997.1\nXX\nID  REV\nXX\nP0      T      G      C      A\n");
        for (int i = 0; i < TOY.length; i++) {
            text.append(String.format("%02d %6.1f %6.1f %6.1f %6.1f N%n", i + 1, TOY[i][3], TOY[i][2], TOY[i][1],
                    TOY[i][0]));
        }
        text.append("XX\n//\n");
        Path file = write("toy.transfac", text.toString());
        List<Motif> motifs = MotifReader.read(file);
        assertEquals(2, motifs.size());
        assertEquals("MA9999.1", motifs.get(0).id());
        assertEquals("TOY1", motifs.get(0).name());
        assertMatrix(TOY, motifs.get(0));
        assertEquals("REV", motifs.get(1).name());
        assertMatrix(TOY, motifs.get(1));
    }

    @Test
    void theSameMatrixReadsAlikeInEveryFormatAndGzip() throws IOException {
        String pfm = pfm("MA9999.1_MA9999.1.TOY", TOY);
        Path gz = tmp.resolve("toy.pfm.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(pfm.getBytes(StandardCharsets.UTF_8));
        }
        for (Path file : List.of(write("toy.pfm", pfm), gz, write("a.jaspar", jaspar("MA9999.1", "TOY", TOY, true)),
                write("a.transfac", transfac("MA9999.1", "TOY", TOY, "A C G T")))) {
            Motif motif = MotifReader.read(file).get(0);
            assertMatrix(TOY, motif);
            assertEquals("TOY", motif.name(), file.toString());
        }
        assertMatrix(TOY, MotifReader.read(write("explicit.pfm", pfm), MotifFormat.PFM).get(0));
    }

    @Test
    void emptyAndCommentOnlyFilesAreBadInput() throws IOException {
        Path empty = write("empty.pfm", "");
        BadInputException e = assertThrows(BadInputException.class, () -> MotifReader.read(empty));
        assertEquals(empty, e.file());
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        Path comments = write("comments.pfm", "# nothing here\n\n# at all\n");
        e = assertThrows(BadInputException.class, () -> MotifReader.read(comments));
        assertTrue(e.getMessage().contains("no motifs"), e.getMessage());
        Path versionOnly = write("version.transfac", "VV  nothing\nXX\n//\n");
        e = assertThrows(BadInputException.class, () -> MotifReader.read(versionOnly));
        assertTrue(e.getMessage().contains("no motifs"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> MotifReader.read(tmp.resolve("missing.pfm")));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void pfmErrorsNameTheLine() throws IOException {
        assertBad("ragged.pfm", ">m1\n1 2 3 4\n1 2 3\n", 3, "3 values");
        assertBad("text.pfm", ">m1\n1 2 3 4\n1 2 x 4\n", 3, "not a number: 'x'");
        assertBad("zero.pfm", "# comment\n>m1\n1 2 3 4\n0 0 0 0\n5 5 5 5\n", 4, "position 2 has no counts");
        assertBad("negative.pfm", ">m1\n1 -2 3 4\n", 2, ">= 0");
        assertBad("nan.pfm", ">m1\n1 NaN 3 4\n", 2, "finite");
        assertBad("nopositions.pfm", ">m1\n>m2\n1 2 3 4\n", 1, "no positions");
        assertBad("noid.pfm", ">\n1 2 3 4\n", 1, "without a motif id");
        assertBad("notmotifs.txt", "hello world\n", 1, "not a motif file");
    }

    @Test
    void jasparErrorsNameTheLine() throws IOException {
        assertBad("ragged.jaspar", ">MA1 X\nA [ 1 2 3 ]\nC [ 1 2 3 ]\nG [ 1 2 ]\nT [ 1 2 3 ]\n", 4, "ragged");
        assertBad("text.jaspar", ">MA1 X\nA [ 1 2 3 ]\nC [ 1 two 3 ]\nG [ 1 2 3 ]\nT [ 1 2 3 ]\n", 3,
                "not a number: 'two'");
        assertBad("zero.jaspar", "\n>MA1 X\nA [ 1 0 3 ]\nC [ 1 0 3 ]\nG [ 1 0 3 ]\nT [ 1 0 3 ]\n", 2,
                "position 2 has no counts");
        assertBad("three.jaspar", ">MA1 X\nA [ 1 2 ]\nC [ 1 2 ]\nG [ 1 2 ]\n>MA2 Y\n", 1, "3 rows");
        assertBad("twice.jaspar", ">MA1 X\nA [ 1 2 ]\nA [ 1 2 ]\nG [ 1 2 ]\nT [ 1 2 ]\n", 3, "two rows for A");
        assertBad("letter.jaspar", ">MA1 X\nA [ 1 2 ]\nC [ 1 2 ]\nG [ 1 2 ]\nU [ 1 2 ]\n", 5, "expected A, C, G or T");
    }

    @Test
    void transfacErrorsNameTheLine() throws IOException {
        String head = "AC  MA1\nXX\nID  X\nXX\nP0 A C G T\n";
        assertBad("ragged.transfac", head + "01 1 2 3 4\n02 1 2 3\nXX\n//\n", 7, "ragged");
        assertBad("text.transfac", head + "01 1 2 3 4\n02 1 2 3 four\nXX\n//\n", 7, "not a number: 'four'");
        assertBad("zero.transfac", head + "01 1 2 3 4\n02 0 0 0 0\nXX\n//\n", 7, "position 2 has no counts");
        assertBad("order.transfac", head + "01 1 2 3 4\n03 1 2 3 4\nXX\n//\n", 7, "position 2 was expected");
        assertBad("header.transfac", "AC  MA1\nP0 A C G N\n01 1 2 3 4\n//\n", 2, "A, C, G and T");
        assertBad("nomatrix.transfac", "AC  MA1\nXX\nID  X\n//\n", 1, "no P0 matrix");
    }

    @Test
    void duplicateIdsAndBadFactorTablesAreBadInput() throws IOException {
        Path dup = write("dup.pfm", ">m1\n1 2 3 4\n>m1\n1 2 3 4\n");
        BadInputException e = assertThrows(BadInputException.class, () -> MotifReader.read(dup));
        assertTrue(e.getMessage().contains("appears twice"), e.getMessage());
        Path factors = write("m2f.txt", "Motif\tFactor\tEvidence\tCurated\nm1\tA\tX\tY\nm2\n");
        e = assertThrows(BadInputException.class, () -> MotifReader.readFactors(factors));
        assertEquals(factors, e.file());
        assertEquals(3, e.line());
    }

    private void assertBad(String name, String text, long line, String fragment) throws IOException {
        Path file = write(name, text);
        BadInputException e = assertThrows(BadInputException.class, () -> MotifReader.read(file), name);
        assertEquals(file, e.file(), name);
        assertEquals(line, e.line(), name + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(fragment), name + ": " + e.getMessage());
        assertTrue(e.getMessage().startsWith(file + ":" + line + ": "), e.getMessage());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    private static Motif byId(List<Motif> motifs, String id) {
        return motifs.stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError(id));
    }

    private static void assertMatrix(double[][] expected, Motif motif) {
        assertEquals(expected.length, motif.length(), motif.id());
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], motif.counts()[i], 1e-12, motif.id() + " position " + (i + 1));
        }
        assertFalse(motif.counts() == motif.counts(), "counts() hands out copies");
    }

    static String pfm(String id, double[][] counts) {
        StringBuilder text = new StringBuilder("# a toy motif\n>" + id + "\n");
        for (double[] column : counts) {
            text.append(String.format("%.1f\t%.1f\t%.1f\t%.1f%n", column[0], column[1], column[2], column[3]));
        }
        return text.toString();
    }

    static String jaspar(String id, String name, double[][] counts, boolean letters) {
        StringBuilder text = new StringBuilder(">" + id + "\t" + name + "\n");
        for (int b = 0; b < 4; b++) {
            text.append(letters ? Bases.ALPHABET.charAt(b) + "  [" : "");
            for (double[] column : counts) {
                text.append(String.format(" %4d", (int) column[b]));
            }
            text.append(letters ? " ]\n" : "\n");
        }
        return text.toString();
    }

    static String transfac(String id, String name, double[][] counts, String columns) {
        StringBuilder text = new StringBuilder("AC  " + id + "\nXX\nID  " + name + "\nXX\nDE  " + id + " " + name
                + " ; invented\nPO  " + columns + "\n");
        for (int i = 0; i < counts.length; i++) {
            text.append(String.format("%02d %6.1f %6.1f %6.1f %6.1f%n", i + 1, counts[i][0], counts[i][1], counts[i][2],
                    counts[i][3]));
        }
        return text.append("XX\nCC  tax_group:none\nXX\n//\n").toString();
    }
}
