package org.regbert.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.ExitCodes;

/**
 * What a FASTA holds besides nucleotides, and lines an index cannot describe: counted, or refused
 * with the file and line, never passed on silently or with htsjdk's internal messages.
 */
class FastaContentTest {
    @TempDir
    Path dir;

    /** A line of 10 bases; records below have two of them and a last line of 4: 24 bases. */
    private static final String CLEAN = "ACGTACGTAC";

    private Fixtures.Run tokenize(Path fasta, String... more) {
        String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("--reference", fasta.toString(),
                "--kmer", "3", "--window", "10", "--max-n-fraction", "1", "--output", dir.resolve("out").toString(),
                "--threads", "2"), java.util.Arrays.stream(more)).toArray(String[]::new);
        return Fixtures.tokenize(args);
    }

    @Test
    void nonNucleotideCharactersAreCountedPerContigAndIupacCodesAreNot() throws IOException {
        // window = 10 tokens of 3-mers = 12 bases, stride 10 bases: windows [0,12) and [10,22) of a 24-base
        // record, so bases 0-21 are read (22-23, all clean here, are in no window).
        // r1: '1' (line 2), '*' and 'X' (line 3); the IUPAC codes R, Y, N (line 2) are nucleotides -> 3.
        // r2: IUPAC only (K, M, n) -> 0, so r2 is not listed. r3: one '-' (a gap, no nucleotide) -> 1.
        Path fasta = Files.writeString(dir.resolve("odd.fa"), ">r1 first\nACG1RYNTAC\nAC*TXCGTAC\nACGT\n"
                + ">r2\nACGTKMnTAC\nACGTACGTAC\nACGT\n"
                + ">r3\nACGTACGTAC\nACGTA-GTAC\nACGT\n");
        Fixtures.Run run = tokenize(fasta);
        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("out/tokenize-summary.json").toFile());
        assertEquals(new ObjectMapper().readTree("{\"r1\": 3, \"r3\": 1}"), summary.get("nonNucleotideCharacters"));
        assertTrue(run.stderr().contains("warning: 4 characters that are neither A, C, G, T/U nor an IUPAC code"),
                run.stderr());
        assertTrue(run.stderr().contains("r1 3, r3 1"), run.stderr());
    }

    @Test
    void aCleanFastaReportsNothing() throws IOException {
        Path fasta = Files.writeString(dir.resolve("clean.fa"), ">r1\n" + CLEAN + "\n" + CLEAN + "\nACGT\n");
        Fixtures.Run run = tokenize(fasta);
        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("out/tokenize-summary.json").toFile());
        assertEquals(0, summary.get("nonNucleotideCharacters").size());
        assertFalse(run.stderr().contains("warning"), run.stderr());
    }

    @Test
    void strictBasesRefusesNamingContigPositionAndLine() throws IOException {
        // r2's '*' is its 15th base: line 1 '>r1', 2-4 r1's bases, 5 '>r2', 6 bases 1-10, 7 bases 11-20 -> line 7.
        Path fasta = Files.writeString(dir.resolve("star.fa"), ">r1\n" + CLEAN + "\n" + CLEAN + "\nACGT\n"
                + ">r2\n" + CLEAN + "\nACGT*CGTAC\nACGT\n");
        Fixtures.Run run = tokenize(fasta, "--strict-bases");
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(fasta + ":7: record 'r2' has '*' at position 15 (1-based)"), run.stderr());
        assertFalse(Files.exists(dir.resolve("out")), "no output left behind");
        Fixtures.Run records = tokenize(fasta, "--strict-bases", "--fasta-records");
        assertEquals(ExitCodes.BAD_INPUT, records.exitCode(), records.stderr());
        assertTrue(records.stderr().contains(fasta + ":7: record 'r2' has '*' at position 15"), records.stderr());
    }

    @Test
    void anOverlongLineIsNamedByItsLine() throws IOException {
        // Line 3 has 12 bases where r1's first line (line 2) has 10.
        Path fasta = Files.writeString(dir.resolve("long.fa"), ">r1\n" + CLEAN + "\n" + CLEAN + "AC\nACGT\n");
        Fixtures.Run run = tokenize(fasta);
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(fasta + ":3: line of record 'r1' has 12 bases, more than the 10 of its"
                + " first line"), run.stderr());
        assertFalse(run.stderr().contains("{}"), "not htsjdk's template: " + run.stderr());
    }

    @Test
    void aBlankLineIsNamedByItsLine() throws IOException {
        // Line 4 is blank, inside r1 (before r2's header on line 5).
        Path fasta = Files.writeString(dir.resolve("blank.fa"), ">r1\n" + CLEAN + "\n" + CLEAN + "\n\n>r2\nACGT\n");
        Fixtures.Run run = tokenize(fasta);
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(fasta + ":4: blank line in or after record 'r1'"), run.stderr());
        assertFalse(run.stderr().contains("String index out of range"), run.stderr());
    }

    @Test
    void aShortLineInsideARecordIsNamedByItsLine() throws IOException {
        // htsjdk indexes this without complaint, and reads past line 3 would then be wrong.
        Path fasta = Files.writeString(dir.resolve("short.fa"), ">r1\n" + CLEAN + "\nACGT\n" + CLEAN + "\n");
        Fixtures.Run run = tokenize(fasta);
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(fasta + ":3: line of record 'r1' has 4 bases, fewer than the 10 of its first"
                + " line, but is not the record's last line"), run.stderr());
    }
}
