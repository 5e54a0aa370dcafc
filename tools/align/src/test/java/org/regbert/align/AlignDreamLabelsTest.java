package org.regbert.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ENCODE-DREAM label tables ({@code --labels CTCF=CTCF.train.labels.tsv.gz}) on windows of a
 * reference the test describes; every expected label is worked out by hand in the comments.
 */
class AlignDreamLabelsTest {
    /** Five 200-bp bins at 50-bp steps on chrA, two cell types. */
    static final String TABLE = """
            chr\tstart\tstop\tGM12878\tHeLa-S3
            chrA\t100\t300\tU\tU
            chrA\t150\t350\tB\tU
            chrA\t200\t400\tB\tA
            chrA\t250\t450\tA\tU
            chrA\t300\t500\tU\tB
            """;
    static final int U = 0;
    static final int B = 1;
    static final int A = -1;
    static final int NONE = -3;

    @TempDir
    Path dir;

    private Path gzipped(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    @Test
    void windowsOnTheGridTakeTheirOwnBinAndOthersTheBinAtTheirCentre() throws IOException {
        // 200-bp windows every 50 bp (DREAM's grid): chrA 0..800 (17 windows), chrB 0..400 (9 windows).
        Path shards = TestShards.tiledReference(dir, TestShards.sizes("chrA", 1000, "chrB", 600), "unknown", 200, 50);
        Path table = gzipped("CTCF.train.labels.tsv.gz", TABLE);
        Path out = dir.resolve("out");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--labels", "CTCF=" + table,
                "--output", out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
        // By hand, window start -> (GM12878, HeLa-S3):
        //   0 [0,200): own bin absent; centre 100 lies only in [100,300)               -> U U
        //  50 [50,250): centre 150 in [100,300) (centre 200) and [150,350) (250): nearer -> [100,300) U U
        // 100, 150, 200, 250, 300: their own bins                                       -> UU, BU, BA, AU, UB
        // 350 [350,550): centre 450 only in [300,500)                                   -> U B
        // 400 .. 800: centre 500 or later, no bin reaches it                            -> unlabelled (-3)
        int[] gm = {U, U, U, B, B, A, U, U, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE};
        int[] hela = {U, U, U, U, A, U, B, B, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE};
        int[] chrB = new int[9];
        Arrays.fill(chrB, NONE);
        assertArrayEquals(concat(gm, chrB), TestShards.concat(out, "label_CTCF.GM12878"));
        assertArrayEquals(concat(hela, chrB), TestShards.concat(out, "label_CTCF.HeLa-S3"));

        JsonNode summary = new ObjectMapper().readTree(out.resolve(AlignRun.SUMMARY).toFile());
        JsonNode train = summary.path("labels").path("CTCF.GM12878").path("train");
        assertEquals(2, train.path("positives").asLong(), train.toString());
        assertEquals(5, train.path("negatives").asLong(), train.toString());
        assertEquals(1, train.path("ambiguous").asLong(), train.toString());
        assertEquals(9 + 9, train.path("unlabelled").asLong(), train.toString());
    }

    @Test
    void offGridWindowsTakeTheBinWhoseCentreIsNearestTiesToTheLowerStart() throws IOException {
        // 250-bp windows every 100 bp: chrA 0..700 (8 windows); the table as plain text.
        Path shards = TestShards.tiledReference(dir, TestShards.sizes("chrA", 1000), "unknown", 250, 100);
        Path table = Files.writeString(dir.resolve("CTCF.labels.tsv"), TABLE);
        Path out = dir.resolve("out");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--labels", "CTCF=" + table,
                "--output", out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
        // Twice the centres (whole numbers): window [s, s+250) -> 2s+250; bin [b, b+200) -> 2b+200.
        //   0: centre 125 only in [100,300)                                             -> U U
        // 100: 2c=450; [100,300) 400 and [150,350) 500 tie at 50, [200,400) 600         -> lower start [100,300) U U
        // 200: 2c=650; [200,400) 600 and [250,450) 700 tie at 50                         -> [200,400) B A
        // 300: 2c=850; centre 425 in [250,450) (700, off 150) and [300,500) (800, off 50) -> [300,500) U B
        // 400..700: centre 525 or later, no bin                                          -> -3
        assertArrayEquals(new int[] {U, U, B, U, NONE, NONE, NONE, NONE}, TestShards.concat(out, "label_CTCF.GM12878"));
        assertArrayEquals(new int[] {U, U, A, B, NONE, NONE, NONE, NONE}, TestShards.concat(out, "label_CTCF.HeLa-S3"));
    }

    @Test
    void excludedWindowsAreMarkedAndKeepNoLabel() throws IOException {
        Path shards = TestShards.tiledReference(dir, TestShards.sizes("chrA", 1000, "chrB", 600), "unknown", 200, 50);
        Path table = gzipped("CTCF.train.labels.tsv.gz", TABLE);
        // chrA [420,430) touches the windows starting at 250, 300, 350, 400 (s < 430 and s + 200 > 420);
        // chrB [0,1) the one at 0 only; chr9 is not in the reference: skipped and counted.
        Path blacklist = Files.writeString(dir.resolve("blacklist.bed"), "chrA\t420\t430\nchrB\t0\t1\nchr9\t0\t100\n");
        Path out = dir.resolve("out");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--labels", "CTCF=" + table,
                "--exclude", blacklist.toString(), "--output", out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
        int[] excludedChrA = {0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0};
        int[] excludedChrB = {1, 0, 0, 0, 0, 0, 0, 0, 0};
        assertArrayEquals(concat(excludedChrA, excludedChrB), TestShards.concat(out, "excluded"));
        // The first test's labels with -4 where excluded.
        int X = -4;
        int[] gm = {U, U, U, B, B, X, X, X, X, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE};
        int[] chrB = {X, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE};
        assertArrayEquals(concat(gm, chrB), TestShards.concat(out, "label_CTCF.GM12878"));
        JsonNode summary = new ObjectMapper().readTree(out.resolve(AlignRun.SUMMARY).toFile());
        assertEquals(5, summary.path("exclude").path("windowsExcluded").asLong(), summary.toString());
        assertEquals(1, summary.path("exclude").path("linesSkippedOnMissingContigs").path("chr9").asLong());
        assertEquals(5, summary.path("labels").path("CTCF.GM12878").path("train").path("excluded").asLong());

        // Labelling the excluded shards again keeps the exclusion without --exclude.
        Path again = dir.resolve("again");
        Path tss = Files.writeString(dir.resolve("tss.bed"), "chrA\t440\t441\n");
        run = TestShards.align("--shards", out.toString(), "--labels", "tss=" + tss, "--output", again.toString(),
                "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
        // tss bins are the central 200 bp = the whole window; 440 lies in windows 250..400, all excluded.
        int[] tssLabels = TestShards.concat(again, "label_tss");
        assertEquals(0, Arrays.stream(tssLabels).filter(l -> l == 1).count(), Arrays.toString(tssLabels));
        assertEquals(-4, tssLabels[5]);
        assertEquals(0, tssLabels[4]);
        assertArrayEquals(concat(excludedChrA, excludedChrB), TestShards.concat(again, "excluded"));
    }

    @Test
    void badTablesExitTwoNamingFileAndLine() throws IOException {
        Path shards = TestShards.tiledReference(dir, TestShards.sizes("chrA", 1000), "unknown", 200, 50);
        String[][] cases = {
            {"chr\tstart\tend\tGM12878\nchrA\t0\t200\tU\n", ":1:", "header"},
            {"chr\tstart\tstop\tGM12878\nchrA\t0\t200\tX\n", ":2:", "not B, U or A"},
            {"chr\tstart\tstop\tGM12878\tK562\nchrA\t0\t200\tU\n", ":2:", "2 cell types"},
            {"chr\tstart\tstop\tGM12878\nchrA\t100\t300\tU\nchrA\t50\t250\tU\n", ":3:", "not sorted"},
            {"chr\tstart\tstop\tGM12878\nchrA\t900\t1100\tU\n", ":2:", "1000"},
            {"chr\tstart\tstop\tGM12878\nchrZ\t0\t200\tU\n", ":2:", "chrZ"},
        };
        for (String[] c : cases) {
            Path table = Files.writeString(dir.resolve("bad.labels.tsv"), c[0]);
            Path out = dir.resolve("bad-out");
            TestShards.Run run = TestShards.align("--shards", shards.toString(), "--labels", "CTCF=" + table,
                    "--output", out.toString(), "--quiet");
            assertEquals(2, run.exitCode(), c[0] + run.stderr());
            assertTrue(run.stderr().contains("bad.labels.tsv" + c[1]), run.stderr());
            assertTrue(run.stderr().contains(c[2]), run.stderr());
            assertFalse(Files.exists(out.resolve(AlignRun.SUMMARY)), "no output on bad input");
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
