package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.BadInputException;

/**
 * A checkpoint saved by a run and loaded with {@link PretrainedModel#load} holds exactly the
 * trained parameters and predicts what the run's model predicted: the held-out loss recomputed
 * with the loaded model equals the one the run logged, and two loads give identical outputs.
 */
class CheckpointTest {
    @Test
    void saveLoadPredictIsIdentical(@TempDir Path dir) throws Exception {
        Path shards = TestShards.ebertShards(dir.resolve("shards"), 80, 40);
        Path config = dir.resolve("run.json");
        Files.writeString(config, "{\"architecture\": {\"cellTypeEmbedding\": true, \"maxLength\": 42},"
                + " \"data\": {\"evalWindows\": 24}, \"training\": {\"batchSize\": 8}}");
        Path out = dir.resolve("run");
        TestShards.Run run = TestShards.pretrain("--shards", shards.toString(), "--config", config.toString(), "--steps",
                "20", "--device", "cpu", "--quiet", "--output", out.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode card = TestShards.json(out.resolve(ModelCard.JSON_FILE));
        double loggedLoss = card.path("results").path("heldOut").path("mlm").asDouble();

        try (PretrainedModel a = PretrainedModel.load(out);
                PretrainedModel b = PretrainedModel.load(Checkpoints.latest(out))) {
            assertEquals(20, a.step());
            assertEquals(64, a.hiddenSize());
            assertTrue(a.config().architecture.cellTypeEmbedding, "the saved config comes back");
            assertEquals(8, a.config().training.batchSize);
            assertEquals(List.of("GM12878", "K562"), a.vocabularies().cellTypes());
            assertEquals(List.of("no annotation", "closed", "open"), a.vocabularies().states());
            assertEquals(4101, a.vocabularies().tokens().size());
            assertNotNull(a.modelCard());

            Map<String, TensorFiles.Tensor> saved = TensorFiles.read(a.checkpoint().resolve(Checkpoints.PARAMETERS));
            for (Pair<String, Parameter> p : a.block().getParameters()) {
                assertArrayEquals(saved.get(p.getKey()).values(), p.getValue().getArray().toFloatArray(), 0f, p.getKey());
            }

            // The run's held-out batches through the loaded model: the same loss, to float rounding.
            PretrainConfig resolved = a.config();
            try (ShardCorpus corpus = new ShardCorpus(shards, resolved);
                    NDManager manager = a.model().getNDManager().newSubManager()) {
                List<Batch> batches = new Sampler(corpus, resolved, a.vocabularies()).evalBatches();
                Map<String, Double> eval = Training.evaluate(a.block(), manager, batches, false);
                assertEquals(loggedLoss, eval.get("mlm"), 1e-5, "held-out loss recomputed from the checkpoint");
            }

            int[][] windows = {{5, 6, 7, 8, 9, 10}, {100, 200, 300}};
            int[][] states = {{1, 1, 2, 2, 1, 1}, {2, 2, 2}};
            int[] cellTypes = {0, 1};
            try (NDManager m = a.model().getNDManager().newSubManager()) {
                NDArray x = a.encode(m, windows, states, cellTypes);
                NDArray y = b.encode(m, windows, states, cellTypes);
                assertEquals(new Shape(2, 8, 64), x.getShape());
                assertArrayEquals(x.toFloatArray(), y.toFloatArray(), 0f, "two loads predict identically");
                NDArray logits = a.block().mlmLogits(x);
                assertEquals(new Shape(2, 8, 4101), logits.getShape());
                // The DJL Block interface gives the same hidden states.
                NDList inputs = new NDList(m.create(new int[] {2, 5, 6, 7, 8, 9, 10, 3}, new Shape(1, 8)),
                        m.create(new int[] {0, 1, 1, 2, 2, 1, 1, 0}, new Shape(1, 8)), m.create(new int[] {0}));
                NDArray z = a.block().forward(new ParameterStore(m, false), inputs, false).singletonOrThrow();
                assertArrayEquals(x.get("0:1").toFloatArray(), z.toFloatArray(), 1e-6f);
            }
        }
        assertThrows(BadInputException.class, () -> PretrainedModel.load(dir.resolve("nowhere")));
        assertThrows(BadInputException.class, () -> PretrainedModel.load(shards));
    }

    @Test
    void checkpointsAreWrittenAtomicallyAndPruned(@TempDir Path dir) throws Exception {
        Path shards = TestShards.ebertShards(dir.resolve("shards"), 40, 30);
        Path out = dir.resolve("run");
        TestShards.Run run = TestShards.pretrain("--shards", shards.toString(), "--steps", "12", "--checkpoint-every",
                "4", "--batch-size", "4", "--device", "cpu", "--quiet", "--output", out.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        try (var listing = Files.list(out.resolve(Checkpoints.DIR))) {
            List<String> names = listing.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("latest", "step-00000008", "step-00000012"), names, "two kept, no temporaries left");
        }
        JsonNode saved = TestShards.json(Checkpoints.latest(out).resolve(Checkpoints.CONFIG));
        assertEquals(4, saved.path("training").path("batchSize").asInt());
        assertEquals("tiny", saved.path("preset").asText());
        assertEquals(2, saved.path("architecture").path("layers").asInt());
        JsonNode state = TestShards.json(Checkpoints.latest(out).resolve(Checkpoints.STATE));
        assertEquals(12, state.path("optimizerSteps").asLong());
    }
}
