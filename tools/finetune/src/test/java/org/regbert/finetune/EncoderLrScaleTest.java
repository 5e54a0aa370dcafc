package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.regbert.pretrain.TensorFiles;

/**
 * --encoder-lr-scale on the kit's janggu Oct4 vs Mafk records, from the same seeded scratch model.
 * AdamW's first step moves a weight by lr x (decay + m/(sqrt(v) + eps)), which is linear in the rate
 * for the same gradient, so after one step an encoder at half the rate has moved half as far as one
 * at the full rate; the head, at the full rate in every run, has moved alike; a frozen encoder (0)
 * does not move at all, however many steps the head takes.
 */
class EncoderLrScaleTest {
    private static final String ENCODER = "model/encoder/parameters.npz";
    private static final String HEAD = "model/head.npz";

    @Test
    void theEncoderMovesAtItsFractionOfTheRateAndZeroFreezesIt() throws Exception {
        Path dir = Stages.tempDir("regbert-ft-encoder-lr-");
        Path full = run(dir.resolve("full"), 1, 1);
        Path half = run(dir.resolve("half"), 0.5, 1);
        Path frozen = run(dir.resolve("frozen"), 0, 1);
        Path frozenLonger = run(dir.resolve("frozen-3"), 0, 3);

        Map<String, TensorFiles.Tensor> start = TensorFiles.read(frozen.resolve(ENCODER));
        Map<String, TensorFiles.Tensor> fullStep = TensorFiles.read(full.resolve(ENCODER));
        Map<String, TensorFiles.Tensor> halfStep = TensorFiles.read(half.resolve(ENCODER));
        double moved = 0;
        for (String name : start.keySet()) {
            float[] w0 = start.get(name).values();
            float[] w1 = fullStep.get(name).values();
            float[] wHalf = halfStep.get(name).values();
            for (int i = 0; i < w0.length; i++) {
                double step = (double) w1[i] - w0[i];
                moved = Math.max(moved, Math.abs(step));
                // float rounding of weights near 1 (LayerNorm gains) is ~1e-7; a step at lr 2e-5 is ~1e-5
                assertEquals(step / 2, (double) wHalf[i] - w0[i], 2e-7, name + "[" + i + "]");
            }
        }
        assertTrue(moved > 1e-6, "the full-rate encoder moved: " + moved);

        Map<String, TensorFiles.Tensor> frozenThree = TensorFiles.read(frozenLonger.resolve(ENCODER));
        for (String name : start.keySet()) {
            assertArrayEquals(start.get(name).values(), frozenThree.get(name).values(), 0f,
                    name + ": a frozen encoder after 1 and 3 steps");
        }
        float[] headOne = flat(TensorFiles.read(frozen.resolve(HEAD)));
        float[] headThree = flat(TensorFiles.read(frozenLonger.resolve(HEAD)));
        assertTrue(!Arrays.equals(headOne, headThree), "the frozen encoder's head trains on");
        assertArrayEquals(flat(TensorFiles.read(full.resolve(HEAD))), headOne, 1e-6f, "the head's first step");
        assertArrayEquals(flat(TensorFiles.read(half.resolve(HEAD))), headOne, 1e-6f, "the head's first step");
    }

    private static Path run(Path output, double scale, int steps) throws Exception {
        ok(Stages.finetune(args("--from-scratch", "--shards", KitShards.janggu(), "--task", "oct4", "--ignore-states",
                "--max-steps", steps, "--eval-every", steps, "--batch-size", 16, "--lr", "2e-4", "--warmup", 0,
                "--encoder-lr-scale", scale, "--quiet", "--output", output)));
        return output;
    }

    private static float[] flat(Map<String, TensorFiles.Tensor> tensors) {
        List<Float> all = new ArrayList<>();
        for (String name : tensors.keySet().stream().sorted().toList()) {
            for (float value : tensors.get(name).values()) {
                all.add(value);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }
}
