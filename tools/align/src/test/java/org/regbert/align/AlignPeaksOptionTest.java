package org.regbert.align;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.shards.NpyArray;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;

/** {@code --peaks} means peaks: a BED4 such as a DHS list's name/MCV slice is no ChromHMM segmentation. */
class AlignPeaksOptionTest {
    @TempDir
    Path dir;

    @Test
    void aFourColumnBedOfOverlappingPeaksIsReadAsPeaks() throws IOException {
        Path shards = TestShards.tiledReference(dir, TestShards.sizes("20", 63_025_520L), "hg19", 1000, 20_000_000);
        // Four columns, as `cut -f1-4` of the kit's uw-dhs-master list gives; the two peaks overlap.
        Path dhs = Files.writeString(dir.resolve("dhs-slice.bed"), "20\t100\t300\tMCV-37\n20\t200\t400\tMCV-3\n");
        Path out = dir.resolve("out");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--peaks", dhs + ":DHS", "--output",
                out.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        try (TokenShard shard = TokenShard.open(ShardSet.list(out).get(0))) {
            JsonNode names = shard.manifest().annotations().get("peaks").get("vocabulary").get("names");
            assertEquals("[\"none\",\"closed\",\"open\"]", names.toString());
            NpyArray peaks = shard.array("peaks");
            int tokens = (int) peaks.shape()[2];
            // Window 0 is bases [0, 1000); token j is the 6-mer [j, j + 6). The peaks' union is [100, 400).
            // Majority of 6 bases: open from j = 98 (4 of 6 inside) to j = 397 (3 of 6, a tie that goes to
            // the first base, 397, inside); j = 97 ties too but its first base is outside. 300 open tokens.
            int open = 0;
            int first = -1;
            int last = -1;
            for (int j = 0; j < tokens; j++) {
                if (peaks.getByte(j) == 2) {
                    open++;
                    first = first < 0 ? j : first;
                    last = j;
                }
            }
            assertEquals(300, open);
            assertEquals(98, first);
            assertEquals(397, last);
        }
    }

    @Test
    void aSegmentationNamedAsSuchIsRefusedAsPeaks() throws IOException {
        Path shards = TestShards.tiledReference(dir, TestShards.sizes("20", 63_025_520L), "hg19", 1000, 20_000_000);
        Path segments = Files.writeString(dir.resolve("GM12878_15_segments.bed"), "20\t0\t5000\tE1\n");
        Path out = dir.resolve("out");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--peaks", segments.toString(),
                "--output", out.toString());
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(segments + ": given as peaks but its name says ChromHMM segmentation;"
                + " pass it with the option for that kind"), run.stderr());
        assertFalse(Files.exists(out));
    }

    @Test
    void anInvalidTrackNameAfterAnExistingFileIsNamedAsSuch() throws IOException {
        Path shards = TestShards.tiledReference(dir, TestShards.sizes("20", 63_025_520L), "hg19", 1000, 20_000_000);
        Path dhs = Files.writeString(dir.resolve("dhs.bed"), "20\t100\t300\n");
        Path out = dir.resolve("out");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--peaks", dhs + ":../../x",
                "--output", out.toString());
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(dhs + ": the file exists, but the track name '../../x' after ':'"),
                run.stderr());
        assertFalse(run.stderr().contains("no such epigenome file"), run.stderr());
        assertFalse(Files.exists(out));
    }
}
