package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --max-minutes with real DJL steps on small random shards: the budget fixes a step count that the
 * model card, trainer state and config record; --steps with that count gives the same run; a
 * budgeted run killed and resumed keeps its schedule. Runs in the one-thread JVM with ResumeTest (see
 * the pom): on one libtorch thread two runs with the same steps are bit-identical, so any difference
 * is the timing steps leaking into the run.
 */
class BudgetTest {
    private static final double BUDGET_MINUTES = 0.15;

    @Test
    void budgetFixesAndRecordsTheStepCount(@TempDir Path dir) throws Exception {
        Path budgeted = dir.resolve("budgeted");
        long t0 = System.nanoTime();
        TestShards.Run run = TestShards.pretrain(args(common(dir), "--max-minutes", Double.toString(BUDGET_MINUTES),
                "--evals", "4", "--output", budgeted.toString()));
        double wall = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode card = TestShards.json(budgeted.resolve(ModelCard.JSON_FILE)).path("training");
        long steps = card.path("steps").asLong();
        JsonNode budget = card.path("budget");
        System.err.printf(Locale.ROOT, "budget %.1f s: %d steps, %.1f s wall in-process, planned %.1f s, %s s a step%n",
                BUDGET_MINUTES * 60, steps, wall, budget.path("plannedSeconds").asDouble(), budget.path("secondsPerStep"));
        assertTrue(steps >= 1, budget.toString());
        assertEquals(BUDGET_MINUTES, card.path("maxMinutes").asDouble());
        assertEquals(steps, budget.path("steps").asLong());
        // No --steps: what fits is used, the probe's count or, where the run's own steps re-fitted it by more
        // than 5 %, that count with the probe's warm-up (runRefitsItsStepCountFromItsOwnSteps checks the rule).
        long fitted = budget.path("fittedSteps").asLong();
        JsonNode refit = budget.path("refit");
        boolean refitted = !refit.isMissingNode() && refit.path("steps").asLong() != fitted;
        assertEquals(refitted ? refit.path("steps").asLong() : fitted, steps, "what fits is used: " + budget);
        long warmup = refitted ? refit.path("warmupSteps").asLong() : Math.max(1, steps / 10);
        assertEquals(refitted ? List.of("--steps", Long.toString(steps), "--warmup", Long.toString(warmup), "--evals", "4")
                : List.of("--steps", Long.toString(steps), "--evals", "4"),
                TestShards.JSON.convertValue(budget.path("reproduce"), List.class));
        assertTrue(budget.path("secondsPerStep").asDouble() > 0);
        assertTrue(budget.path("plannedSeconds").asDouble() <= BUDGET_MINUTES * 60, "planned within the budget");
        Path last = Checkpoints.latest(budgeted);
        assertEquals(Checkpoints.name(steps), last.getFileName().toString());
        assertEquals(budget, TestShards.json(last.resolve(Checkpoints.STATE)).path("budget"), "trainer state");
        JsonNode config = TestShards.json(last.resolve(Checkpoints.CONFIG)).path("training");
        assertEquals(steps, config.path("steps").asLong(), "the config holds the resolved step count");
        assertEquals(BUDGET_MINUTES, config.path("maxMinutes").asDouble());
        // --evals 4: every max(1, floor(steps / 4)) steps and at the last step.
        long every = Math.max(1, steps / 4);
        long evals = TestShards.jsonLines(budgeted.resolve(MetricsLog.FILE)).stream()
                .filter(r -> r.path("type").asText().equals("eval")).count();
        assertEquals(steps / every + (steps % every == 0 ? 0 : 1), evals);
        assertSchedule(budgeted, steps, warmup);
    }

