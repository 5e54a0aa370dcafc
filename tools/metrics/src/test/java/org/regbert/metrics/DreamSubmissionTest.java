package org.regbert.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.BadInputException;

class DreamSubmissionTest {
    private static final String SUBMISSION = """
            chr20\t50000000\t50000200\t0.91
            chr20\t50000050\t50000250\t0.25
            chr20\t50000100\t50000300\t1e-3
            chr21\t100\t300\t0.5
            """;

    @TempDir
    Path tmp;

    @Test
    void readsPlainAndGzippedLines() throws IOException {
        Path plain = Files.writeString(tmp.resolve("L.CTCF.K562.tab"), SUBMISSION);
        Path gzipped = tmp.resolve("F.CTCF.K562.tab.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipped))) {
            out.write(SUBMISSION.getBytes(StandardCharsets.US_ASCII));
        }
        for (Path file : List.of(plain, gzipped)) {
            List<DreamSubmission.Line> lines = new ArrayList<>();
            assertEquals(4, DreamSubmission.forEach(file, lines::add));
            assertEquals(new DreamSubmission.Line(1, "chr20", 50_000_000, 50_000_200, 0.91), lines.get(0));
            assertEquals(new DreamSubmission.Line(3, "chr20", 50_000_100, 50_000_300, 0.001), lines.get(2));
            assertEquals("chr21", lines.get(3).contig());
        }
    }

    /** Windows named "20" (as in the kit's shards) match the submission's "chr20"; extra lines are counted. */
    @Test
    void joinsWindowsByContigStartAndEnd() throws IOException {
        Path file = Files.writeString(tmp.resolve("s.tab"), SUBMISSION);
        DreamSubmission.Joined joined = DreamSubmission.join(file, List.of("20", "20", "chr20"),
                new long[] {50_000_100, 50_000_000, 50_000_050}, new long[] {50_000_300, 50_000_200, 50_000_250},
                new boolean[] {true, true, true});
        assertArrayEquals(new float[] {0.001f, 0.91f, 0.25f}, joined.scores());
        assertEquals(4, joined.lines());
        assertEquals(1, joined.unmatched(), "chr21's line matches no window");
    }

    @Test
    void aMissingWindowIsAnErrorNamingItUnlessItNeedsNoScore() throws IOException {
        Path file = Files.writeString(tmp.resolve("s.tab"), SUBMISSION);
        List<String> contigs = List.of("chr20", "chr20");
        long[] start = {50_000_000, 50_000_400};
        long[] end = {50_000_200, 50_000_600};
        BadInputException e = assertThrows(BadInputException.class,
                () -> DreamSubmission.join(file, contigs, start, end, new boolean[] {true, true}));
        assertTrue(e.getMessage().contains("s.tab") && e.getMessage().contains("chr20:50000400-50000600"), e.getMessage());
        DreamSubmission.Joined joined = DreamSubmission.join(file, contigs, start, end, new boolean[] {true, false});
        assertEquals(0.91f, joined.scores()[0]);
        assertTrue(Float.isNaN(joined.scores()[1]), "an excluded window without a line has no score");
    }

    @Test
    void badLinesNameTheFileAndLine() throws IOException {
        String[][] cases = {
            {"chr20\t0\t200\t0.5\nchr\tstart\tstop\tprobability\n", ":2:", "whole numbers"},
            {"chr20 0 200 0.5\n", ":1:", "found 1 tab-separated field"},
            {"chr20\t0\t200\n", ":1:", "found 3"},
            {"chr20\t0\t200\t0.5\nchr20\t200\t400\thigh\n", ":2:", "'high' is not a number"},
            {"chr20\t200\t100\t0.5\n", ":1:", "0 ≤ start < stop"},
            {"chr20\t0\t200\tNaN\n", ":1:", "not finite"},
            {"\t0\t200\t0.5\n", ":1:", "empty chromosome"},
        };
        for (String[] c : cases) {
            Path file = Files.writeString(tmp.resolve("bad.tab"), c[0]);
            BadInputException e = assertThrows(BadInputException.class, () -> DreamSubmission.forEach(file, l -> { }));
            assertTrue(e.getMessage().startsWith(file + c[1]) && e.getMessage().contains(c[2]), e.getMessage());
        }
        Path twice = Files.writeString(tmp.resolve("twice.tab"), "chr20\t0\t200\t0.5\nchr20\t0\t200\t0.6\n");
        BadInputException e = assertThrows(BadInputException.class, () -> DreamSubmission.join(twice, List.of("chr20"),
                new long[] {0}, new long[] {200}, new boolean[] {true}));
        assertTrue(e.getMessage().startsWith(twice + ":2:") && e.getMessage().contains("first on line 1"), e.getMessage());
        BadInputException missing = assertThrows(BadInputException.class,
                () -> DreamSubmission.forEach(tmp.resolve("absent.tab"), l -> { }));
        assertTrue(missing.getMessage().contains("absent.tab"), missing.getMessage());
    }
}
