package org.regbert.bigfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bigWig files cross-read with pyBigWig (libBigWig), an implementation independent of this one. */
class BigWigInteropTest {

    /**
     * pyBigWig writes a file with bedGraph, variableStep and fixedStep sections and gaps; the values
     * it was given (a NumPy array per chromosome, NaN where nothing was written) must come back base
     * for base, on two chromosomes, the second one empty.
     */
    @Test
    void readsWhatPyBigWigWrites(@TempDir Path dir) throws Exception {
        Path bw = dir.resolve("py.bw");
        JsonNode expected = Python.run("""
                import json, sys
                import numpy as np
                import pyBigWig
                bw = pyBigWig.open(sys.argv[1], "w")
                bw.addHeader([("chrB", 5000), ("chrA", 3000), ("chrC", 100)], maxZooms=3)
                b = np.full(5000, np.nan)
                # bedGraph records with a gap between them
                bw.addEntries(["chrB", "chrB", "chrB"], [10, 20, 100], ends=[20, 25, 150], values=[1.5, -2.0, 0.0])
                b[10:20] = 1.5; b[20:25] = -2.0; b[100:150] = 0.0
                # variableStep: span 5 at given starts
                bw.addEntries("chrB", [1000, 1010, 1100], values=[3.0, 4.0, 5.25], span=5)
                for s, v in zip([1000, 1010, 1100], [3.0, 4.0, 5.25]): b[s:s + 5] = v
                # fixedStep: step 20, span 10 from 2000
                vals = [float(i) / 4 for i in range(100)]
                bw.addEntries("chrB", 2000, values=vals, span=10, step=20)
                for i, v in enumerate(vals): b[2000 + 20 * i:2000 + 20 * i + 10] = v
                a = np.full(3000, np.nan)
                bw.addEntries(["chrA"], [0], ends=[3000], values=[7.0])
                a[:] = 7.0
                bw.close()
                def js(x): return [None if np.isnan(v) else float(v) for v in x]
                print(json.dumps({"chrB": js(b), "chrA": js(a)}))
                """, bw);
        try (BigWigReader reader = BigWigReader.open(bw)) {
            assertEquals(java.util.List.of("chrA", "chrB", "chrC"),
                    reader.chromosomes().stream().map(Chromosome::name).sorted().toList());
            for (String chrom : new String[] {"chrB", "chrA"}) {
                JsonNode values = expected.get(chrom);
                float[] got = reader.values(chrom, 0, values.size());
                for (int i = 0; i < got.length; i++) {
                    if (values.get(i).isNull()) {
                        assertTrue(Float.isNaN(got[i]), chrom + ":" + i + " has no data, read " + got[i]);
                    } else {
                        assertEquals(values.get(i).asDouble(), got[i], 0, chrom + ":" + i);
                    }
                }
            }
            // A sub-range: clipped at both ends.
            float[] part = reader.values("chrB", 15, 22);
            assertEquals(1.5f, part[0]);
            assertEquals(-2.0f, part[6]);
            assertTrue(Float.isNaN(reader.values("chrC", 0, 100)[50]));
        }
    }

