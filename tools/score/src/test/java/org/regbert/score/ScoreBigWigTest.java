package org.regbert.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code score --output X.bw}: the tiles' scores as a bigWig, read by pyBigWig (libBigWig, independent
 * of regbert's writer): zoom levels present, every interval and value those of the bedGraph the same
 * run writes with {@code --output X.bedGraph}, and the zoom-level statistics of the scored region
 * equal to NumPy's over the bedGraph.
 */
class ScoreBigWigTest {
    private static final String CHECK = """
            import json, sys
            import numpy as np
            import pyBigWig
            bw = pyBigWig.open(sys.argv[1])
            rows = []
            for line in open(sys.argv[2]):
                if line.startswith("track"):
                    continue
                c, s, e, v = line.split()
                rows.append((c, int(s), int(e), float(v)))
            got = bw.intervals("20")
            out = {"header": bw.header(), "chroms": bw.chroms(), "count": len(got), "expected": len(rows),
                   "positions": all(g[0] == r[1] and g[1] == r[2] for g, r in zip(got, rows)),
                   "maxRelError": max(abs(g[2] - r[3]) / max(1e-3, abs(r[3])) for g, r in zip(got, rows))}
            lo, hi = rows[0][1], rows[-1][2]
            values = np.full(hi - lo, np.nan)
            for c, s, e, v in rows: values[s - lo:e - lo] = v
            have = values[~np.isnan(values)]
            out["zoom"] = {t: bw.stats("20", lo, hi, type=t, exact=False)[0] for t in ("mean", "max", "min")}
            out["numpy"] = {"mean": float(have.mean()), "max": float(have.max()), "min": float(have.min())}
            print(json.dumps(out))
            """;

    @TempDir
    Path tmp;

    @Test
    void bigWigOutputHoldsTheBedGraphsIntervalsWithZoomLevels() throws Exception {
        String[] common = {"--model", RealModel.model().toString(), "--reference", StageRuns.chr20().toString(),
            "--peaks", StageRuns.dhs() + ":DHS", "--contig-alias", "chr20=20", "--threads", "2",
            "--tile", "20:30000000-30060000", "--stride", "40"};
        Path bedGraph = Files.createDirectories(tmp.resolve("text")).resolve("tiles.bedGraph");
        Path bigWig = Files.createDirectories(tmp.resolve("binary")).resolve("tiles.bw");
        StageRuns.Run text = StageRuns.score(concat(common, "--output", bedGraph.toString()));
        assertEquals(0, text.exitCode(), text.stderr());
        StageRuns.Run binary = StageRuns.score(concat(common, "--output", bigWig.toString()));
        assertEquals(0, binary.exitCode(), binary.stderr());
        assertTrue(Files.exists(tmp.resolve("binary/tiles.score-summary.json")));
        JsonNode r = python(bigWig, bedGraph);
        assertTrue(r.get("header").get("nLevels").asInt() > 0, "zoom levels: " + r.get("header"));
        assertTrue(r.get("expected").asInt() > 100, r.toString());
        assertEquals(r.get("expected").asInt(), r.get("count").asInt());
        assertTrue(r.get("positions").asBoolean(), "the bigWig's intervals are the bedGraph's lines");
        // The bedGraph keeps 6 significant digits of each float score.
        assertTrue(r.get("maxRelError").asDouble() < 1e-5, r.toString());
        // The file's chromosome is the reference's contig, at its length (the kit's .fai: 20 is 63,025,520 bases).
        assertEquals(63_025_520L, r.get("chroms").get("20").asLong());
        for (String type : List.of("mean", "max", "min")) {
            assertEquals(r.get("numpy").get(type).asDouble(), r.get("zoom").get(type).asDouble(), 1e-5, type);
        }
    }

    @Test
    void bigWigWithVcfOrBgzipIsRefused() throws Exception {
        StageRuns.Run vcf = StageRuns.score("--model", RealModel.model().toString(), "--reference",
                StageRuns.chr20().toString(), "--vcf", tmp.resolve("x.vcf").toString(), "--output",
                tmp.resolve("x.bw").toString());
        assertEquals(2, vcf.exitCode(), vcf.stderr());
        assertTrue(vcf.stderr().contains("a bigWig holds region scores"), vcf.stderr());
        StageRuns.Run bgzip = StageRuns.score("--model", RealModel.model().toString(), "--reference",
                StageRuns.chr20().toString(), "--tile", "20:30000000-30001000", "--bgzip", "--output",
                tmp.resolve("y.bw").toString());
        assertEquals(2, bgzip.exitCode(), bgzip.stderr());
        assertTrue(bgzip.stderr().contains("--bgzip applies to bedGraph output"), bgzip.stderr());
        assertTrue(!Files.exists(tmp.resolve("y.bw")));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static JsonNode python(Path... args) throws Exception {
        Path file = Files.createTempFile("regbert-score-", ".py");
        try {
            Files.writeString(file, CHECK, StandardCharsets.UTF_8);
            List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/python3", file.toString()));
            for (Path a : args) {
                command.add(a.toString());
            }
            Process process = new ProcessBuilder(command).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.waitFor(), "/usr/bin/python3 with numpy and pyBigWig (apt-get install"
                    + " python3-pybigwig) must run: " + err);
            return new ObjectMapper().readTree(out.strip().substring(out.strip().lastIndexOf('\n') + 1));
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
