package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every array a training step or an evaluation makes is closed with the step: the run's manager
 * holds exactly the parameters and optimiser moments however many steps ran (a long run must not
 * grow), for both models.
 */
class StepResourcesTest {
    @Test
    void stepsLeaveNoArraysBehind(@TempDir Path dir) throws Exception {
        for (String model : new String[] {"ebert", "genebert"}) {
            Path shards = model.equals("ebert") ? TestShards.ebertShards(dir.resolve(model), 40, 30)
                    : TestShards.geneBertShards(dir.resolve(model), 40, 30);
            com.fasterxml.jackson.databind.node.ObjectNode overrides = ConfigLoader.JSON.createObjectNode();
            overrides.put("model", model);
            overrides.putObject("training").put("batchSize", 4).put("accumulation", 2);
            overrides.putObject("architecture").put("maxLength", 32).put("dropout", 0.1);
            overrides.putObject("data").put("shards", shards.toString()).put("maskStates", model.equals("ebert"));
            PretrainConfig config = ConfigLoader.resolve(ConfigLoader.JSON.createObjectNode(), overrides, null);
            Engine engine = Engine.getEngine("PyTorch");
            try (ShardCorpus corpus = new ShardCorpus(shards, config);
                    NDManager manager = NDManager.newBaseManager("PyTorch")) {
                Vocabularies vocab = new Vocabularies(corpus.vocabulary(), corpus.k(), corpus.manifest().specialTokens(),
                        corpus.windowTokens(), true, model.equals("ebert") ? corpus.stateArray() : null,
                        model.equals("ebert") ? corpus.stateVocabulary() : null,
                        model.equals("ebert") ? corpus.cellTypes() : null,
                        model.equals("ebert") ? null : corpus.motifNames(), model.equals("ebert") ? 0 : corpus.regions(),
                        model.equals("ebert") ? null : new float[corpus.motifNames().size()],
                        model.equals("ebert") ? null : ones(corpus.motifNames().size()), null);
                Sampler sampler = new Sampler(corpus, config, vocab);
                PretrainingModel block = PretrainingModel.create(config, vocab);
                block.initializeParameters(manager, sampler.length());
                try (AdamW optimizer = new AdamW(manager, block.getParameters(), 0.01)) {
                    Training.step(engine, manager, block, optimizer, config, 1, 1e-3, sampler.trainStep(1));
                    int after1 = manager.getManagedArrays().size();
                    for (int step = 2; step <= 12; step++) {
                        Training.step(engine, manager, block, optimizer, config, step, 1e-3, sampler.trainStep(step));
                    }
                    Training.evaluate(block, manager, sampler.evalBatches(), model.equals("genebert"));
                    int after12 = manager.getManagedArrays().size();
                    int expected = 3 * block.getParameters().size() + 1; // + the cached ALiBi bias
                    assertEquals(after1, after12, model + ": arrays after step 1 vs step 12 and an evaluation");
                    assertTrue(after12 <= expected, model + ": " + after12 + " arrays, expected parameters and two"
                            + " moments each (" + expected + ")");
                }
            }
        }
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }
}