    /**
     * This writer's file, read by pyBigWig: every interval back as written (300,000 of them on the
     * first chromosome, so the index has several levels), chromosome ids in the given order (not
     * alphabetical), zoom levels present, and the zoom-level statistics of whole chromosomes and the
     * header's total summary equal to NumPy's over the bedGraph.
     */
    @Test
    void pyBigWigReadsWhatThisWrites(@TempDir Path dir) throws Exception {
        Path bw = dir.resolve("java.bw");
        Path bedGraph = dir.resolve("java.bedGraph");
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put("chr10", 40_000_000L);
        sizes.put("chr2", 1_000_000L);
        sizes.put("chrEmpty", 5_000L);
        Random random = new Random(3);
        try (BigWigWriter writer = BigWigWriter.create(bw, sizes);
                BufferedWriter text = Files.newBufferedWriter(bedGraph)) {
            for (String chrom : new String[] {"chr10", "chr2"}) {
                long position = 0;
                int records = chrom.equals("chr10") ? 300_000 : 2_000;
                for (int i = 0; i < records; i++) {
                    position += random.nextInt(50); // gaps of 0-49 bases
                    long end = position + 1 + random.nextInt(100);
                    float value = (float) (random.nextGaussian() * 3);
                    writer.add(chrom, position, end, value);
                    text.write(chrom + "\t" + position + "\t" + end + "\t" + String.format(Locale.ROOT, "%.9g", value)
                            + "\n");
                    position = end;
                }
            }
        }
        JsonNode result = Python.run("""
                import json, sys
                import numpy as np
                import pyBigWig
                bw = pyBigWig.open(sys.argv[1])
                rows = {}
                for line in open(sys.argv[2]):
                    c, s, e, v = line.split()
                    rows.setdefault(c, []).append((int(s), int(e), float(np.float32(v))))
                out = {"header": bw.header(), "chroms": bw.chroms(), "mismatches": 0, "stats": {}}
                total = {"n": 0, "sum": 0.0, "sq": 0.0, "min": np.inf, "max": -np.inf}
                for c, expected in rows.items():
                    got = bw.intervals(c)
                    if len(got) != len(expected) or any(g[0] != x[0] or g[1] != x[1] or np.float32(g[2]) != np.float32(x[2])
                                                         for g, x in zip(got, expected)):
                        out["mismatches"] += 1
                    values = np.full(bw.chroms(c), np.nan)
                    for s, e, v in expected: values[s:e] = v
                    have = values[~np.isnan(values)]
                    zoom = {t: bw.stats(c, type=t, exact=False)[0] for t in ("mean", "max", "min", "coverage")}
                    exact = {"mean": float(have.mean()), "max": float(have.max()), "min": float(have.min()),
                             "coverage": float(len(have)) / bw.chroms(c)}
                    out["stats"][c] = {"zoom": zoom, "numpy": exact}
                    total["n"] += len(have); total["sum"] += float(have.sum()); total["sq"] += float((have ** 2).sum())
                    total["min"] = min(total["min"], float(have.min())); total["max"] = max(total["max"], float(have.max()))
                out["total"] = total
                out["emptyIntervals"] = bw.intervals("chrEmpty")
                # The total summary as the spec lays it out (bbiFile.h: its offset at byte 44 of the header;
                # basesCovered, then min, max, sum and sum of squares as doubles); pyBigWig's header() rounds them.
                import struct
                with open(sys.argv[1], "rb") as f:
                    head = f.read(64)
                    offset = struct.unpack_from("<Q", head, 44)[0]
                    f.seek(offset)
                    covered, lo, hi, s, sq = struct.unpack("<Qdddd", f.read(40))
                out["summary"] = {"covered": covered, "min": lo, "max": hi, "sum": s, "sq": sq}
                print(json.dumps(out))
                """, bw, bedGraph);
        assertEquals(0, result.get("mismatches").asInt(), "intervals pyBigWig reads differ from those written");
        JsonNode header = result.get("header");
        assertTrue(header.get("nLevels").asInt() > 0, "zoom levels: " + header);
        JsonNode total = result.get("total");
        JsonNode summary = result.get("summary");
        assertEquals(total.get("n").asLong(), header.get("nBasesCovered").asLong());
        assertEquals(total.get("n").asLong(), summary.get("covered").asLong());
        assertEquals(total.get("min").asDouble(), summary.get("min").asDouble(), 1e-6);
        assertEquals(total.get("max").asDouble(), summary.get("max").asDouble(), 1e-6);
        assertEquals(total.get("sum").asDouble(), summary.get("sum").asDouble(), 1e-6 * total.get("n").asDouble());
        assertEquals(total.get("sq").asDouble(), summary.get("sq").asDouble(), 1e-6 * total.get("sq").asDouble());
        assertEquals(40_000_000L, result.get("chroms").get("chr10").asLong());
        for (String chrom : new String[] {"chr10", "chr2"}) {
            JsonNode zoom = result.get("stats").get(chrom).get("zoom");
            JsonNode numpy = result.get("stats").get(chrom).get("numpy");
            for (String type : new String[] {"mean", "max", "min", "coverage"}) {
                // Zoom summaries hold float32 sums: agreement to about 1e-5 of the scale.
                assertEquals(numpy.get(type).asDouble(), zoom.get(type).asDouble(),
                        1e-4 * Math.max(1, Math.abs(numpy.get(type).asDouble())), chrom + " " + type);
            }
        }
        assertTrue(result.get("emptyIntervals").isNull() || result.get("emptyIntervals").isEmpty());
        // And this reader agrees with the bedGraph too (a spot check of a window across gaps).
        try (BigWigReader reader = BigWigReader.open(bw)) {
            assertTrue(reader.zoomReductions().size() > 1, "zooms: " + reader.zoomReductions());
            long[] covered = {0};
            reader.query("chr2", 0, 1_000_000, (s, e, v) -> covered[0] += e - s);
            assertTrue(covered[0] > 0);
        }
    }
}
