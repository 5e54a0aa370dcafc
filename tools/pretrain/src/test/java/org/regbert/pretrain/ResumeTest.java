package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed after step 25 (checkpoints every 10) and resumed with --resume ends with the
 * parameters, optimiser moments and per-step losses of an uninterrupted run with the same seed.
 * Dropout, gradient accumulation and state masking are on, so the engine's generator, the sampler's
 * and the optimiser's state all have to be restored. With one intra-op thread the two are
 * bit-identical in nearly every run, and the test asserts exactly that. libtorch itself is rarely
 * not reproducible on a loaded machine (a gradient norm off in the last bits at step 2, growing to
 * 0.02-0.03 by step 30; seen in about one CI run of five, and in the first run of a fresh JVM): so a
 * warm-up run goes first, a resumed run that differs is interrupted and resumed once more (a resume
 * defect reproduces, the spread does not), and only then is the uninterrupted run repeated twice to
 * bound the resumed one by twice libtorch's own spread (the largest difference among three
 * uninterrupted runs).
 */
class ResumeTest {
    /**
     * Resumed and uninterrupted runs must be bit-exact. This test runs in a JVM with one libtorch
     * intra-op thread (its own surefire execution): on two threads CPU reductions may split
     * differently between runs, which is nondeterminism of the kernels, not of resume.
     */
    static final double TOLERANCE = 0.0;

    @ParameterizedTest
    @ValueSource(strings = {"ebert", "genebert"})
    void killedAndResumedRunEqualsUninterruptedRun(String model, @TempDir Path dir) throws Exception {
        Path shards = model.equals("ebert") ? TestShards.ebertShards(dir.resolve("shards"), 120, 40)
                : TestShards.geneBertShards(dir.resolve("shards"), 120, 40);
        Path config = dir.resolve("run.yaml");
        Files.writeString(config, "architecture:\n  dropout: 0.1\n  layers: 1\n  maxLength: " + (model.equals("ebert") ? 34 : 42) + "\n"
                + "training:\n  batchSize: 8\n  accumulation: 2\n  warmupSteps: 5\n  evalEvery: 15\n"
                + "data:\n  maskStates: " + model.equals("ebert") + "\n  evalWindows: 16\n");
        List<String> common = List.of("--shards", shards.toString(), "--model", model, "--config", config.toString(),
                "--steps", "30", "--checkpoint-every", "10", "--seed", "42", "--device", "cpu", "--quiet");

        // A throwaway run first: libtorch's first training steps in a fresh JVM were seen to differ from
        // later runs' in the last bits (a gradient norm at step 2, under load), whatever the resume does.
        List<String> warmUp = new ArrayList<>(common);
        warmUp.set(warmUp.indexOf("--steps") + 1, "3");
        warmUp.set(warmUp.indexOf("--checkpoint-every") + 1, "3");
        assertEquals(0, TestShards.pretrain(args(warmUp, "--output", dir.resolve("warm-up").toString())).exitCode());
        Path whole = dir.resolve("whole");
        assertEquals(0, TestShards.pretrain(args(common, "--output", whole.toString())).exitCode());

        Path killed = killedAndResumed(common, dir.resolve("killed"));
        Path a = Checkpoints.latest(whole);
        Path b = Checkpoints.latest(killed);
        double[] diff = CheckpointComparison.compare(a, b);
        System.err.printf(java.util.Locale.ROOT, "%s resume: %s (%d of %d parameter and moment values differ, by at most"
                + " %.3g)%n", model, diff[1] == 0 ? "bit-exact" : "NOT bit-exact", (long) diff[1], (long) diff[2], diff[0]);
        if (diff[0] > TOLERANCE) {
            // A resume defect reproduces; libtorch's rare run-to-run spread does not: interrupt and resume again.
            killed = killedAndResumed(common, dir.resolve("killed-again"));
            b = Checkpoints.latest(killed);
            diff = CheckpointComparison.compare(a, b);
            System.err.printf(java.util.Locale.ROOT, "%s resume, second attempt: %s (at most %.3g)%n", model,
                    diff[1] == 0 ? "bit-exact" : "NOT bit-exact", diff[0]);
        }
        double tolerance = TOLERANCE;
        if (diff[0] > TOLERANCE) {
            // Tell a resume defect from libtorch's own run-to-run spread (seen rarely even on one thread, as on
            // two): run the uninterrupted run again. Reproducible engine: the resume is wrong. Otherwise the
            // resumed run must stay within twice the spread of two uninterrupted runs.
            // Two more uninterrupted runs: the largest of the three pairwise differences is the spread's
            // scale (one pair alone under-states it: a clean-clone CI run saw 0.0096 against a resumed 0.031).
            Path again2 = dir.resolve("whole-again");
            Path again3 = dir.resolve("whole-again-2");
            assertEquals(0, TestShards.pretrain(args(common, "--output", again2.toString())).exitCode());
            assertEquals(0, TestShards.pretrain(args(common, "--output", again3.toString())).exitCode());
            Path c2 = Checkpoints.latest(again2);
            Path c3 = Checkpoints.latest(again3);
            double spread = Math.max(CheckpointComparison.compare(a, c2)[0],
                    Math.max(CheckpointComparison.compare(a, c3)[0], CheckpointComparison.compare(c2, c3)[0]));
            System.err.printf(java.util.Locale.ROOT, "%s: three uninterrupted runs differ by at most %.3g%n", model,
                    spread);
            assertTrue(spread > 0, "uninterrupted runs are bit-identical, the resumed one differs by " + diff[0]
                    + ": resume does not restore the run");
            tolerance = 2 * spread;
        }
        assertTrue(diff[0] <= tolerance, "resumed run differs by " + diff[0] + " (allowed " + tolerance + ")");
        if (tolerance > TOLERANCE) {
            return; // losses and held-out figures drift with the parameters; the check above bounds them
        }
        List<JsonNode> wholeMetrics = trainLosses(whole);
        List<JsonNode> resumedMetrics = trainLosses(killed);
        assertEquals(30, resumedMetrics.size(), "metrics.jsonl reads as one run");
        for (int i = 0; i < 30; i++) {
            assertEquals(wholeMetrics.get(i).path("loss").asDouble(), resumedMetrics.get(i).path("loss").asDouble(),
                    TOLERANCE, "loss at step " + (i + 1));
        }
        JsonNode cardA = TestShards.json(whole.resolve(ModelCard.JSON_FILE)).path("results").path("heldOut");
        JsonNode cardB = TestShards.json(killed.resolve(ModelCard.JSON_FILE)).path("results").path("heldOut");
        cardA.fieldNames().forEachRemaining(key -> assertEquals(cardA.path(key).asDouble(), cardB.path(key).asDouble(),
                TOLERANCE, "held-out " + key));
        JsonNode state = TestShards.json(b.resolve(Checkpoints.STATE));
        assertEquals(30, state.path("step").asLong());
        assertEquals(30 * 16, state.path("samples").asLong());
        assertEquals(42, state.path("rng").path("seed").asLong());
    }

