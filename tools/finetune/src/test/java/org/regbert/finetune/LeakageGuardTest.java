package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.regbert.pretrain.PretrainingWindows;
import org.regbert.shards.SequenceRecord;

/**
 * finetune's leakage guard: the test windows against the windows the checkpoint was pre-trained on
 * (expected counts worked by hand in {@link LeakageShards}), with real DJL training steps.
 */
class LeakageGuardTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path dir;

    @BeforeAll
    static void fixture() throws Exception {
        dir = Stages.tempDir("regbert-leakage-finetune-");
        LeakageShards.windows();
    }

    private static Stages.Run finetune(Object base, String out, String... more) throws Exception {
        List<Object> a = new java.util.ArrayList<>(List.of(base instanceof Path ? "--checkpoint" : "--from-scratch"));
        if (base instanceof Path) {
            a.add(base);
        }
        a.addAll(List.of("--shards", LeakageShards.labelled(), "--task", "dhs", "--max-steps", 2, "--batch-size", 16,
                "--device", "cpu", "--quiet", "--output", dir.resolve(out)));
        a.addAll(List.of((Object[]) more));
        return Stages.finetune(args(a.toArray()));
    }

    private static JsonNode overlap(String out) throws Exception {
        return JSON.readTree(dir.resolve(out).resolve("finetune-summary.json").toFile()).path("pretrainingOverlap");
    }

    @Test
    void aCheckpointThatExcludedTheTestWindowsFinetunesWithNoOverlap() throws Exception {
        ok(finetune(LeakageShards.clean(), "clean"));
        JsonNode o = overlap("clean");
        assertTrue(o.path("checked").asBoolean(), o.toString());
        assertEquals(LeakageShards.TEST_WINDOWS, o.path("testWindows").asInt());
        assertEquals(0, o.path("overlappingWindows").asInt(), "boundary windows share k - 1 = 5 bases, no 6-mer");
        assertEquals(0, o.path("overlapBp").asInt());
        assertEquals("MD5", o.path("contigsMatchedBy").asText());
        assertTrue(Files.isRegularFile(dir.resolve("clean/model/encoder").resolve(PretrainingWindows.FILE)),
                "the model carries the pre-training windows for evaluate");
    }

    @Test
    void aCheckpointPretrainedOnTestWindowsIsRefusedUnlessAllowed() throws Exception {
        Stages.Run refused = finetune(LeakageShards.shifted(), "refused");
        assertEquals(2, refused.exitCode(), refused.stderr());
        assertTrue(refused.stderr().contains(LeakageShards.SHIFTED_OVERLAP + " of " + LeakageShards.TEST_WINDOWS
                + " test windows (5,045 bp)"), refused.stderr());
        assertTrue(refused.stderr().contains("the first " + LeakageShards.FIRST_TEST_WINDOW + " (in pre-training"
                + " interval " + LeakageShards.SHIFTED_INTERVAL + ")"), refused.stderr());
        assertTrue(refused.stderr().contains("--allow-pretraining-overlap"), refused.stderr());
        assertFalse(Files.exists(dir.resolve("refused")), "nothing written, not even the output folder");

        Stages.Run allowed = finetune(LeakageShards.shifted(), "allowed", "--allow-pretraining-overlap");
        ok(allowed);
        assertTrue(allowed.stderr().contains("going on with test windows seen in pre-training"), allowed.stderr());
        JsonNode o = overlap("allowed");
        assertTrue(o.path("checked").asBoolean());
        assertEquals(LeakageShards.TEST_WINDOWS, o.path("testWindows").asInt());
        assertEquals(LeakageShards.SHIFTED_OVERLAP, o.path("overlappingWindows").asInt());
        assertEquals(LeakageShards.SHIFTED_OVERLAP_BP, o.path("overlapBp").asInt());
        assertTrue(Files.readString(dir.resolve("allowed/model-card.md")).contains("| pre-training overlap | "
                + "pre-training overlap: 40 of 79 test windows (5,045 bp)"));
    }

    @Test
    void aCheckpointWithoutARecordGetsAWarningAndFromScratchSaysNotPretrained() throws Exception {
        Stages.Run old = finetune(LeakageShards.unrecorded(), "unrecorded");
        ok(old);
        assertTrue(old.stderr().contains("finetune: warning: pre-training overlap not checked: the pre-trained model"
                + " records no training windows"), old.stderr());
        JsonNode o = overlap("unrecorded");
        assertFalse(o.path("checked").asBoolean());
        assertTrue(o.path("reason").asText().contains("leakage cannot be checked"));
        assertFalse(Files.exists(dir.resolve("unrecorded/model/encoder").resolve(PretrainingWindows.FILE)));

        Stages.Run scratch = finetune("scratch", "scratch");
        ok(scratch);
        assertFalse(scratch.stderr().contains("leakage cannot be checked"), scratch.stderr());
        assertEquals("not pre-trained (--from-scratch)", overlap("scratch").path("reason").asText());
    }

    /**
     * The check itself on hand-made intervals, k = 6: pre-training [100, 200) and [300, 400) on
     * contig c; test windows [195, 260) shares 5 bases (not counted), [150, 250) shares 50 (counted),
     * [150, 250) again (a second cell type: counted once), [390, 500) shares 10 (counted), [600, 700)
     * none. Counted union [150, 250) + [390, 500) in pre-training: 50 + 10 = 60 bp. A contig with
     * another MD5 than the pre-training reference's makes coordinates incomparable.
     */
    @Test
    void overlapCountsWindowsSharingAWholeKmer() {
        SequenceRecord c = new SequenceRecord("c", 1000, "0123456789abcdef0123456789abcdef");
        PretrainingWindows pretrained = new PretrainingWindows("regbert-pretraining-windows", 1, "", "test", 6,
                List.of(c), 10, 0, null, 200, Map.of("c", List.of(new long[] {100, 200}, new long[] {300, 400})));
        List<PretrainingOverlap.Window> test = List.of(new PretrainingOverlap.Window("c", 195, 260),
                new PretrainingOverlap.Window("c", 150, 250), new PretrainingOverlap.Window("c", 150, 250),
                new PretrainingOverlap.Window("c", 390, 500), new PretrainingOverlap.Window("c", 600, 700));
        PretrainingOverlap o = PretrainingOverlap.check(pretrained, List.of(c), test);
        assertTrue(o.checked());
        assertEquals(4, o.testWindows());
        assertEquals(2, o.overlappingWindows());
        assertEquals(60, o.overlapBp());
        assertEquals("c:150-250 (in pre-training interval c:100-200)", o.firstOverlap());

        // The same sequence under another name (chr-style alias) is found by its MD5.
        SequenceRecord alias = new SequenceRecord("chrc", 1000, c.md5());
        List<PretrainingOverlap.Window> aliased = List.of(new PretrainingOverlap.Window("chrc", 150, 250));
        assertEquals(1, PretrainingOverlap.check(pretrained, List.of(alias), aliased).overlappingWindows());
        // Saved predictions carry names only: matched by name.
        PretrainingOverlap byName = PretrainingOverlap.check(pretrained, null, test);
        assertEquals("name", byName.contigsMatchedBy());
        assertEquals(2, byName.overlappingWindows());

        SequenceRecord other = new SequenceRecord("c", 1000, "ffffffffffffffffffffffffffffffff");
        PretrainingOverlap incomparable = PretrainingOverlap.check(pretrained, List.of(other), test);
        assertFalse(incomparable.checked());
        assertTrue(incomparable.reason().contains("not comparable"), incomparable.reason());
        assertNull(incomparable.firstOverlap());
    }
}