    /**
     * The timing steps leave no trace: a budgeted run (capped at 30 steps, so that libtorch's rare
     * last-bit spread cannot grow for hundreds of steps) equals a plain --steps 30 run bit for bit.
     */
    @Test
    void stepsRepeatABudgetedRun(@TempDir Path dir) throws Exception {
        List<String> plain = new ArrayList<>(common(dir));
        plain.addAll(List.of("--steps", "30", "--evals", "4"));
        List<String> budgeted = new ArrayList<>(plain);
        budgeted.addAll(List.of("--max-minutes", "0.5")); // the cap, not the budget, ends it: room to spare
        // libtorch's first training run in a fresh JVM may differ in the last bits (see ResumeTest): warm it up.
        assertEquals(0, TestShards.pretrain(args(common(dir), "--steps", "3", "--output", dir.resolve("warm-up")
                .toString())).exitCode());
        Path a = dir.resolve("budgeted");
        TestShards.Run run = TestShards.pretrain(args(budgeted, "--output", a.toString()));
        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode budget = TestShards.json(a.resolve(ModelCard.JSON_FILE)).path("training").path("budget");
        assertEquals(30, budget.path("steps").asLong(), "30 s fit 30 steps of a 1-layer model on 8 x 34 tokens: "
                + budget);
        Path b = dir.resolve("plain");
        assertEquals(0, TestShards.pretrain(args(plain, "--output", b.toString())).exitCode());
        double[] diff = CheckpointComparison.compare(Checkpoints.latest(a), Checkpoints.latest(b));
        if (diff[0] > 0) {
            // As ResumeTest: a leak of the timing steps reproduces, libtorch's rare run-to-run spread does not.
            a = dir.resolve("budgeted-again");
            assertEquals(0, TestShards.pretrain(args(budgeted, "--output", a.toString())).exitCode());
            diff = CheckpointComparison.compare(Checkpoints.latest(a), Checkpoints.latest(b));
        }
        if (diff[0] > 0) {
            Path again = dir.resolve("plain-again");
            assertEquals(0, TestShards.pretrain(args(plain, "--output", again.toString())).exitCode());
            double spread = CheckpointComparison.compare(Checkpoints.latest(b), Checkpoints.latest(again))[0];
            assertTrue(spread > 0, "two --steps runs are bit-identical, the budgeted one differs by " + diff[0]
                    + " in " + (long) diff[1] + " values: the timing steps leak into the run");
            assertTrue(diff[0] <= 2 * spread, "budgeted run differs by " + diff[0] + ", libtorch's spread " + spread);
            return;
        }
        List<JsonNode> x = TestShards.jsonLines(a.resolve(MetricsLog.FILE));
        List<JsonNode> y = TestShards.jsonLines(b.resolve(MetricsLog.FILE));
        assertEquals(x.size(), y.size(), "the same train and eval records");
        for (int i = 0; i < x.size(); i++) {
            for (String key : List.of("type", "step", "loss", "lr", "gradNorm", "mlm", "mlmAccuracy")) {
                assertEquals(x.get(i).path(key), y.get(i).path(key), key + " of record " + i);
            }
        }
    }

    @Test
    void resumedBudgetRunKeepsItsSchedule(@TempDir Path dir) throws Exception {
        List<String> common = new ArrayList<>(common(dir));
        // Checkpoints every 2 steps, a 60-step warm-up, killed after step 71: the re-fit comes after step
        // min(max(50, 2.5 % of the run), 59, 99) (its warm-up's last step, the step before the first evaluation),
        // no checkpoint before it, and the run resumes from step 70 with the count the re-fit settled.
        common.set(common.indexOf("--checkpoint-every") + 1, "2");
        common.addAll(List.of("--max-minutes", "0.3", "--warmup", "60", "--output", dir.resolve("run").toString()));
        Path run = dir.resolve("run");
        TestShards.Run killed = TestShards.pretrain(args(common, "--stop-after", "71"));
        assertEquals(0, killed.exitCode(), killed.stderr());
        Path first = Checkpoints.latest(run);
        JsonNode budget = TestShards.json(first.resolve(Checkpoints.STATE)).path("budget");
        long steps = budget.path("steps").asLong();
        assertTrue(steps > 71, "18 s fit more than 71 steps of a 1-layer model on 8 x 34 tokens: " + budget);
        assertEquals("step-00000070", first.getFileName().toString());
        long at = budget.path("refit").path("atStep").asLong();
        assertTrue(at >= 50 && at <= 59, budget.toString());
        try (var checkpoints = Files.list(run.resolve(Checkpoints.DIR))) {
            assertTrue(checkpoints.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-"))
                    .allMatch(n -> Checkpoints.step(run.resolve(Checkpoints.DIR).resolve(n)) >= at),
                    "no checkpoint before the re-fit");
        }

        TestShards.Run resumed = TestShards.pretrain(args(common, "--resume"));
        assertEquals(0, resumed.exitCode(), resumed.stderr());
        assertEquals(Checkpoints.name(steps), Checkpoints.latest(run).getFileName().toString(),
                "the resumed run ends at the step count the budget fixed");
        assertEquals(budget, TestShards.json(run.resolve(ModelCard.JSON_FILE)).path("training").path("budget"),
                "never timed again: the card keeps the first timing");
        assertSchedule(run, steps, 60);
    }

