package org.regbert.align;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.shards.NpyArray;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;

/**
 * Chromatin states and peak accessibility per token from the kit's real files: the hg18 chr11
 * 10-state ChromHMM segmentations of GM12878 and K562 on windows over a reference the test makes
 * with hg18 chr11's length (the kit has no hg18 sequence), and the DHS master list on hg19 chr20.
 */
class AlignStatesTest {
    static final long HG18_CHR11 = 134_452_384L;

    @TempDir
    Path dir;

    record Segment(long start, long end, String state) {
    }

    static List<Segment> segments(Path file, String contig, int nameColumn) throws IOException {
        List<Segment> segments = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String[] f = line.split("\t");
                if (f[0].equals(contig)) {
                    segments.add(new Segment(Long.parseLong(f[1]), Long.parseLong(f[2]),
                            nameColumn < f.length ? f[nameColumn] : "open"));
                }
            }
        }
        return segments;
    }

    /** The segment holding the whole k-mer [from, from + k), or null at a boundary or gap. */
    static Segment covering(List<Segment> segments, long from, int k) {
        for (Segment s : segments) {
            if (s.start <= from && from + k <= s.end) {
                return s;
            }
        }
        return null;
    }

    @Test
    void chromHmmSegmentationsOfTwoCellTypesMatchTheBedFiles() throws IOException {
        Path shards = TestShards.tiledReference(dir, TestShards.sizes("chr11", HG18_CHR11), "hg18", 1000, 997_000);
        Path folder = TestShards.kitData().resolve("chromhmm/segmentation-hg18-chr11-10state");
        Path gm = folder.resolve("GM12878_10_segments.bed.gz");
        Path k562 = folder.resolve("K562_10_segments.bed.gz");
        Path out = dir.resolve("out");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--states", gm.toString(), "--states",
                k562.toString(), "--output", out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());

        List<List<Segment>> truth = List.of(segments(gm, "chr11", 3), segments(k562, "chr11", 3));
        try (TokenShard shard = TokenShard.open(ShardSet.list(out).get(0))) {
            NpyArray states = shard.array("states");
            NpyArray cellTypes = shard.array("states_cell_types");
            assertEquals("GM12878", cellTypes.getString(0));
            assertEquals("K562", cellTypes.getString(1));
            JsonNode vocabulary = shard.manifest().annotations().get("states").get("vocabulary").get("names");
            long windows = shard.windows();
            int tokens = (int) states.shape()[2];
            NpyArray starts = shard.array("start");
            long checked = 0;
            for (int c = 0; c < 2; c++) {
                for (int w = 0; w < windows; w++) {
                    long start = starts.getLong(w);
                    for (int j = 0; j < tokens; j += 7) {
                        Segment expected = covering(truth.get(c), start + j, 6);
                        if (expected == null) {
                            continue;
                        }
                        int id = states.getByte(((long) c * windows + w) * tokens + j) & 0xFF;
                        assertEquals(expected.state, vocabulary.get(id).asText(),
                                "cell type " + c + " at chr11:" + (start + j));
                        checked++;
                    }
                }
            }
            assertTrue(checked > 20_000, "tokens checked: " + checked);
            assertEquals(11, vocabulary.size(), "none + 10 states");
        }
    }

    @Test
    void dhsPeaksGiveOpenAndClosedTokensOnChr20() throws IOException {
        Path shards = TestShards.tiledReference(dir, TestShards.sizes("20", 63_025_520L), "hg19", 2000, 250_000);
        Path dhs = TestShards.kitData().resolve("accessibility/uw-dhs-master.hg19.bed.gz");
        Path out = dir.resolve("out");
        TestShards.Run run = TestShards.align("--shards", shards.toString(), "--peaks", dhs + ":DHS",
                "--contig-alias", "chr20=20", "--skip-missing-contigs", "--output", out.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        List<Segment> peaks = segments(dhs, "chr20", 99);
        try (TokenShard shard = TokenShard.open(ShardSet.list(out).get(0))) {
            NpyArray states = shard.array("peaks");
            JsonNode names = shard.manifest().annotations().get("peaks").get("vocabulary").get("names");
            int tokens = (int) states.shape()[2];
            NpyArray starts = shard.array("start");
            long open = 0;
            for (int w = 0; w < shard.windows(); w++) {
                long start = starts.getLong(w);
                List<Segment> near = peaks.stream().filter(p -> p.start < start + 2000 && p.end > start).toList();
                for (int j = 0; j < tokens; j += 3) {
                    String state = names.get(states.getByte((long) w * tokens + j) & 0xFF).asText();
                    long from = start + j;
                    boolean inside = covering(near, from, 6) != null;
                    boolean outside = near.stream().noneMatch(p -> p.start < from + 6 && p.end > from);
                    if (inside) {
                        assertEquals("open", state, "chr20:" + (start + j));
                        open++;
                    } else if (outside) {
                        assertEquals("closed", state, "chr20:" + (start + j));
                    }
                }
            }
            assertTrue(open > 100, "open tokens checked: " + open);
        }
        // 1,822,547 DHSs in the master list, 47,941 of them on chr20.
        assertTrue(run.stderr().contains("peaks: 1,774,606 lines skipped on contigs the reference lacks"), run.stderr());
    }
}