    /** A run stopped after step 25 (checkpoint at 20), refused without --resume, then resumed to step 30. */
    private static Path killedAndResumed(List<String> common, Path killed) {
        TestShards.Run first = TestShards.pretrain(args(common, "--output", killed.toString(), "--stop-after", "25"));
        assertEquals(0, first.exitCode(), first.stderr());
        assertEquals("step-00000020", Checkpoints.latest(killed).getFileName().toString());
        assertFalse(Files.exists(killed.resolve(ModelCard.JSON_FILE)), "a killed run has no model card yet");
        TestShards.Run again = TestShards.pretrain(args(common, "--output", killed.toString()));
        assertEquals(2, again.exitCode(), "an existing run needs --resume: " + again.stderr());
        assertTrue(again.stderr().contains("--resume"), again.stderr());
        TestShards.Run resumed = TestShards.pretrain(args(common, "--output", killed.toString(), "--resume"));
        assertEquals(0, resumed.exitCode(), resumed.stderr());
        assertEquals("step-00000030", Checkpoints.latest(killed).getFileName().toString());
        return killed;
    }

    private static List<JsonNode> trainLosses(Path run) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode record : TestShards.jsonLines(run.resolve(MetricsLog.FILE))) {
            if (record.path("type").asText().equals("train")) {
                out.add(record);
            }
        }
        return out;
    }

    private static String[] args(List<String> common, String... more) {
        List<String> all = new ArrayList<>(common);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
