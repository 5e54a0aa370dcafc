package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Presets, then the config file, then the command line; the resolved config round-trips. */
class ConfigTest {
    @Test
    void presetsFileAndOverridesResolveInOrder(@TempDir Path dir) throws Exception {
        Path yaml = Files.writeString(dir.resolve("c.yaml"), "model: genebert\npreset: small\n"
                + "architecture:\n  layers: 3\n  dropout: 0.2\ntraining:\n  steps: 777\n  learningRate: 0.0003\n"
                + "genebert:\n  weights: {msm: 1.0, mrm: 0.5, srm: 2.0}\n");
        ObjectNode overrides = ConfigLoader.JSON.createObjectNode();
        overrides.putObject("training").put("steps", 50);
        PretrainConfig c = ConfigLoader.resolve(ConfigLoader.readFile(yaml), overrides, yaml);
        assertEquals("genebert", c.model);
        assertEquals("small", c.preset);
        assertEquals(3, c.architecture.layers, "file over preset");
        assertEquals(256, c.architecture.hidden, "preset where the file is silent");
        assertEquals(512, c.architecture.maxLength);
        assertEquals(0.2, c.architecture.dropout);
        assertEquals(50, c.training.steps, "command line over file");
        assertEquals(3e-4, c.training.learningRate);
        assertEquals(8, c.training.batchSize);
        assertEquals(0.5, c.genebert.weights.mrm);
        assertEquals(5, c.warmupSteps(), "10% of the steps by default");

        PretrainConfig back = ConfigLoader.fromTree(ConfigLoader.JSON.readTree(ConfigLoader.toJson(c)), null);
        assertEquals(ConfigLoader.toTree(c), ConfigLoader.toTree(back), "the saved config reads back identically");

        ObjectNode base = ConfigLoader.JSON.createObjectNode();
        base.put("preset", "base");
        PretrainConfig bert = ConfigLoader.resolve(ConfigLoader.JSON.createObjectNode(), base, null);
        assertEquals(List.of(12, 768, 12, 3072), List.of(bert.architecture.layers, bert.architecture.hidden,
                bert.architecture.heads, bert.architecture.intermediate), "base is BERT-base");
        PretrainConfig tiny = ConfigLoader.resolve(ConfigLoader.JSON.createObjectNode(),
                ConfigLoader.JSON.createObjectNode(), null);
        assertEquals("tiny", tiny.preset);
        assertEquals("ebert", tiny.model);
        assertTrue(tiny.architecture.alibi);
        assertEquals("composed", tiny.architecture.kmerInit);
        assertFalse(tiny.data.maskStates);
    }
}
