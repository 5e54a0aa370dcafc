package org.regbert.align;

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
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kit's real annotation files on tokenized hg19 chr20 (contig '20', files say 'chr20'):
 * labels checked window by window against a plain reading of the files.
 */
class AlignChr20Test {
    @TempDir
    static Path dir;
    static Path tokens;
    static Path aligned;
    static TestShards.Run alignRun;

    static final Path DHS = TestShards.kitData().resolve("accessibility/uw-dhs-master.hg19.bed.gz");
    static final Path TSS = TestShards.kitData().resolve("chromhmm/coords-hg19/RefSeqTSS.hg19.bed.gz");
    static final Path INTRONS = TestShards.kitData().resolve("splice/gencode.v41lift37.MANE.intron.bedpe.gz");

    @BeforeAll
    static void tokenizeAndAlign() {
        tokens = dir.resolve("tokens");
        TestShards.Run run = TestShards.tokenize("--reference",
                TestShards.kitData().resolve("genome/hg19.chr20.fa.gz").toString(), "--window", "395", "--stride",
                "400", "--reverse-complement", "--output", tokens.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
        aligned = dir.resolve("aligned");
        alignRun = TestShards.align("--shards", tokens.toString(), "--labels", "dhs=" + DHS, "--labels",
                "promoter=" + TSS, "--labels", "splice=" + INTRONS, "--contig-alias", "chr20=20",
                "--skip-missing-contigs", "--test", "20:50000000-63025520", "--output", aligned.toString());
        assertEquals(0, alignRun.exitCode(), alignRun.stderr());
    }

    /** [start, end, value] of the lines of a kit file on chr20, read plainly. */
    static List<long[]> chr20Lines(Path file, int startColumn, int endColumn) throws IOException {
        List<long[]> intervals = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String[] f = line.split("\t");
                if (f[0].equals("chr20")) {
                    long value = f.length > 3 && f[3].startsWith("MCV-") ? Long.parseLong(f[3].substring(4))
                            : f.length > 8 ? (f[8].equals("+") ? 1 : -1) : 1;
                    intervals.add(new long[] {Long.parseLong(f[startColumn]), Long.parseLong(f[endColumn]), value});
                }
            }
        }
        return intervals;
    }

    @Test
    void theContigTrapIsCaughtWithoutAnAlias() {
        TestShards.Run run = TestShards.align("--shards", tokens.toString(), "--labels", "dhs=" + DHS,
                "--skip-missing-contigs", "--output", dir.resolve("trap").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("contig 'chr20' is not in the reference, which calls it '20'; pass"
                + " --contig-alias chr20=20"), run.stderr());
    }

    @Test
    void dhsLabelsAndMcvLevelsMatchThePlainFile() throws IOException {
        List<long[]> dhs = chr20Lines(DHS, 1, 2);
        assertTrue(dhs.size() > 40_000, "the kit has ~48k chr20 DHSs");
        long[] starts = TestShards.concatLong(aligned, "start");
        int[] labels = TestShards.concat(aligned, "label_dhs");
        int[] levels = TestShards.concat(aligned, "label_dhs_level");
        long positives = 0;
        for (int w = 0; w < starts.length; w++) {
            long binStart = starts[w] + 100;
            long binEnd = binStart + 200;
            long level = 0;
            boolean hit = false;
            for (long[] d : dhs) {
                if (d[0] < binEnd && d[1] > binStart) {
                    hit = true;
                    level = Math.max(level, d[2]);
                }
            }
            assertEquals(hit ? 1 : 0, labels[w], "window at " + starts[w]);
            assertEquals(level, levels[w], "level of window at " + starts[w]);
            positives += hit ? 1 : 0;
            if (w > 40_000) {
                break; // the first 40k windows (both strands) are plenty, and keep the scan quick
            }
        }
        assertTrue(positives > 1000, "DHS-positive windows: " + positives);
    }

    @Test
    void promoterAndSpliceLabelsMatchThePlainFiles() throws IOException {
        List<long[]> tss = chr20Lines(TSS, 1, 2);
        List<long[]> introns = chr20Lines(INTRONS, 1, 4);
        assertEquals(1122, introns.size(), "MANE introns on chr20 (kit README)");
        long[] starts = TestShards.concatLong(aligned, "start");
        int[] strands = TestShards.concat(aligned, "strand");
        int[] promoter = TestShards.concat(aligned, "label_promoter");
        int[] splice = TestShards.concat(aligned, "label_splice");
        long[] counts = new long[3];
        for (int w = 0; w < starts.length; w++) {
            long binStart = starts[w] + 100;
            long binEnd = binStart + 200;
            boolean hasTss = false;
            for (long[] t : tss) {
                hasTss |= t[0] < binEnd && Math.max(t[1], t[0] + 1) > binStart;
            }
            assertEquals(hasTss ? 1 : 0, promoter[w], "promoter label of window at " + starts[w]);
            int expected = 0;
            for (long[] intron : introns) {
                if (intron[2] != strands[w]) {
                    continue;
                }
                long donor = intron[2] > 0 ? intron[0] : intron[1];
                long acceptor = intron[2] > 0 ? intron[1] : intron[0];
                if (donor >= binStart && donor < binEnd) {
                    expected = SpliceLabelTask.DONOR;
                } else if (acceptor >= binStart && acceptor < binEnd && expected == 0) {
                    expected = SpliceLabelTask.ACCEPTOR;
                }
            }
            assertEquals(expected, splice[w], "splice label of window at " + starts[w] + " strand " + strands[w]);
            counts[splice[w]]++;
        }
        // 200-bp bins every 400 bp see about half of the 1,122 donors and acceptors.
        assertTrue(counts[1] > 400 && counts[2] > 400, "donor and acceptor windows on both strands: "
                + Arrays.toString(counts));
        int[] split = TestShards.concat(aligned, "split");
        for (int w = 0; w < starts.length; w++) {
            assertEquals(starts[w] + 400 > 50_000_000L ? Holdouts.TEST : Holdouts.TRAIN, split[w]);
        }
    }
}
