package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code finetune --feature signal} on {@link SignalShards}' hand-written bigWig signal: a short real
 * run records the feature in task.json, and the features the head receives for windows 0-4 are the
 * asinh window means worked out by hand below.
 */
class SignalFeatureTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path model;

    @BeforeAll
    static void fineTune() throws Exception {
        model = Stages.tempDir("regbert-ft-signal-").resolve("run");
        ok(Stages.finetune(args("--from-scratch", "--shards", SignalShards.shards(), "--task", "dhs", "--feature",
                "signal", "--max-steps", 2, "--batch-size", 16, "--device", "cpu", "--quiet", "--output", model)));
    }

    @Test
    void theModelRecordsTheSignalFeatureAndItsColumns() throws Exception {
        JsonNode task = JSON.readTree(model.resolve("model/task.json").toFile());
        assertEquals(List.of("signal"), JSON.convertValue(task.path("features"), List.class));
        // DHS matches track DHS (signal) and DHS.H3K27ac (signal:H3K27ac); K562 is another cell type's.
        assertEquals(SignalShards.COLUMNS, JSON.convertValue(task.path("featureNames"), List.class));
        JsonNode summary = JSON.readTree(model.resolve("finetune-summary.json").toFile());
        assertEquals(SignalShards.COLUMNS, JSON.convertValue(summary.path("features"), List.class));
        try (FinetunedModel m = FinetunedModel.load(model)) {
            long inputs = m.block().head().getParameters().get(0).getValue().getArray().getShape().get(1);
            assertEquals(m.encoder().hiddenSize() + 4, inputs, "the pooled vector plus four feature columns");
        }
        assertTrue(Files.exists(model.resolve("predictions/dhs.DHS.npz")));
    }

    /**
     * Columns: asinh(DHS mean), DHS has data, asinh(H3K27ac mean), H3K27ac has data. asinh values
     * from numpy.arcsinh. H3K27ac: tokens 0, 1, 2, 0, 1, 2, ... (42 of each): mean 1, asinh(1) =
     * 0.881373587019543 in every window. DHS, by window:
     * 0: 63 tokens of 2.0 with data, the NaN rest left out: mean 2, asinh(2) = 1.4436354751788103.
     * 1: no token with data: 0, has data 0.
     * 2: 63 even tokens of 1.0 plus token 1 = 64.0: (63 + 64) / 64 = 1.984375, asinh = 1.43662584626803.
     * 3: token 0 is float16 +inf (1e6 overflows), counted as the largest half 65504: asinh = 11.783013669079226.
     * 4: all -2.0: asinh(-2) = -1.4436354751788103.
     */
    @Test
    void theHeadReceivesTheAsinhMeansOfTheTokensWithData() throws Exception {
        float h3k27ac = 0.881373587019543f;
        float[][] expected = {
            {1.4436354751788103f, 1, h3k27ac, 1},
            {0, 0, h3k27ac, 1},
            {1.43662584626803f, 1, h3k27ac, 1},
            {11.783013669079226f, 1, h3k27ac, 1},
            {-1.4436354751788103f, 1, h3k27ac, 1},
        };
        try (FinetunedModel m = FinetunedModel.load(model);
                ShardInputs inputs = new ShardInputs(SignalShards.shards(), m.spec(), m.encoder())) {
            String dhs = "DHS";
            InputBatch batch = inputs.fill(new int[5], new int[] {0, 1, 2, 3, 4}, new String[] {dhs, dhs, dhs, dhs, dhs},
                    5);
            assertEquals(4, batch.featureCount);
            for (int w = 0; w < 5; w++) {
                float[] got = java.util.Arrays.copyOfRange(batch.features, w * 4, w * 4 + 4);
                assertArrayEquals(expected[w], got, 1e-6f, "window " + w);
            }
        }
    }

    @Test
    void asinhIsPreciseNearZeroAndForLargeNegativeValues() {
        // numpy.arcsinh(1e-8) = 1e-08 (ln(x + sqrt(x^2 + 1)) in doubles gives 9.999999889225291e-09),
        // numpy.arcsinh(-1e4) = -9.903487555036127.
        assertEquals(1e-8, WindowSignal.asinh(1e-8), 1e-22);
        assertEquals(-9.903487555036127, WindowSignal.asinh(-1e4), 1e-14);
        assertEquals(0.0, WindowSignal.asinh(0.0));
    }

    @Test
    void shardsWithoutSignalAreRefusedWithTheAlignOption() throws Exception {
        Path out = Stages.tempDir("regbert-ft-signal-bad-").resolve("run");
        Stages.Run run = Stages.finetune(args("--from-scratch", "--shards", LeakageShards.labelled(), "--task", "dhs",
                "--feature", "signal", "--max-steps", 1, "--device", "cpu", "--output", out));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("has no 'signal' array (with 'signal_tracks')")
                && run.stderr().contains("regbert align --signal"), run.stderr());
        assertFalse(Files.exists(out), "a refused run leaves no output folder behind");
    }
}
