package org.regbert.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.ExitCodes;

/**
 * Each way users get inputs wrong: exit code 2, one message naming the file (and line or
 * position), and no output left behind.
 */
class TokenizeBadInputTest {
    @TempDir
    Path dir;

    private Path fasta() throws IOException {
        return Fixtures.writeFasta(dir.resolve("ref.fa"), Map.of("20", Fixtures.randomGenome(5, 2000).get("contig1")));
    }

    private void assertRefused(String expectedInMessage, String... args) {
        Path out = dir.resolve("out");
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--output", out.toString())).toArray(String[]::new);
        Fixtures.Run run = Fixtures.tokenize(all);
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(expectedInMessage), "message should contain '" + expectedInMessage
                + "' but was: " + run.stderr());
        assertFalse(run.stderr().contains("\tat "), "no stack trace for bad input: " + run.stderr());
        assertFalse(Files.exists(out), "no output directory left behind");
    }

    @Test
    void truncatedBgzip() throws IOException {
        Path whole = Fixtures.writeBgzipFasta(dir.resolve("whole.fa.gz"),
                Fixtures.randomGenome(9, 300_000));
        byte[] bytes = Files.readAllBytes(whole);
        Path truncated = Files.write(dir.resolve("cut.fa.gz"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertRefused(truncated + ": truncated bgzip file", "--reference", truncated.toString());
    }

    @Test
    void plainGzipIsNotBgzip() throws IOException {
        Path gz = dir.resolve("plain.fa.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(">1\nACGT\n".getBytes());
        }
        assertRefused("gzip-compressed but not bgzip", "--reference", gz.toString());
    }

    @Test
    void unindexedFastaInAReadOnlyFolder() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("readonly"));
        Path fasta = Fixtures.writeFasta(folder.resolve("ref.fa"), Fixtures.randomGenome(1, 1000));
        try (ReadOnly ignored = ReadOnly.make(folder)) {
            assertRefused(fasta + ": no index (ref.fa.fai) and the folder", "--reference", fasta.toString());
        }
    }

    @Test
    void regionContigNotInTheReferenceWithAPrefixHint() throws IOException {
        Path fasta = fasta();
        Path bed = Files.writeString(dir.resolve("r.bed"), "20\t10\t200\nchr20\t100\t200\n");
        assertRefused(bed + ":2: contig 'chr20' is not in the reference, which calls it '20'; pass --contig-alias chr20=20",
                "--reference", fasta.toString(), "--regions", bed.toString());
    }

    @Test
    void regionContigUnknown() throws IOException {
        Path bed = Files.writeString(dir.resolve("r.bed"), "chrX\t100\t200\n");
        assertRefused(bed + ":1: contig 'chrX' is not in the reference (contigs: 20)", "--reference",
                fasta().toString(), "--regions", bed.toString());
    }

    @Test
    void aliasMakesTheSameBedWork() throws IOException {
        Path bed = Files.writeString(dir.resolve("r.bed"), "chr20\t100\t200\n");
        Path out = dir.resolve("aliased");
        Fixtures.Run run = Fixtures.tokenize("--reference", fasta().toString(), "--regions", bed.toString(),
                "--contig-alias", "chr20=20", "--window", "50", "--output", out.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("contig alias chr20=20 used for 1 intervals"), run.stderr());
    }

    @Test
    void regionPastTheContigEnd() throws IOException {
        Path bed = Files.writeString(dir.resolve("r.bed"), "20\t1900\t2001\n");
        assertRefused(bed + ":1: interval 20:1900-2001 runs past the end of contig '20' (length 2000)",
                "--reference", fasta().toString(), "--regions", bed.toString());
    }

    @Test
    void bedLineWithStartAfterEnd() throws IOException {
        Path bed = Files.writeString(dir.resolve("r.bed"), "# header\n20\t10\t20\n20\t500\t400\n");
        assertRefused(bed + ":3: start 500 is greater than end 400", "--reference", fasta().toString(),
                "--regions", bed.toString());
    }

    @Test
    void bedLineWithTooFewColumnsOrText() throws IOException {
        Path bed = Files.writeString(dir.resolve("r.bed"), "20 10 20\n");
        assertRefused(bed + ":1: expected at least 3 tab-separated columns", "--reference", fasta().toString(),
                "--regions", bed.toString());
        Path text = Files.writeString(dir.resolve("t.bed"), "20\tten\t20\n");
        assertRefused(text + ":1: start and end must be integers", "--reference", fasta().toString(),
                "--regions", text.toString());
    }

    @Test
    void emptyFasta() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.fa"));
        assertRefused(empty + ": empty file: no FASTA records", "--reference", empty.toString());
    }

    @Test
    void nonFastaInput() throws IOException {
        Path bed = Files.writeString(dir.resolve("not.fa"), "chr1\t1\t2\n");
        assertRefused(bed + ":1: not a FASTA file: expected a '>' header line, found 'c'", "--reference",
                bed.toString());
        assertRefused(bed + ":1: not a FASTA file", "--reference", bed.toString(), "--fasta-records");
    }

    @Test
    void kOutOfRange() throws IOException {
        assertRefused("--kmer 8 is out of range", "--reference", fasta().toString(), "--kmer", "8");
        assertRefused("--kmer 0 is out of range", "--reference", fasta().toString(), "--kmer", "0");
    }

    @Test
    void outputPathNotWritable() throws Exception {
        Path fasta = fasta();
        Path locked = Files.createDirectory(dir.resolve("locked"));
        try (ReadOnly ignored = ReadOnly.make(locked)) {
            Path out = locked.resolve("out");
            Fixtures.Run run = Fixtures.tokenize("--reference", fasta.toString(), "--output", out.toString());
            assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.stderr());
            assertTrue(run.stderr().contains(out.toString()) && run.stderr().contains("not writable"), run.stderr());
        }
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Fixtures.Run run = Fixtures.tokenize("--reference", fasta.toString(), "--output", file.toString());
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(file + ": output path exists and is not a directory"), run.stderr());
    }

    @Test
    void missingReferenceAndUnknownOption() {
        Fixtures.Run missing = Fixtures.tokenize("--reference", dir.resolve("nope.fa").toString(), "--output",
                dir.resolve("o").toString());
        assertEquals(ExitCodes.BAD_INPUT, missing.exitCode(), missing.stderr());
        assertTrue(missing.stderr().contains("nope.fa: no such reference FASTA"), missing.stderr());
        Fixtures.Run usage = Fixtures.tokenize("--reference", "x.fa", "--output", "o", "--bogus");
        assertEquals(ExitCodes.BAD_INPUT, usage.exitCode());
        assertTrue(usage.stderr().contains("Unknown option: '--bogus'"), usage.stderr());
    }

    @Test
    void existingShardsAreNotReplacedWithoutOverwrite() throws IOException {
        Path fasta = fasta();
        Path out = dir.resolve("done");
        assertEquals(0, Fixtures.tokenize("--reference", fasta.toString(), "--window", "100", "--output",
                out.toString(), "--quiet").exitCode());
        byte[] before = Files.readAllBytes(out.resolve("shard-00000.npz"));
        Fixtures.Run again = Fixtures.tokenize("--reference", fasta.toString(), "--window", "50", "--output",
                out.toString());
        assertEquals(ExitCodes.BAD_INPUT, again.exitCode());
        assertTrue(again.stderr().contains("pass --overwrite"), again.stderr());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(out.resolve("shard-00000.npz"))));
        Fixtures.Run overwrite = Fixtures.tokenize("--reference", fasta.toString(), "--window", "50", "--output",
                out.toString(), "--overwrite", "--quiet");
        assertEquals(0, overwrite.exitCode(), overwrite.stderr());
        assertEquals(50, ShardContents.read(out).manifest().tokenizer().windowTokens());
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no staging left");
        }
    }
}
