package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.regbert.pretrain.TensorFiles;

/**
 * finetune --max-minutes on the kit's janggu Oct4 vs Mafk records: the budget fixes the step count
 * (recorded in finetune-summary.json and the trainer state), warm-up and cosine decay run over it,
 * and the options it records repeat the run without timing. One libtorch thread (see the pom), so
 * two runs with the same steps are bit-identical and a difference is the timing steps leaking.
 */
class BudgetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void budgetFixesTheStepsAndScheduleOverThem() throws Exception {
        Path shards = KitShards.janggu();
        Path dir = Stages.tempDir("regbert-ft-budget-");
        List<Object> common = List.of("--from-scratch", "--shards", shards, "--task", "oct4", "--eval-every", 5,
                "--batch-size", 16, "--patience", 0, "--ignore-states", "--schedule", "cosine", "--quiet");
        Path budgeted = dir.resolve("budgeted");
        // 60 s: a clean-clone CI run on a busy host took 14.6 s to start and time, and 16.9 s for a step
        // with its validation and checkpoint (2026-12-07), so a 30 s budget fitted nothing there (an idle
        // core: 3.2 s and 4.6 s); --eval-every 5 keeps the re-fit out.
        ok(Stages.finetune(args(with(common, "--max-minutes", 1.0, "--output", budgeted))));
        JsonNode summary = JSON.readTree(budgeted.resolve(Outputs.SUMMARY).toFile());
        JsonNode budget = summary.path("budget");
        long steps = summary.path("steps").asLong();
        System.err.println("finetune budget 60 s: " + budget);
        assertTrue(steps >= 1);
        assertEquals(steps, budget.path("steps").asLong(), "--patience 0: the run ends at the budgeted step");
        assertEquals(1.0, summary.path("maxMinutes").asDouble());
        assertTrue(budget.path("secondsPerStep").asDouble() > 0);
        assertTrue(budget.path("plannedSeconds").asDouble() <= 60, budget.toString());
        JsonNode state = JSON.readTree(RunFiles.latest(budgeted).resolve(RunFiles.STATE).toFile());
        assertEquals(steps, state.path("totalSteps").asLong(), "the trainer state keeps the step count for --resume");