    /**
     * A budget long enough for the re-fit ({@link BudgetRefit}): after its own first steps the run fits
     * its step count again; the card records both counts, the warm-up stays as the probe's count made
     * it, and the learning rate of every step follows that warm-up and the final count. Whether the
     * count changes (and, on a machine too slow to fit 500 steps in 30 s, whether there is a re-fit
     * at all) depends on this machine's timings; each outcome is checked against the rule.
     */
    @Test
    void runRefitsItsStepCountFromItsOwnSteps(@TempDir Path dir) throws Exception {
        List<String> common = new ArrayList<>(common(dir));
        common.set(common.indexOf("--checkpoint-every") + 1, "1000000");  // no checkpoint before the end
        Path run = dir.resolve("refit");
        TestShards.Run done = TestShards.pretrain(args(common, "--max-minutes", "0.5", "--output", run.toString()));
        assertEquals(0, done.exitCode(), done.stderr());
        JsonNode card = TestShards.json(run.resolve(ModelCard.JSON_FILE)).path("training");
        JsonNode budget = card.path("budget");
        long planned = budget.path("fittedSteps").asLong();  // the probe's count (no --steps given)
        long warmup = Math.max(1, planned / 10);
        // After step min(max(50, 2.5 % of the run), the warm-up's last step, the step before the first evaluation at
        // 100, the tiny preset's interval).
        long at = Math.min(Math.min(Math.max(50, planned / 40), warmup - 1), 99);
        JsonNode refit = budget.path("refit");
        if (at < BudgetRefit.MIN_STEPS) {
            // A slow machine (0.13 s a step was seen under load: 182 steps, an 18-step warm-up): no re-fit.
            System.err.println("no re-fit: the probe fitted only " + planned + " steps: " + budget);
            assertTrue(refit.isMissingNode(), budget.toString());
            assertEquals(planned, budget.path("steps").asLong());
            assertSchedule(run, planned);
            return;
        }
        assertEquals(at, refit.path("atStep").asLong(), budget.toString());
        assertEquals(at - at / 2, refit.path("timedSteps").asLong(), "the later half of the steps is timed");
        assertEquals(planned, refit.path("plannedSteps").asLong());
        long fitted = refit.path("fittedSteps").asLong();
        assertTrue(fitted > at, budget.toString());
        long steps = Math.abs(fitted - planned) > 0.05 * planned ? fitted : planned;
        System.err.printf(Locale.ROOT, "re-fit after step %d: probe %s s a step, run %s s: %d planned, %d fit, %d run%n",
                at, budget.path("secondsPerStep"), refit.path("secondsPerStep"), planned, fitted, steps);
        assertEquals(steps, refit.path("steps").asLong());
        assertEquals(steps, budget.path("steps").asLong());
        assertEquals(warmup, refit.path("warmupSteps").asLong());
        assertEquals(steps == planned ? List.of("--steps", Long.toString(steps))
                : List.of("--steps", Long.toString(steps), "--warmup", Long.toString(warmup)),
                TestShards.JSON.convertValue(budget.path("reproduce"), List.class));
        assertEquals(steps, TestShards.json(Checkpoints.latest(run).resolve(Checkpoints.CONFIG)).path("training")
                .path("steps").asLong(), "the checkpoint's config holds the count the run went on with");
        List<JsonNode> train = train(run);
        assertEquals(steps, train.size());
        for (int i = 0; i < steps; i++) {
            long s = i + 1;
            double expected = s <= warmup ? 0.01 * s / warmup : 0.01 * (steps - s + 1) / (steps - warmup + 1);
            assertEquals(expected, train.get(i).path("lr").asDouble(), 1e-12, "lr at step " + s);
        }
    }

