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
            Path shards = TinyModels.shards(dir, model);
            com.fasterxml.jackson.databind.node.ObjectNode overrides = TinyModels.overrides(model, shards);
            ((com.fasterxml.jackson.databind.node.ObjectNode) overrides.get("training")).put("accumulation", 2);
            ((com.fasterxml.jackson.databind.node.ObjectNode) overrides.get("architecture")).put("dropout", 0.1);
            ((com.fasterxml.jackson.databind.node.ObjectNode) overrides.get("data")).put("maskStates", model.equals("ebert"));
            PretrainConfig config = TinyModels.config(overrides);
            Engine engine = Engine.getEngine("PyTorch");
            try (TinyModels.Setup setup = new TinyModels.Setup(config, 1)) {
                NDManager manager = setup.manager;
                Sampler sampler = setup.sampler;
                PretrainingModel block = setup.model;
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
}
