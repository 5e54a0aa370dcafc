package org.regbert.epigenome;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.bigfiles.BigWigWriter;
import org.regbert.common.BadInputException;

/** Per-token means on both strands, worked by hand, and the checks made on opening. */
class SignalTracksTest {

    /**
     * chr1 bases 0-3 hold 1, 4-5 nothing, 6-9 hold 4 (then nothing). Window [0, 10), k = 3, step 1,
     * 8 tokens. Ascending token i covers [i, i + 3): i=0 (1,1,1) 1; i=1 (1,1,1) 1; i=2 (1,1,-) 1;
     * i=3 (1,-,-) 1; i=4 (-,-,4) 4; i=5 (-,4,4) 4; i=6 4; i=7 4. No token is all missing here, so a
     * window at [20, 30) (no data at all) gives NaN everywhere. On strand -1 token j is ascending
     * token 7 - j, so the order reverses.
     */
    @Test
    void perTokenMeansOnBothStrands(@TempDir Path dir) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put("chr1", 100L);
        Path bw = dir.resolve("K562.bw");
        try (BigWigWriter writer = BigWigWriter.create(bw, sizes)) {
            writer.add("chr1", 0, 4, 1f);
            writer.add("chr1", 6, 10, 4f);
        }
        ReferenceContigs reference = ReferenceContigs.of(Map.of("1", 100L), Map.of("chr1", "1"));
        SignalTracks tracks = SignalTracks.open(List.of(TrackSpec.parse(bw.toString())), reference, null);
        assertEquals(List.of("K562"), tracks.names());
        float[] out = new float[8];
        try (SignalTracks.Reader reader = tracks.reader(0)) {
            reader.fill("1", 0, 8, 1, 3, 1, 10, out, 0);
            assertArrayEquals(new float[] {1, 1, 1, 1, 4, 4, 4, 4}, out);
            reader.fill("1", 0, 8, 1, 3, -1, 10, out, 0);
            assertArrayEquals(new float[] {4, 4, 4, 4, 1, 1, 1, 1}, out);
            reader.fill("1", 20, 8, 1, 3, 1, 30, out, 0);
            for (float v : out) {
                assertTrue(Float.isNaN(v));
            }
            // Tokens of a window [2, 8) with k = 2, step 2 (non-overlapping): [2,4) 1, [4,6) NaN, [6,8) 4.
            float[] three = new float[3];
            reader.fill("1", 2, 3, 2, 2, 1, 8, three, 0);
            assertEquals(1f, three[0]);
            assertTrue(Float.isNaN(three[1]));
            assertEquals(4f, three[2]);
        }
    }

    @Test
    void wrongAssemblyAndDuplicateNamesAreRefused(@TempDir Path dir) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put("chr1", 90L);
        Path bw = dir.resolve("K562.bw");
        try (BigWigWriter writer = BigWigWriter.create(bw, sizes)) {
            writer.add("chr1", 0, 4, 1f);
        }
        ReferenceContigs reference = ReferenceContigs.of(Map.of("chr1", 100L), Map.of());
        BadInputException e = assertThrows(BadInputException.class,
                () -> SignalTracks.open(List.of(TrackSpec.parse(bw.toString())), reference, null));
        assertTrue(e.getMessage().contains("wrong assembly"), e.getMessage());
        ReferenceContigs same = ReferenceContigs.of(Map.of("chr1", 90L), Map.of());
        BadInputException twice = assertThrows(BadInputException.class,
                () -> SignalTracks.open(List.of(TrackSpec.parse(bw.toString()), TrackSpec.parse(bw.toString())), same,
                        null));
        assertTrue(twice.getMessage().contains("CELL.MARK"), twice.getMessage());
    }
}
