package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.regbert.metrics.PredictionsFile;
import org.regbert.pretrain.TensorFiles;

/**
 * A run stopped after step 10 (as if killed) and resumed reaches the same parameters as one that
 * ran through. Runs in its own JVM with one libtorch thread (see the pom): libtorch's CPU kernels
 * are bit-exact on one intra-op thread.
 */
class ResumeTest {

    @Test
    void killedAndResumedRunEqualsUninterruptedRunBitForBit() throws Exception {
        Path shards = KitShards.janggu();
        Path dir = Stages.tempDir("regbert-ft-resume-");
        Object[] common = {"--from-scratch", "--shards", shards, "--task", "oct4", "--max-steps", 20, "--eval-every", 5,
            "--batch-size", 16, "--patience", 0, "--ignore-states", "--quiet"};
        Path straight = dir.resolve("straight");
        ok(Stages.finetune(args(concat(common, "--output", straight))));
        Path resumed = dir.resolve("resumed");
        ok(Stages.finetune(args(concat(common, "--output", resumed, "--stop-after", 10))));
        assertTrue(Files.exists(resumed.resolve("checkpoints/step-10")));
        ok(Stages.finetune(args(concat(common, "--output", resumed, "--resume"))));

        for (String file : new String[] {"model/head.npz", "model/encoder/parameters.npz"}) {
            Map<String, TensorFiles.Tensor> a = TensorFiles.read(straight.resolve(file));
            Map<String, TensorFiles.Tensor> b = TensorFiles.read(resumed.resolve(file));
            assertEquals(a.keySet(), b.keySet());
            for (String name : a.keySet()) {
                assertArrayEquals(a.get(name).values(), b.get(name).values(), 0f, file + " " + name);
            }
        }
        assertEquals(Files.readAllLines(straight.resolve("metrics.jsonl")).size(),
                Files.readAllLines(resumed.resolve("metrics.jsonl")).size());
        // The files differ only in the model name (the output folder's name).
        assertArrayEquals(PredictionsFile.read(straight.resolve("predictions/oct4.npz")).scores(),
                PredictionsFile.read(resumed.resolve("predictions/oct4.npz")).scores(), 0f);
    }

    private static Object[] concat(Object[] a, Object... b) {
        Object[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
