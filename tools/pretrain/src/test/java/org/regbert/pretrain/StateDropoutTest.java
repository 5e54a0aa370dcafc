package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.shards.KmerVocabulary;

/**
 * EBERT's state dropout: the share of training windows shown with every state "no annotation" (0),
 * as fine-tuning with --ignore-states shows them; held-out windows always keep their states. The
 * shards' random states are 1 or 2 on every token, so a window reads all 0 only when dropped.
 */
class StateDropoutTest {
    private static PretrainConfig config(double dropout) {
        ObjectNode overrides = ConfigLoader.JSON.createObjectNode();
        overrides.put("model", "ebert");
        overrides.putObject("training").put("batchSize", 16).put("seed", 7);
        overrides.putObject("data").put("stateDropout", dropout);
        return ConfigLoader.resolve(ConfigLoader.JSON.createObjectNode(), overrides, null);
    }

    /** [windows with every state 0, windows] over the batches. */
    private static int[] dropped(List<Batch> batches, int length) {
        int all = 0;
        int windows = 0;
        for (Batch b : batches) {
            for (int j = 0; j < b.size; j++) {
                boolean none = true;
                int annotated = 0;
                for (int p = j * length + 1; p < (j + 1) * length; p++) {
                    if (b.tokens[p] == KmerVocabulary.SEP || b.tokens[p] == KmerVocabulary.PAD) {
                        break;
                    }
                    none &= b.states[p] == 0;
                    annotated++;
                }
                assertTrue(annotated > 0);
                all += none ? 1 : 0;
                windows++;
            }
        }
        return new int[] {all, windows};
    }

    private static int[] trainingWindowsDropped(Path shards, double dropout) throws Exception {
        PretrainConfig config = config(dropout);
        try (ShardCorpus corpus = new ShardCorpus(shards, config)) {
            Sampler sampler = new Sampler(corpus, config, PretrainRun.vocabularies(corpus, config));
            List<Batch> batches = new java.util.ArrayList<>();
            for (int step = 1; step <= 50; step++) {
                batches.addAll(List.of(sampler.trainStep(step)));
            }
            int[] held = dropped(sampler.evalBatches(), sampler.length());
            assertEquals(0, held[0], "held-out windows keep their states");
            return dropped(batches, sampler.length());
        }
    }

    @Test
    void aboutTheGivenShareOfTrainingWindowsLoseTheirStatesAndNoneWithoutDropout(@TempDir Path dir) throws Exception {
        Path shards = TestShards.withArrays(TestShards.randomTokens(dir.resolve("raw"), 400, 40, 6, 200, 7),
                dir.resolve("annotated"), List.of(TestShards.randomStates("peaks", 1, 3, 11),
                TestShards.strings("peaks_cell_types", List.of("GM12878")), TestShards.split(3, 0.1)),
                java.util.Map.of("peaks", java.util.Map.of("vocabulary", List.of("no annotation", "closed", "open"))));
        int[] none = trainingWindowsDropped(shards, 0);
        assertEquals(0, none[0], "no window without dropout");
        int[] half = trainingWindowsDropped(shards, 0.5);
        assertEquals(800, half[1]);
        // 800 windows: the share's standard deviation is 0.018, so 0.4..0.6 fails a broken dropout only
        double share = half[0] / (double) half[1];
        assertTrue(share > 0.4 && share < 0.6, "share of windows without states: " + share);
    }

    @Test
    void aDropoutOfOneOrMoreIsBadInput() {
        org.regbert.common.BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.regbert.common.BadInputException.class, () -> config(1.0));
        assertTrue(e.getMessage().contains("data.stateDropout"), e.getMessage());
    }
}