        // Warm-up round(0.1 x N) steps (0-based step i: 2e-4 (i + 1) / warm-up), then cosine:
        // 2e-4 (1 - cos(pi r)) / 2 with r = (N - i) / (N - warm-up) of the decay left.
        long warmup = Math.round(steps * 0.1);
        List<JsonNode> train = train(budgeted);
        assertEquals(steps, train.size());
        for (int i = 0; i < steps; i++) {
            double expected = i < warmup ? 2e-4 * (i + 1) / warmup
                    : 2e-4 * (1 - Math.cos(Math.PI * (steps - i) / Math.max(1, steps - warmup))) / 2;
            assertEquals(expected, train.get(i).path("lr").asDouble(), 1e-15, "lr at step " + i);
        }
    }

    /**
     * The timing steps leave no trace: a budgeted run capped at 20 steps (so that libtorch's rare
     * last-bit spread cannot grow for long) equals the run its recorded options give, bit for bit.
     */
    @Test
    void recordedOptionsRepeatABudgetedRun() throws Exception {
        Path shards = KitShards.janggu();
        Path dir = Stages.tempDir("regbert-ft-budget-repeat-");
        List<Object> common = List.of("--from-scratch", "--shards", shards, "--task", "oct4", "--eval-every", 5,
                "--batch-size", 16, "--patience", 0, "--ignore-states", "--quiet");
        // libtorch's first training run in a fresh JVM may differ in the last bits (pretrain's ResumeTest): warm up.
        ok(Stages.finetune(args(with(common, "--max-steps", 3, "--output", dir.resolve("warm-up")))));
        // A minute leaves room for 20 steps and four validations on a slow machine; the cap ends the run.
        Object[] budgetArgs = with(common, "--max-minutes", 1.0, "--max-steps", 20);
        Path budgeted = dir.resolve("budgeted");
        ok(Stages.finetune(args(with(List.of(budgetArgs), "--output", budgeted))));
        JsonNode budget = JSON.readTree(budgeted.resolve(Outputs.SUMMARY).toFile()).path("budget");
        assertEquals(20, budget.path("steps").asLong(), "a minute fits 20 steps: " + budget);
        List<Object> repeat = new ArrayList<>(common);
        budget.path("reproduce").forEach(node -> repeat.add(node.asText()));
        assertEquals("--max-steps", repeat.get(common.size()));
        assertEquals("20", repeat.get(common.size() + 1));
        Path repeated = dir.resolve("repeated");
        ok(Stages.finetune(args(with(repeat, "--output", repeated))));
        double difference = maxDifference(budgeted, repeated);
        if (difference > 0) {
            // As pretrain's ResumeTest: a leak of the timing steps reproduces, libtorch's rare spread does not.
            budgeted = dir.resolve("budgeted-again");
            ok(Stages.finetune(args(with(List.of(budgetArgs), "--output", budgeted))));
            difference = maxDifference(budgeted, repeated);
        }
        if (difference > 0) {
            Path again = dir.resolve("repeated-again");
            ok(Stages.finetune(args(with(repeat, "--output", again))));
            double spread = maxDifference(repeated, again);
            assertTrue(spread > 0, "two runs with the recorded options are bit-identical, the budgeted one differs by "
                    + difference + ": the timing steps leak into the run");
            assertTrue(difference <= 2 * spread, difference + " vs libtorch's spread " + spread);
            return;
        }
        List<JsonNode> a = train(budgeted);
        List<JsonNode> b = train(repeated);
        assertEquals(20, b.size());
        for (int i = 0; i < 20; i++) {
            assertEquals(a.get(i).path("loss").asDouble(), b.get(i).path("loss").asDouble(), 0.0, "loss " + i);
            assertEquals(a.get(i).path("lr").asDouble(), b.get(i).path("lr").asDouble(), 0.0, "lr " + i);
        }
    }

    /**
     * A budgeted run fits its step count once more from its own steps (inside the warm-up, before the
     * first validation), keeping the warm-up as the probe's count made it; every step's learning rate
     * follows that warm-up and the final count, and the recorded options repeat the schedule without
     * timing. Whether the count changes (and, on a machine too slow to fit 100 steps, whether there is
     * a re-fit at all) depends on this machine's timings: each outcome is checked against the rule.
     */
    @Test
    void runRefitsItsStepCountFromItsOwnSteps() throws Exception {
        Path dir = Stages.tempDir("regbert-ft-budget-refit-");
        List<Object> common = List.of("--from-scratch", "--shards", KitShards.janggu(), "--task", "oct4",
                "--eval-every", 1000, "--batch-size", 16, "--patience", 0, "--ignore-states", "--warmup", 0.5, "--quiet");
        Path run = dir.resolve("refit");
        ok(Stages.finetune(args(with(common, "--max-minutes", 0.5, "--output", run))));
        JsonNode summary = JSON.readTree(run.resolve(Outputs.SUMMARY).toFile());
        JsonNode budget = summary.path("budget");
        long planned = budget.path("fittedSteps").asLong();  // the probe's count (no --max-steps, no --epochs)
        long warmup = Math.round(planned * 0.5);
        // After step min(max(50, 2.5 % of the run), the warm-up's last step, the step before the first validation).
        long at = Math.min(Math.min(Math.max(50, planned / 40), warmup - 1), 999);
        JsonNode refit = budget.path("refit");
        long steps;
        if (at < 50) {
            System.err.println("no re-fit: the probe fitted only " + planned + " steps: " + budget);
            assertTrue(refit.isMissingNode(), budget.toString());
            steps = planned;
        } else {
            assertEquals(at, refit.path("atStep").asLong(), budget.toString());
            assertEquals(at - at / 2, refit.path("timedSteps").asLong(), "the later half of the steps is timed");
            assertEquals(planned, refit.path("plannedSteps").asLong());
            long fitted = refit.path("fittedSteps").asLong();
            assertTrue(refit.path("secondsPerStep").asDouble() > 0, budget.toString());
            steps = Math.abs(fitted - planned) > 0.05 * planned ? fitted : planned;
            System.err.printf(java.util.Locale.ROOT, "finetune re-fit after step %d: probe %s s a step, run %s s:"
                    + " %d planned, %d fit, %d run%n", at, budget.path("secondsPerStep"), refit.path("secondsPerStep"),
                    planned, fitted, steps);
            assertEquals(steps, refit.path("steps").asLong());
            assertEquals(warmup, refit.path("warmupSteps").asLong());
            // The final test scoring is timed again at the re-fit; the finish estimate swaps the probe's for it.
            double retimed = refit.path("testScoringSeconds").asDouble();
            assertTrue(retimed > 0, budget.toString());
            assertEquals(budget.path("finishSeconds").asDouble() - refit.path("probeTestScoringSeconds").asDouble()
                    + retimed, refit.path("finishSeconds").asDouble(), 3e-6, budget.toString());
        }
        assertEquals(steps, budget.path("steps").asLong(), budget.toString());
        assertEquals(steps, summary.path("steps").asLong(), "--patience 0: the run ends at the budgeted step");
        List<String> reproduce = new ArrayList<>();
        budget.path("reproduce").forEach(node -> reproduce.add(node.asText()));
        assertEquals(List.of("--max-steps", Long.toString(steps)), reproduce.subList(0, 2));
        assertEquals("--epochs", reproduce.get(2));
        assertEquals(steps == planned ? List.of() : List.of("--warmup-steps", Long.toString(warmup)),
                reproduce.subList(4, reproduce.size()), "the warm-up is recorded when the count changed");
        JsonNode state = JSON.readTree(RunFiles.latest(run).resolve(RunFiles.STATE).toFile());
        assertEquals(steps, state.path("totalSteps").asLong(), "the trainer state keeps the count for --resume");
        assertEquals(steps == planned ? null : warmup, state.path("warmupSteps").isNull()
                || state.path("warmupSteps").isMissingNode() ? null : state.path("warmupSteps").asLong(),
                "the trainer state keeps a re-fitted run's warm-up for --resume");

        // Warm-up steps (0-based step i: 2e-4 (i + 1) / warm-up), then linear decay: 2e-4 (N - i) / (N - warm-up).
        List<JsonNode> train = train(run);
        assertEquals(steps, train.size());
        for (int i = 0; i < steps; i++) {
            double expected = i < warmup ? 2e-4 * (i + 1) / warmup : 2e-4 * (steps - i) / Math.max(1, steps - warmup);
            assertEquals(expected, train.get(i).path("lr").asDouble(), 1e-15, "lr at step " + i);
        }
        // The recorded options give the same schedule without a budget.
        List<Object> repeat = new ArrayList<>(common);
        repeat.addAll(reproduce);
        Path repeated = dir.resolve("repeated");
        ok(Stages.finetune(args(with(repeat, "--output", repeated))));
        List<JsonNode> again = train(repeated);
        assertEquals(steps, again.size());
        for (int i = 0; i < steps; i++) {
            assertEquals(train.get(i).path("lr").asDouble(), again.get(i).path("lr").asDouble(), 0.0, "lr at step " + i);
        }
    }

    private static double maxDifference(Path a, Path b) {
        double max = 0;
        for (String file : new String[] {"model/head.npz", "model/encoder/parameters.npz"}) {
            Map<String, TensorFiles.Tensor> x = TensorFiles.read(a.resolve(file));
            Map<String, TensorFiles.Tensor> y = TensorFiles.read(b.resolve(file));
            assertEquals(x.keySet(), y.keySet());
            for (String name : x.keySet()) {
                float[] u = x.get(name).values();
                float[] v = y.get(name).values();
                for (int i = 0; i < u.length; i++) {
                    if (Float.floatToRawIntBits(u[i]) != Float.floatToRawIntBits(v[i])) {
                        max = Math.max(max, Math.abs(u[i] - v[i]));
                    }
                }
            }
        }
        return max;
    }

    private static List<JsonNode> train(Path run) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode r = JSON.readTree(line);
            if (r.path("type").asText().equals("train")) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * A budget too small for one step (0.6 s: start-up alone takes longer) is refused, exit 2, before the
     * output is touched: no folder where there was none, and with --overwrite the result already there
     * stays (the run used to write task-plan.json, or delete the old result, before it timed its steps).
     */
    @Test
    void aBudgetThatFitsNoStepLeavesTheOutputAsItFoundIt() throws Exception {
        Path dir = Stages.tempDir("regbert-ft-budget-refused-");
        List<Object> common = List.of("--from-scratch", "--shards", KitShards.janggu(), "--task", "oct4",
                "--ignore-states", "--max-minutes", 0.01, "--quiet");
        Path fresh = dir.resolve("fresh");
        Stages.Run refused = Stages.finetune(args(with(common, "--output", fresh)));
        assertEquals(2, refused.exitCode(), refused.stderr());
        assertTrue(refused.stderr().contains("nothing fits; raise --max-minutes"), refused.stderr());
        assertFalse(Files.exists(fresh), "a refused run created " + fresh);

        Path earlier = Files.createDirectories(dir.resolve("earlier"));
        Files.writeString(earlier.resolve(Outputs.SUMMARY), "{\"an\": \"earlier result\"}");
        refused = Stages.finetune(args(with(common, "--overwrite", "--output", earlier)));
        assertEquals(2, refused.exitCode(), refused.stderr());
        try (var left = Files.list(earlier)) {
            assertEquals(List.of(Outputs.SUMMARY), left.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals("{\"an\": \"earlier result\"}", Files.readString(earlier.resolve(Outputs.SUMMARY)));
    }

    private static Object[] with(List<Object> common, Object... more) {
        List<Object> all = new ArrayList<>(common);
        all.addAll(Arrays.asList(more));
        return all.toArray();
    }
}
