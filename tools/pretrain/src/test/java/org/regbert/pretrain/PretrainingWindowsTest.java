package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.align.AlignCommand;
import org.regbert.common.KitData;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;
import org.regbert.tokenize.TokenizeCommand;

/**
 * The genomic intervals pre-training records: its training windows merged per contig, in every
 * checkpoint, in the model card, and kept across --resume.
 */
class PretrainingWindowsTest {

    @Test
    void windowsAreMergedPerContigWhateverTheirOrder() {
        PretrainingWindows.IntervalList list = new PretrainingWindows.IntervalList();
        // Worked by hand: [0,10) and [5,20) overlap -> [0,20); [20,25) touches it -> [0,25);
        // [30,40) and [35,38) (inside it, out of order) stay [30,40); [100,110) arrives first.
        list.add(100, 110);
        list.add(30, 40);
        list.add(0, 10);
        list.add(5, 20);
        list.add(20, 25);
        list.add(35, 38);
        List<long[]> merged = list.merged();
        assertEquals(3, merged.size());
        assertEquals(List.of(0L, 25L, 30L, 40L, 100L, 110L), List.of(merged.get(0)[0], merged.get(0)[1],
                merged.get(1)[0], merged.get(1)[1], merged.get(2)[0], merged.get(2)[1]));
    }

    /**
     * hg19 chr20:50,000,000-50,050,000 tiled in 126-token windows of 6-mers with a stride of 126
     * tokens: window i covers [50,000,000 + 126 i, + 131), i = 0..395 (floor((50,000 - 131) / 126) + 1
     * = 396 windows). Validation holdout [50,000,000, 50,010,000): windows 0..79 touch it (126 * 79 =
     * 9,954 < 10,000). Test holdout [50,045,000, 50,050,000): windows 357..395 (126 * 357 + 131 = 45,113
     * > 45,000; window 356 ends at 44,987). Training windows 80..356 (277), overlapping by 5 bases, so
     * one interval [50,010,080, 50,044,987): 34,907 bp.
     */
    @Test
    void aRunRecordsItsTrainingWindowsInEveryCheckpointTheCardAndAcrossResume(@TempDir Path dir) throws Exception {
        Path shards = alignedSlice(dir);
        long windows = 0;
        for (Path file : ShardSet.list(shards)) {
            try (TokenShard shard = TokenShard.open(file)) {
                windows += shard.windows();
            }
        }
        assertEquals(396, windows, "the tiling the expected intervals are derived from");
        List<String> common = List.of("--shards", shards.toString(), "--model", "ebert", "--preset", "tiny",
                "--batch-size", "4", "--steps", "3", "--checkpoint-every", "1", "--device", "cpu", "--quiet");
        Path out = dir.resolve("run");
        // Stopped after step 2 as if killed: step 1 is the newest checkpoint, which --resume continues.
        TestShards.Run first = TestShards.pretrain(args(common, "--stop-after", "2", "--output", out.toString()));
        assertEquals(0, first.exitCode(), first.stderr());
        assertRecorded(TestShards.json(out.resolve("checkpoints/step-00000001").resolve(PretrainingWindows.FILE)));
        TestShards.Run resumed = TestShards.pretrain(args(common, "--resume", "--output", out.toString()));
        assertEquals(0, resumed.exitCode(), resumed.stderr());
        assertRecorded(TestShards.json(out.resolve("checkpoints/step-00000003").resolve(PretrainingWindows.FILE)));
        assertRecorded(TestShards.json(out.resolve(ModelCard.JSON_FILE)).path("data").path("trainingIntervals"));
        try (PretrainedModel model = PretrainedModel.load(out)) {
            assertEquals(34_907, model.pretrainingWindows().bases());
        }
        assertTrue(Files.readString(out.resolve(ModelCard.MARKDOWN_FILE))
                .contains("- trainingIntervals: 1 merged intervals on 1 contigs, 34,907 bp"));

        // Resumed from a checkpoint that records nothing (an older run): nothing is claimed.
        Path old = dir.resolve("old");
        assertEquals(0, TestShards.pretrain(args(common, "--stop-after", "2", "--output", old.toString())).exitCode());
        Files.delete(old.resolve("checkpoints/step-00000001").resolve(PretrainingWindows.FILE));
        TestShards.Run again = TestShards.pretrain(args(common, "--resume", "--output", old.toString()));
        assertEquals(0, again.exitCode(), again.stderr());
        assertFalse(Files.exists(old.resolve("checkpoints/step-00000003").resolve(PretrainingWindows.FILE)));
        assertTrue(again.stderr().contains("records no training windows"), again.stderr());
        assertTrue(TestShards.json(old.resolve(ModelCard.JSON_FILE)).path("data").path("trainingIntervals").asText()
                .startsWith("not recorded"));
    }

    private static void assertRecorded(JsonNode w) {
        assertEquals("regbert-pretraining-windows", w.path("format").asText());
        assertEquals(277, w.path("windows").asLong());
        assertEquals(0, w.path("coordinateLessWindows").asLong());
        assertEquals(6, w.path("k").asInt());
        assertEquals("hg19", w.path("assembly").asText());
        assertEquals(34_907, w.path("bases").asLong());
        assertEquals("[[50010080,50044987]]", w.path("intervals").path("20").toString());
        assertEquals(1, w.path("intervals").size());
        JsonNode contig = w.path("reference").get(0);
        assertEquals("20", contig.path("name").asText());
        assertEquals(63_025_520L, contig.path("length").asLong());
        assertEquals(32, contig.path("md5").asText().length());
    }

    /** The slice tokenized and aligned with DHS accessibility, validation and test holdouts. */
    static Path alignedSlice(Path dir) throws Exception {
        Path bed = dir.resolve("slice.bed");
        Files.writeString(bed, "20\t50000000\t50050000\n");
        Path tokens = dir.resolve("tokens");
        TestShards.Run t = TestShards.run(new TokenizeCommand(), "--reference", KitData.chr20().toString(), "--regions",
                bed.toString(), "--kmer", "6", "--window", "126", "--stride", "126", "--quiet", "--output",
                tokens.toString());
        assertEquals(0, t.exitCode(), t.stderr());
        Path aligned = dir.resolve("aligned");
        TestShards.Run a = TestShards.run(new AlignCommand(), "--shards", tokens.toString(), "--peaks",
                KitData.root().resolve("accessibility/uw-dhs-master.hg19.bed.gz") + ":DHS", "--contig-alias",
                "chr20=20", "--skip-missing-contigs", "--valid", "20:50000000-50010000", "--test", "20:50045000-50050000",
                "--quiet", "--output", aligned.toString());
        assertEquals(0, a.exitCode(), a.stderr());
        return aligned;
    }

    private static String[] args(List<String> common, String... more) {
        List<String> all = new java.util.ArrayList<>(common);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
