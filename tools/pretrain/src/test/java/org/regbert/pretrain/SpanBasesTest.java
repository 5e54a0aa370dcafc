package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --span-bases} reaches the masking: with h hidden bases every target run in a training
 * batch is k + h - 1 tokens long (6-mers, h = 3: 8 tokens; runs never merge, spans are one token
 * apart), and the run records the setting in its model card.
 */
class SpanBasesTest {
    /** Lengths of the runs of consecutive masked positions, over a sampler's first 20 steps. */
    private static List<Integer> runLengths(Path shards, int spanBases) throws Exception {
        ObjectNode overrides = ConfigLoader.JSON.createObjectNode();
        overrides.put("model", "ebert");
        overrides.putObject("training").put("batchSize", 8).put("seed", 3);
        overrides.putObject("data").put("spanBases", spanBases);
        PretrainConfig config = ConfigLoader.resolve(ConfigLoader.JSON.createObjectNode(), overrides, null);
        List<Integer> runs = new ArrayList<>();
        try (ShardCorpus corpus = new ShardCorpus(shards, config)) {
            Sampler sampler = new Sampler(corpus, config, PretrainRun.vocabularies(corpus, config));
            for (int step = 1; step <= 20; step++) {
                for (Batch b : sampler.trainStep(step)) {
                    int[] p = b.maskedPositions;
                    for (int i = 0, start = 0; i < p.length; i++) {
                        if (i + 1 == p.length || p[i + 1] != p[i] + 1) {
                            runs.add(i - start + 1);
                            start = i + 1;
                        }
                    }
                }
            }
        }
        return runs;
    }

    @Test
    void spansOfEightTokensForThreeHiddenBasesAndSixForTheDefault(@TempDir Path dir) throws Exception {
        Path shards = TestShards.ebertShards(dir.resolve("shards"), 40, 60);
        List<Integer> three = runLengths(shards, 3);
        List<Integer> one = runLengths(shards, 1);
        assertTrue(three.size() > 100 && one.size() > 100, three.size() + " and " + one.size() + " spans");
        assertTrue(three.stream().allMatch(n -> n == 8), "runs with 3 hidden bases: " + three);
        assertTrue(one.stream().allMatch(n -> n == 6), "runs with 1 hidden base: " + one);
    }

    @Test
    void theModelCardRecordsTheSetting(@TempDir Path dir) throws Exception {
        Path shards = TestShards.ebertShards(dir.resolve("shards"), 20, 30);
        Path out = dir.resolve("run");
        TestShards.Run run = TestShards.pretrain("--shards", shards.toString(), "--steps", "2", "--device", "cpu",
                "--span-bases", "4", "--output", out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode card = ConfigLoader.JSON.readTree(out.resolve("model-card.json").toFile());
        assertEquals(4, card.path("data").path("spanBases").asInt(), card.toString());
    }
}
