package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.regbert.finetune.Stages.args;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Bad usage and bad input: exit 2, a message naming the problem, nothing written. */
class BadInputTest {

    @Test
    void anOutputAnotherRunIsWritingIsRefused() throws Exception {
        Path out = Stages.tempDir("regbert-ft-bad-").resolve("run");
        try (org.regbert.common.OutputLock other = org.regbert.common.OutputLock.acquire(out)) {
            Stages.Run run = Stages.finetune(args("--from-scratch", "--shards", KitShards.janggu(), "--task", "oct4",
                    "--output", out));
            assertEquals(2, run.exitCode(), run.stderr());
            assertTrue(run.stderr().contains(out + ": another regbert run"), run.stderr());
            assertFalse(run.stderr().contains("\tat "), run.stderr());
            assertFalse(Files.exists(out), "the refused run wrote nothing");
        }
    }

    @Test
    void anEncoderLrScaleOutsideZeroToOneIsRefused() throws Exception {
        for (String scale : new String[] {"-0.1", "1.5", "NaN"}) {
            Path out = Stages.tempDir("regbert-ft-bad-").resolve("run");
            Stages.Run run = Stages.finetune(args("--from-scratch", "--shards", KitShards.janggu(), "--task", "oct4",
                    "--encoder-lr-scale", scale, "--output", out));
            assertEquals(2, run.exitCode(), run.stderr());
            assertTrue(run.stderr().contains("--encoder-lr-scale " + Double.parseDouble(scale)
                    + ": expected a fraction in [0, 1]"), run.stderr());
            assertFalse(Files.exists(out));
        }
    }

    @Test
    void needsExactlyOneOfCheckpointAndFromScratch() throws Exception {
        Path out = Stages.tempDir("regbert-ft-bad-").resolve("run");
        Stages.Run run = Stages.finetune(args("--shards", KitShards.janggu(), "--task", "oct4", "--output", out));
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("--checkpoint DIR and --from-scratch"), run.stderr());
        assertFalse(Files.exists(out));
    }

    @Test
    void unknownTaskNamesTheShardAndTheTasksThere() throws Exception {
        Path out = Stages.tempDir("regbert-ft-bad-").resolve("run");
        Stages.Run run = Stages.finetune(args("--from-scratch", "--shards", KitShards.janggu(), "--task", "ctcf",
                "--output", out));
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("no labels for task 'ctcf'") && run.stderr().contains("oct4"), run.stderr());
        assertTrue(run.stderr().contains("shard-00000.npz"), run.stderr());
        assertFalse(Files.exists(out), "a refused run leaves no output folder behind");
    }

    @Test
    void aFineTunedModelFolderGivenAsCheckpointSaysWhatItIs() throws Exception {
        // The layout a fine-tuning run leaves (RunFiles): model/ with task.json and encoder/, task-plan.json,
        // and checkpoints/latest naming a step folder, which holds no pre-training parameters.npz.
        Path ft = Stages.tempDir("regbert-ft-bad-").resolve("ft");
        Files.createDirectories(ft.resolve("model/encoder"));
        Files.writeString(ft.resolve("model/task.json"), "{}");
        Files.writeString(ft.resolve("task-plan.json"), "{}");
        Files.createDirectories(ft.resolve("checkpoints/step-00000004"));
        Files.writeString(ft.resolve("checkpoints/step-00000004/task.json"), "{}");
        Files.writeString(ft.resolve("checkpoints/latest"), "step-00000004\n");
        Path out = ft.resolveSibling("run");
        Stages.Run run = Stages.finetune(args("--checkpoint", ft, "--shards", KitShards.janggu(), "--task", "oct4",
                "--output", out));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(ft + ": is a fine-tuned model folder ('regbert finetune' output), not a"
                + " pre-trained checkpoint: pass a 'regbert pretrain' output directory"), run.stderr());
        assertTrue(run.stderr().contains("--resume"), run.stderr());
        assertFalse(run.stderr().contains("not a complete checkpoint"), run.stderr());
        assertFalse(Files.exists(out), "nothing left behind");
    }

    @Test
    void binaryHeadOnThreeClassLabelsIsRefused() throws Exception {
        Path out = Stages.tempDir("regbert-ft-bad-").resolve("run");
        Stages.Run run = Stages.finetune(args("--from-scratch", "--shards", KitShards.splice(), "--task", "splice",
                "--head", "binary", "--output", out));
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("--head multiclass"), run.stderr());
    }

    @Test
    void aNonEmptyOutputIsNotOverwrittenUnlessAsked() throws Exception {
        Path out = Stages.tempDir("regbert-ft-bad-").resolve("run");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        Stages.Run run = Stages.finetune(args("--from-scratch", "--shards", KitShards.janggu(), "--task", "oct4",
                "--output", out));
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("--overwrite"), run.stderr());
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
    }

    @Test
    void resumeWithoutCheckpointIsABadInput() throws Exception {
        Path out = Stages.tempDir("regbert-ft-bad-").resolve("run");
        Stages.Run run = Stages.finetune(args("--from-scratch", "--shards", KitShards.janggu(), "--task", "oct4",
                "--resume", "--output", out));
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("no fine-tuning checkpoint"), run.stderr());
    }
}