    @Test
    void givenStepsCapTheBudgetAndCosineFollowsItsFormula(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("capped");
        TestShards.Run capped = TestShards.pretrain(args(common(dir), "--max-minutes", "0.25", "--steps", "4",
                "--schedule", "cosine", "--warmup-fraction", "0.2", "--output", run.toString()));
        assertEquals(0, capped.exitCode(), capped.stderr());
        JsonNode budget = TestShards.json(run.resolve(ModelCard.JSON_FILE)).path("training").path("budget");
        assertEquals(4, budget.path("steps").asLong(), "the smaller of --steps and what fits");
        assertTrue(budget.path("fittedSteps").asLong() >= 4, budget.toString());
        // Warm-up round(0.2 x 4) = 1 step at tiny's peak 1e-2, then 0.01 x (1 - cos(pi r)) / 2 with
        // r = (4 - s + 1) / (4 - 1 + 1) left: s = 2: r = 3/4, cos(135 deg) = -0.7071068 -> 0.8535534;
        // s = 3: r = 1/2 -> 0.5; s = 4: r = 1/4, cos(45 deg) = 0.7071068 -> 0.1464466.
        List<JsonNode> train = train(run);
        assertEquals(4, train.size());
        double[] factor = {1.0, 0.8535534, 0.5, 0.1464466};
        for (int i = 0; i < 4; i++) {
            assertEquals(0.01 * factor[i], train.get(i).path("lr").asDouble(), 1e-9, "lr at step " + (i + 1));
        }
    }

    @Test
    void badBudgetAndScheduleOptionsExitTwo(@TempDir Path dir) throws Exception {
        // Each bad option with what its message must name.
        Map<List<String>, String> cases = new java.util.LinkedHashMap<>();
        cases.put(List.of("--max-minutes", "0"), "maxMinutes");
        cases.put(List.of("--max-minutes", "-1"), "maxMinutes");
        cases.put(List.of("--max-minutes", "0.0001"), "raise --max-minutes");
        cases.put(List.of("--schedule", "step"), "training.schedule");
        cases.put(List.of("--warmup", "5", "--warmup-fraction", "0.1"), "--warmup-fraction");
        cases.put(List.of("--warmup-fraction", "1.5"), "training.warmupFraction");
        cases.put(List.of("--evals", "0"), "training.evals");
        int n = 0;
        for (Map.Entry<List<String>, String> bad : cases.entrySet()) {
            List<String> all = new ArrayList<>(common(dir));
            all.addAll(bad.getKey());
            all.addAll(List.of("--output", dir.resolve("bad-" + n++).toString()));
            TestShards.Run run = TestShards.pretrain(all.toArray(String[]::new));
            assertEquals(2, run.exitCode(), bad.getKey() + ": " + run.stderr());
            assertTrue(run.stderr().contains(bad.getValue()), bad.getKey() + ": " + run.stderr());
        }
    }

    /** lr of every step of a run of {@code steps} steps: tiny's peak 1e-2, warm-up max(1, steps / 10), linear decay. */
    private static void assertSchedule(Path run, long steps) throws Exception {
        assertSchedule(run, steps, Math.max(1, steps / 10));
    }

    private static void assertSchedule(Path run, long steps, long warmup) throws Exception {
        List<JsonNode> train = train(run);
        assertEquals(steps, train.size(), "metrics.jsonl reads as one run");
        for (int i = 0; i < steps; i++) {
            long s = i + 1;
            double expected = s <= warmup ? 0.01 * s / warmup : 0.01 * (steps - s + 1) / (steps - warmup + 1);
            assertEquals(expected, train.get(i).path("lr").asDouble(), 1e-12, "lr at step " + s);
        }
    }

    private static List<String> common(Path dir) throws Exception {
        Path shards = dir.resolve("shards");
        if (!Files.isDirectory(shards.resolve("annotated"))) {
            TestShards.ebertShards(shards, 120, 40);
        }
        Path config = dir.resolve("run.yaml");
        Files.writeString(config, "architecture:\n  layers: 1\n  maxLength: 34\n"
                + "training:\n  batchSize: 8\ndata:\n  evalWindows: 16\n");
        return List.of("--shards", shards.resolve("annotated").toString(), "--config", config.toString(),
                "--checkpoint-every", "10", "--seed", "42", "--device", "cpu", "--quiet");
    }

    private static List<JsonNode> train(Path run) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode r : TestShards.jsonLines(run.resolve(MetricsLog.FILE))) {
            if (r.path("type").asText().equals("train")) {
                out.add(r);
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
