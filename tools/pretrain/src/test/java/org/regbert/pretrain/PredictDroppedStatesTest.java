package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.BadInputException;
import org.regbert.shards.KmerVocabulary;
import org.regbert.shards.NpyDType;

/**
 * {@code --predict-dropped-states}: the windows state dropout shows without states become state
 * targets at every token. The test shards' state at a token is a function of the token itself
 * (1 + the k-mer id's parity, i.e. whether the k-mer's last base is T or G), so each target is
 * derived here from the batch's own, unmasked tokens, independently of how the sampler reads states.
 */
class PredictDroppedStatesTest {
    private static final int WINDOW_TOKENS = 40;

    /** States [1, N, L]: 1 + parity of the token at that place. */
    private static TestShards.Extra parityStates() {
        return new TestShards.Extra("peaks", NpyDType.UINT8, (s, n) -> new long[] {1, n, s.tokens().shape()[1]},
                (s, n) -> {
                    int l = (int) s.tokens().shape()[1];
                    ByteBuffer data = ByteBuffer.allocate((int) (n * l));
                    for (int i = 0; i < data.capacity(); i++) {
                        data.put(i, (byte) (1 + (s.tokens().getUnsignedShort(i) & 1)));
                    }
                    return data;
                });
    }

    private static Path shards(Path dir) throws Exception {
        return TestShards.withArrays(TestShards.randomTokens(dir.resolve("raw"), 300, WINDOW_TOKENS, 6, 100, 5),
                dir.resolve("annotated"), List.of(parityStates(),
                        TestShards.strings("peaks_cell_types", List.of("GM12878")), TestShards.split(3, 0.1)),
                Map.of("peaks", Map.of("vocabulary", List.of("no annotation", "closed", "open"))));
    }

    private static PretrainConfig config(boolean maskStates) {
        ObjectNode overrides = ConfigLoader.JSON.createObjectNode();
        overrides.put("model", "ebert");
        overrides.putObject("training").put("batchSize", 16).put("seed", 11);
        overrides.putObject("data").put("stateDropout", 0.5).put("predictDroppedStates", true)
                .put("maskStates", maskStates);
        return ConfigLoader.resolve(ConfigLoader.JSON.createObjectNode(), overrides, null);
    }

    /** The batch's tokens before masking: masked positions get their targets back. */
    private static int[] originalTokens(Batch b) {
        int[] tokens = b.tokens.clone();
        for (int i = 0; i < b.maskedPositions.length; i++) {
            tokens[b.maskedPositions[i]] = b.targets[i];
        }
        return tokens;
    }

    /** Checks one batch; returns [windows shown without states, windows]. */
    private static int[] check(Batch b, boolean maskStates) {
        int[] original = originalTokens(b);
        Map<Integer, Integer> expected = new HashMap<>();
        List<Integer> masked = new ArrayList<>();
        for (int p : b.maskedPositions) {
            masked.add(p);
        }
        int hidden = 0;
        for (int j = 0; j < b.size; j++) {
            int first = j * b.length + 1;
            int end = first;
            while (end < (j + 1) * b.length && b.tokens[end] != KmerVocabulary.SEP) {
                end++;
            }
            assertEquals(WINDOW_TOKENS, end - first);
            boolean none = true;
            for (int p = first; p < end; p++) {
                none &= b.states[p] == 0;
            }
            hidden += none ? 1 : 0;
            for (int p = first; p < end; p++) {
                int state = 1 + (original[p] & 1);
                if (none) {
                    expected.put(p, state);
                } else if (maskStates && masked.contains(p)) {
                    expected.put(p, state);
                    assertEquals(3, b.states[p], "a masked token's state is the [MASK] state (id 3)");
                } else {
                    assertEquals(state, b.states[p], "a shown state is the shard's state");
                }
            }
        }
        Map<Integer, Integer> actual = new HashMap<>();
        for (int i = 0; i < b.statePositions.length; i++) {
            assertNull(actual.put(b.statePositions[i], b.stateTargets[i]), "position predicted twice");
        }
        assertEquals(expected, actual);
        return new int[] {hidden, b.size};
    }

    @Test
    void everyTokenOfAWindowShownWithoutStatesIsATargetWithItsTrueState(@TempDir Path dir) throws Exception {
        Path shards = shards(dir);
        for (boolean maskStates : new boolean[] {false, true}) {
            PretrainConfig config = config(maskStates);
            try (ShardCorpus corpus = new ShardCorpus(shards, config)) {
                Sampler sampler = new Sampler(corpus, config, PretrainRun.vocabularies(corpus, config));
                int hidden = 0;
                int windows = 0;
                for (int step = 1; step <= 30; step++) {
                    for (Batch b : sampler.trainStep(step)) {
                        int[] counts = check(b, maskStates);
                        hidden += counts[0];
                        windows += counts[1];
                    }
                }
                // 480 windows at 0.5: the share's standard deviation is 0.023
                double share = hidden / (double) windows;
                assertTrue(share > 0.38 && share < 0.62, "share of windows without states: " + share);
                // held-out: the odd windows of every batch are shown without states, the even ones with them
                for (Batch b : sampler.evalBatches()) {
                    check(b, maskStates);
                    for (int j = 0; j < b.size; j++) {
                        boolean none = b.states[j * b.length + 1] == 0 && b.states[j * b.length + 2] == 0;
                        assertEquals(j % 2 == 1, none, "held-out window " + j);
                    }
                }
            }
        }
    }

    @Test
    void aRealRunLearnsTheStatesFromTheDnaAndRecordsTheSetting(@TempDir Path dir) throws Exception {
        Path shards = shards(dir);
        Path out = dir.resolve("run");
        TestShards.Run run = TestShards.pretrain("--shards", shards.toString(), "--steps", "300", "--eval-every", "50",
                "--device", "cpu", "--threads", "1", "--state-dropout", "0.5", "--predict-dropped-states",
                "--output", out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode card = ConfigLoader.JSON.readTree(out.resolve("model-card.json").toFile());
        assertTrue(card.path("data").path("predictDroppedStates").asBoolean(), card.toString());
        List<Double> state = new ArrayList<>();
        for (JsonNode record : TestShards.jsonLines(out.resolve("metrics.jsonl"))) {
            if (record.path("type").asText().equals("eval")) {
                state.add(record.path("state").asDouble(Double.NaN));
            }
        }
        assertTrue(state.size() >= 2, "eval records: " + state);
        // A fair coin costs ln 2 = 0.693 nats a token; the parity is in every visible token, so a model
        // that reads the DNA ends far below it.
        double last = state.get(state.size() - 1);
        assertTrue(last < 0.35, "held-out state loss over the run: " + state);
    }

    @Test
    void predictingHiddenStatesNeedsStateDropoutAndAnEbertModel() {
        ObjectNode overrides = ConfigLoader.JSON.createObjectNode();
        overrides.put("model", "ebert");
        overrides.putObject("data").put("predictDroppedStates", true);
        BadInputException e = assertThrows(BadInputException.class,
                () -> ConfigLoader.resolve(ConfigLoader.JSON.createObjectNode(), overrides, null));
        assertTrue(e.getMessage().contains("data.predictDroppedStates"), e.getMessage());
        overrides.put("model", "genebert");
        ((ObjectNode) overrides.get("data")).put("stateDropout", 0.5);
        e = assertThrows(BadInputException.class,
                () -> ConfigLoader.resolve(ConfigLoader.JSON.createObjectNode(), overrides, null));
        assertTrue(e.getMessage().contains("EBERT"), e.getMessage());
    }
}
