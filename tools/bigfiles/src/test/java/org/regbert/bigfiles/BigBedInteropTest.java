package org.regbert.bigfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bigBed files of this writer, cross-read by pyBigWig's bigBed reader, and read back here. */
class BigBedInteropTest {

    @Test
    void narrowPeakEntriesRoundTripThroughPyBigWig(@TempDir Path dir) throws Exception {
        Path bb = dir.resolve("peaks.bb");
        Path text = dir.resolve("peaks.narrowPeak");
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put("chr20", 63_025_520L);
        sizes.put("chr1", 2_000_000L);
        Random random = new Random(11);
        List<String> lines = new ArrayList<>();
        try (BigBedWriter writer = BigBedWriter.create(bb, sizes, 10, 6, BigBedWriter.NARROW_PEAK_AUTOSQL);
                BufferedWriter out = Files.newBufferedWriter(text)) {
            for (String chrom : new String[] {"chr20", "chr1"}) {
                long start = 0;
                int peaks = chrom.equals("chr20") ? 3_000 : 700; // several blocks of 512, overlapping peaks
                for (int i = 0; i < peaks; i++) {
                    start += random.nextInt(400);
                    long end = start + 50 + random.nextInt(800);
                    String rest = String.format(Locale.ROOT, "peak%d\t%d\t.\t%.5f\t%.5f\t-1\t%d", i, random.nextInt(1000),
                            random.nextDouble() * 50, random.nextDouble() * 10, random.nextInt((int) (end - start)));
                    writer.add(chrom, start, end, rest);
                    String line = chrom + "\t" + start + "\t" + end + "\t" + rest;
                    out.write(line + "\n");
                    lines.add(line);
                }
            }
        }
        JsonNode result = Python.run("""
                import json, sys
                import pyBigWig
                bb = pyBigWig.open(sys.argv[1])
                expected = [l.rstrip("\\n") for l in open(sys.argv[2])]
                got = []
                for c in ["chr20", "chr1"]:
                    for s, e, rest in bb.entries(c, 0, bb.chroms(c)):
                        got.append("%s\\t%d\\t%d\\t%s" % (c, s, e, rest))
                window = bb.entries("chr20", 100000, 100500) or []
                print(json.dumps({"isBigBed": bb.isBigBed(), "equal": got == expected, "got": len(got),
                                  "expected": len(expected), "sql": (bb.SQL().decode() if isinstance(bb.SQL(), bytes) else bb.SQL()).split("\\x00")[0],
                                  "window": [[s, e] for s, e, r in window]}))
                """, bb, text);
        assertEquals(true, result.get("isBigBed").asBoolean());
        assertEquals(result.get("expected").asInt(), result.get("got").asInt());
        assertEquals(true, result.get("equal").asBoolean(), "pyBigWig's entries differ from the narrowPeak written");
        assertEquals(BigBedWriter.NARROW_PEAK_AUTOSQL.strip(), result.get("sql").asText().strip(),
                "pyBigWig's SQL(), a C string: up to its zero byte");
        try (BigBedReader reader = BigBedReader.open(bb)) {
            assertEquals(10, reader.fieldCount());
            assertEquals(6, reader.definedFieldCount());
            List<String> read = new ArrayList<>();
            reader.forEach((c, s, e, rest) -> read.add(c + "\t" + s + "\t" + e + "\t" + rest));
            assertEquals(lines, read);
            List<List<Long>> window = new ArrayList<>();
            reader.query("chr20", 100_000, 100_500, (c, s, e, rest) -> window.add(List.of(s, e)));
            List<List<Long>> expectedWindow = new ArrayList<>();
            result.get("window").forEach(w -> expectedWindow.add(List.of(w.get(0).asLong(), w.get(1).asLong())));
            assertEquals(expectedWindow, window);
        }
    }
}
