package org.regbert.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.bigfiles.BigBedWriter;

/**
 * {@code align --signal} on bigWig files pyBigWig (libBigWig, independent of regbert's reader)
 * writes, checked against per-token means NumPy computes from the values it wrote; and bigBed peaks,
 * which must give the states their BED text gives.
 */
class AlignSignalTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writes two bigWigs with pyBigWig and keeps the per-base values (NaN: no data) in values.npz. */
    private static final String WRITE = """
            import sys
            import numpy as np
            import pyBigWig
            out = sys.argv[1]
            sizes = {"chr1": 3000, "chr2": 1200, "chrUn": 500}
            a = {c: np.full(n, np.nan) for c, n in sizes.items()}
            bw = pyBigWig.open(out + "/K562.bw", "w")
            bw.addHeader(list(sizes.items()))
            # chr1: bedGraph runs with gaps (bases 40-45 and 300-999 have no data), zeros that are data,
            # and a run ending inside a token
            starts = [0, 45, 100, 200, 1000, 1003]
            ends = [40, 100, 200, 300, 1003, 2500]
            vals = [1.0, 2.5, 0.0, -3.0, 7.0, 0.125]
            bw.addEntries(["chr1"] * 6, starts, ends=ends, values=vals)
            for s, e, v in zip(starts, ends, vals): a["chr1"][s:e] = v
            # chr2: variableStep, span 3
            pos = [10, 20, 21 + 3, 600]
            bw.addEntries("chr2", pos, values=[4.0, 5.0, 6.0, 1.5], span=3)
            for p, v in zip(pos, [4.0, 5.0, 6.0, 1.5]): a["chr2"][p:p + 3] = v
            bw.addEntries(["chrUn"], [0], ends=[500], values=[9.0])
            bw.close()
            b = {c: np.full(n, np.nan) for c, n in sizes.items()}
            bw = pyBigWig.open(out + "/lab_mark.bw", "w")
            bw.addHeader(list(sizes.items()))
            fixed = [float(i % 7) - 2.0 for i in range(100)]
            bw.addEntries("chr1", 500, values=fixed, span=4, step=10)
            for i, v in enumerate(fixed): b["chr1"][500 + 10 * i:500 + 10 * i + 4] = v
            bw.close()
            np.savez(out + "/values.npz", **{"K562_" + c: v for c, v in a.items()}, **{"mark_" + c: v for c, v in b.items()})
            print("{}")
            """;

    /**
     * Every window of every shard: token t of a window starting at s covers bases [s + t, s + t + 6);
     * its expected value is NumPy's nanmean over them (NaN when all are NaN), as float16.
     */
    private static final String CHECK = """
            import glob, json, sys
            import numpy as np
            out, shards = sys.argv[1], sys.argv[2]
            values = np.load(out + "/values.npz")
            report = {"windows": 0, "nanMismatch": 0, "maxRelError": 0.0, "tracks": None, "nanTokens": 0,
                      "zeroTokens": 0}
            for f in sorted(glob.glob(shards + "/shard-*.npz")):
                z = np.load(f)
                signal = z["signal"]
                tracks = [str(t) for t in z["signal_tracks"]]
                report["tracks"] = tracks
                names = [str(n) for n in z["contig_names"]]
                prefix = {"K562": "K562_", "K562.H3K27ac": "mark_"}
                for w in range(len(z["start"])):
                    contig = names[z["contig"][w]]
                    s = int(z["start"][w])
                    report["windows"] += 1
                    for r, track in enumerate(tracks):
                        base = values[prefix[track] + contig]
                        for t in range(signal.shape[2]):
                            seg = base[s + t:s + t + 6]
                            got = float(signal[r, w, t])
                            if np.all(np.isnan(seg)):
                                report["nanMismatch"] += 0 if np.isnan(got) else 1
                                report["nanTokens"] += 1
                                continue
                            want = float(np.float16(np.nanmean(seg)))
                            if want == 0.0:
                                report["zeroTokens"] += 1
                            if np.isnan(got):
                                report["nanMismatch"] += 1
                                continue
                            err = abs(got - want) / max(1.0, abs(want))
                            report["maxRelError"] = max(report["maxRelError"], err)
            print(json.dumps(report))
            """;

    @Test
    void perTokenMeansOfPyBigWigFilesWithNanForNoData(@TempDir Path dir) throws Exception {
        Path shards = TestShards.tiledReference(dir, TestShards.sizes("chr1", 3000L, "chr2", 1200L), "hg19", 60, 50);
        python(WRITE, dir);
        Path out = dir.resolve("aligned");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--signal", dir.resolve("K562.bw").toString(),
                "--signal", dir.resolve("lab_mark.bw") + ":K562.H3K27ac", "--skip-missing-contigs",
                "--output", out.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode report = python(CHECK, dir, out);
        assertEquals(List.of("K562", "K562.H3K27ac"), JSON.convertValue(report.get("tracks"), List.class));
        assertTrue(report.get("windows").asInt() > 70, report.toString());
        assertEquals(0, report.get("nanMismatch").asInt(), "tokens without data must be NaN, others not: " + report);
        // float16 keeps 11 significant bits: a relative error of at most 2^-11 after rounding.
        assertTrue(report.get("maxRelError").asDouble() <= 1.0 / 2048, report.toString());
        assertTrue(report.get("nanTokens").asInt() > 0 && report.get("zeroTokens").asInt() > 0,
                "the fixture has tokens without data and tokens whose data are zero: " + report);
        JsonNode summary = JSON.readTree(out.resolve(AlignRun.SUMMARY).toFile());
        assertEquals("[\"K562\",\"K562.H3K27ac\"]", summary.get("signal").toString());
    }

    /** A 48-base chr1 written by pyBigWig for --signal-levels: runs chosen so token means are whole numbers. */
    private static final String WRITE_LEVELS = """
            import sys
            import pyBigWig
            bw = pyBigWig.open(sys.argv[1] + "/K562.bw", "w")
            bw.addHeader([("chr1", 48)])
            # bases 24-29 have no data
            bw.addEntries(["chr1"] * 6, [0, 6, 12, 18, 30, 36], ends=[6, 12, 18, 24, 36, 48],
                          values=[6.0, 30.0, 0.0, 12.0, 18.0, 100.0])
            bw.close()
            print("{}")
            """;

    /**
     * {@code --signal-levels 4} on 4 windows of 12 bases (7 overlapping 6-mer tokens: token j of the
     * window at s covers [s + j, s + j + 6)), the last one held out as test. Worked by hand:
     * <pre>
     * window 0 (bases 0-5 = 6, 6-11 = 30): token j = ((6 - j) 6 + 30 j) / 6 = 6 + 4j  -> 6 10 14 18 22 26 30
     * window 1 (12-17 = 0, 18-23 = 12):    token j = 12 j / 6 = 2j                     -> 0 2 4 6 8 10 12
     * window 2 (24-29 no data, 30-35 = 18): token 0 has no base with data (NaN), tokens 1-6 -> 18
     * window 3 (36-47 = 100, test):         100 x 7, left out of the cut points
     * The 20 training means sorted: 0 2 4 6 6 8 10 10 12 14 | 18 x 7 | 22 26 30 (ranks 0-9, 10-16, 17-19).
     * Cut i of 3 is the value of rank ceil(20 i / 4) - 1 = 5i - 1: ranks 4, 9, 14 -> 6, 14, 18.
     * Level = 1 + cuts strictly below the mean: <= 6 -> 1, (6, 14] -> 2, (14, 18] -> 3, > 18 -> 4; NaN -> 0.
     * </pre>
     * All means are whole numbers, exact in float16.
     */
    @Test
    void signalLevelsAreQuantilesOfTheTrainingWindowsMeans(@TempDir Path dir) throws Exception {
        Path shards = TestShards.tiledReference(dir, TestShards.sizes("chr1", 48L), "hg19", 12, 12);
        python(WRITE_LEVELS, dir);
        Path out = dir.resolve("aligned");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--signal", dir.resolve("K562.bw").toString(),
                "--signal-levels", "4", "--test", "chr1:36-48", "--output", out.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        int[] expected = {
            1, 2, 2, 3, 4, 4, 4,  // 6 10 14 18 22 26 30
            1, 1, 1, 1, 2, 2, 2,  // 0 2 4 6 8 10 12
            0, 3, 3, 3, 3, 3, 3,  // NaN 18 x 6
            4, 4, 4, 4, 4, 4, 4}; // 100 (test window: levelled with the training cuts)
        assertArrayEquals(expected, TestShards.concat(out, "signal_states"));
        try (org.regbert.shards.TokenShard shard = org.regbert.shards.TokenShard.open(
                org.regbert.shards.ShardSet.list(out).get(0))) {
            float[] cuts = new float[3];
            shard.array("signal_level_cuts").copyFloats(0, cuts, 3);
            assertArrayEquals(new float[] {6f, 14f, 18f}, cuts);
            assertEquals("K562", shard.array("signal_states_cell_types").getString(0));
            JsonNode section = shard.manifest().annotations().get("signal_states");
            assertEquals("[\"none\",\"Q1\",\"Q2\",\"Q3\",\"Q4\"]", section.get("vocabulary").get("names").toString());
            assertEquals(20, section.get("cuts").get("tracks").get(0).get("tokenMeans").asInt(), "training means");
        }

        TestShards.Run alone = TestShards.align("--shards", shards.toString(), "--signal-levels", "4", "--output",
                dir.resolve("bad1").toString());
        assertEquals(2, alone.exitCode(), alone.stderr());
        assertEquals("regbert align: error: --signal-levels needs --signal FILE.bw[:TRACK]: it quantises bigWig signal",
                alone.stderr().strip());
        TestShards.Run one = TestShards.align("--shards", shards.toString(), "--signal", dir.resolve("K562.bw").toString(),
                "--signal-levels", "1", "--output", dir.resolve("bad2").toString());
        assertEquals(2, one.exitCode(), one.stderr());
        assertEquals("regbert align: error: --signal-levels must be 2 to 254, was 1", one.stderr().strip());
        assertTrue(!Files.exists(dir.resolve("bad2")), "no output on bad input");
    }

    @Test
    void liftoverWithBigWigIsRefused(@TempDir Path dir) throws Exception {
        Path shards = TestShards.tiledReference(dir, TestShards.sizes("chr1", 3000L), "hg19", 60, 50);
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--signal", dir.resolve("x.bw").toString(),
                "--liftover", dir.resolve("hg18ToHg19.over.chain.gz").toString(), "--output",
                dir.resolve("out").toString());
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("--liftover does not lift bigWig signal")
                && run.stderr().contains("dedicated tool"), run.stderr());
        assertTrue(!Files.exists(dir.resolve("out")) || Files.list(dir.resolve("out")).findAny().isEmpty());
    }

    @Test
    void notABigWigIsBadInput(@TempDir Path dir) throws Exception {
        Path shards = TestShards.tiledReference(dir, TestShards.sizes("chr1", 3000L), "hg19", 60, 50);
        Path text = Files.writeString(dir.resolve("K562.bedGraph"), "chr1\t0\t10\t1.0\n");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--signal", text.toString(),
                "--output", dir.resolve("out").toString());
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("not a bigWig file"), run.stderr());
    }

    /** The same narrowPeak peaks as text and as bigBed (this library's writer; pyBigWig reads it in bigfiles' tests). */
    @Test
    void bigBedPeaksGiveTheStatesOfTheirText(@TempDir Path dir) throws Exception {
        Path shards = TestShards.tiledReference(dir, TestShards.sizes("chr1", 3000L, "chr2", 1200L), "hg19", 60, 50);
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put("chr1", 3000L);
        sizes.put("chr2", 1200L);
        List<String> lines = new ArrayList<>();
        Path bb = dir.resolve("DHS.narrowPeak.bb");
        try (BigBedWriter writer = BigBedWriter.create(bb, sizes, 10, 6, BigBedWriter.NARROW_PEAK_AUTOSQL)) {
            long[][] peaks = {{0, 1, 100, 150}, {0, 1, 120, 400}, {0, 1, 2000, 2003}, {1, 1, 10, 600}};
            for (long[] p : peaks) {
                String chrom = p[0] == 0 ? "chr1" : "chr2";
                String rest = "p\t0\t.\t" + (p[2] / 10.0) + "\t-1\t-1\t-1";
                writer.add(chrom, p[2], p[3], rest);
                lines.add(chrom + "\t" + p[2] + "\t" + p[3] + "\t" + rest);
            }
        }
        Path text = Files.write(dir.resolve("DHS.narrowPeak"), lines, StandardCharsets.US_ASCII);
        for (String levels : new String[] {"1", "3"}) {
            Path fromText = dir.resolve("text" + levels);
            Path fromBigBed = dir.resolve("bigbed" + levels);
            TestShards.Run a = TestShards.align("--shards", shards.toString(), "--peaks", text.toString(),
                    "--peak-levels", levels, "--output", fromText.toString());
            assertEquals(0, a.exitCode(), a.stderr());
            TestShards.Run b = TestShards.align("--shards", shards.toString(), "--peaks", bb.toString(),
                    "--peak-levels", levels, "--output", fromBigBed.toString());
            assertEquals(0, b.exitCode(), b.stderr());
            int[] expected = TestShards.concat(fromText, "peaks");
            assertTrue(java.util.Arrays.stream(expected).anyMatch(v -> v >= 2), "some tokens are in peaks");
            assertArrayEquals(expected, TestShards.concat(fromBigBed, "peaks"));
            JsonNode summary = JSON.readTree(fromBigBed.resolve(AlignRun.SUMMARY).toFile());
            assertEquals("[\"DHS\"]", summary.get("peaks").toString(), "the track is named from DHS.narrowPeak.bb");
        }
    }

    /** ENCODE's conservative IDR peaks as bigBed (bigNarrowPeak) label a task as their text does. */
    @Test
    void bigBedLabelsGiveTheLabelsOfTheirText(@TempDir Path dir) throws Exception {
        Path shards = TestShards.tiledReference(dir, TestShards.sizes("chr1", 3000L), "hg19", 60, 50);
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put("chr1", 3000L);
        List<String> lines = new ArrayList<>();
        Path bb = dir.resolve("CTCF.conservative.bb");
        try (BigBedWriter writer = BigBedWriter.create(bb, sizes, 10, 6, BigBedWriter.NARROW_PEAK_AUTOSQL)) {
            for (long[] p : new long[][] {{100, 180}, {900, 1000}, {2400, 2420}}) {
                String rest = "p\t0\t.\t5.0\t-1\t-1\t-1";
                writer.add("chr1", p[0], p[1], rest);
                lines.add("chr1\t" + p[0] + "\t" + p[1] + "\t" + rest);
            }
        }
        Path text = Files.write(dir.resolve("CTCF.conservative.narrowPeak"), lines, StandardCharsets.US_ASCII);
        TestShards.Run a = TestShards.align("--shards", shards.toString(), "--labels", "ctcf=" + text,
                "--output", dir.resolve("text").toString());
        assertEquals(0, a.exitCode(), a.stderr());
        TestShards.Run b = TestShards.align("--shards", shards.toString(), "--labels", "ctcf=" + bb,
                "--output", dir.resolve("bigbed").toString());
        assertEquals(0, b.exitCode(), b.stderr());
        int[] expected = TestShards.concat(dir.resolve("text"), "label_ctcf");
        assertTrue(java.util.Arrays.stream(expected).anyMatch(v -> v == 1), "some windows are bound");
        assertArrayEquals(expected, TestShards.concat(dir.resolve("bigbed"), "label_ctcf"));
    }

    private static JsonNode python(String script, Path... args) throws IOException, InterruptedException {
        Path file = Files.createTempFile("regbert-align-", ".py");
        try {
            Files.writeString(file, script, StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of("/usr/bin/python3", file.toString()));
            for (Path a : args) {
                command.add(a.toString());
            }
            Process process = new ProcessBuilder(command).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.waitFor(), "/usr/bin/python3 with numpy and pyBigWig (apt-get install"
                    + " python3-pybigwig) must run: " + err);
            String last = out.strip().substring(out.strip().lastIndexOf('\n') + 1);
            return JSON.readTree(last);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
