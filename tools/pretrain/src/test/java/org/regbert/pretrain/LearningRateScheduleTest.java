package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The schedule formulas and the budget arithmetic against values worked by hand. */
class LearningRateScheduleTest {
    private static final double EPS = 1e-7;

    @Test
    void linearWarmUpThenLinearDecay() {
        // peak 1, warm-up 2, 10 steps: 1/2, 2/2, then (10 - s + 1) / (10 - 2 + 1) = (11 - s) / 9.
        LearningRateSchedule s = new LearningRateSchedule("linear", 1.0, 2, 10);
        assertEquals(0.5, s.rate(1), EPS);
        assertEquals(1.0, s.rate(2), EPS);
        assertEquals(8.0 / 9, s.rate(3), EPS);
        assertEquals(5.0 / 9, s.rate(6), EPS);
        assertEquals(1.0 / 9, s.rate(10), EPS);
        // Peak 0.004: the same shape scaled.
        assertEquals(0.004 * 8 / 9, new LearningRateSchedule("linear", 0.004, 2, 10).rate(3), EPS);
    }

    @Test
    void cosineDecayKeepsTheWarmUp() {
        // The same steps; after the warm-up (1 - cos(pi r)) / 2 with r = (11 - s) / 9 left:
        // s = 3: r = 8/9, cos(160 deg) = -0.9396926 -> 0.9698463
        // s = 6: r = 5/9, cos(100 deg) = -0.1736482 -> 0.5868241
        // s = 10: r = 1/9, cos(20 deg) = 0.9396926 -> 0.0301537
        LearningRateSchedule s = new LearningRateSchedule("cosine", 1.0, 2, 10);
        assertEquals(0.5, s.rate(1), EPS);
        assertEquals(1.0, s.rate(2), EPS);
        assertEquals(0.9698463, s.rate(3), EPS);
        assertEquals(0.5868241, s.rate(6), EPS);
        assertEquals(0.0301537, s.rate(10), EPS);
        // Half-way through the decay the two shapes agree: r = 1/2 -> (1 - cos(90 deg)) / 2 = 1/2.
        assertEquals(0.5, LearningRateSchedule.decayFactor("cosine", 0.5), EPS);
        assertEquals(0.5, LearningRateSchedule.decayFactor("linear", 0.5), EPS);
    }

    @Test
    void warmUpAsAFractionOfTheSteps() {
        assertEquals(100, config(1000, null).warmupSteps(), "default: 10% of the steps");
        assertEquals(50, config(1000, 0.05).warmupSteps(), "0.05 x 1000");
        assertEquals(3, config(50, 0.05).warmupSteps(), "0.05 x 50 = 2.5, rounded half up");
        assertEquals(0, config(50, 0.0).warmupSteps(), "no warm-up");
        assertEquals(1, config(5, null).warmupSteps(), "at least one step by default");
    }

    @Test
    void evaluationsOverTheRun() {
        PretrainConfig c = config(1000, null);
        assertEquals(100, c.evalEvery(1000), "the tiny preset's evalEvery");
        c.training.evals = 20;
        assertEquals(50, c.evalEvery(1000), "1000 / 20");
        assertEquals(1, c.evalEvery(7), "never below one step");
    }

    @Test
    void stepCountThatFitsTheBudget() {
        // One step 0.5 s, an evaluation 2 s every 10 steps and at the end, a checkpoint 1 s every 25 and at the end.
        // 50 steps: 25 + 5 x 2 + 2 x 1 = 37 s; 51 steps: 25.5 + 6 x 2 + 3 x 1 = 40.5 s. So 40 s fit 50 steps.
        java.util.function.LongToDoubleFunction cost = n -> 0.5 * n + 2 * StepBudget.atIntervalsAndEnd(n, 10)
                + StepBudget.atIntervalsAndEnd(n, 25);
        assertEquals(37.0, cost.applyAsDouble(50), EPS);
        assertEquals(40.5, cost.applyAsDouble(51), EPS);
        assertEquals(50, StepBudget.fit(40, Integer.MAX_VALUE, cost));
        assertEquals(30, StepBudget.fit(40, 30, cost), "the limit caps it");
        assertEquals(0, StepBudget.fit(3, Integer.MAX_VALUE, cost), "one step costs 3.5 s");
        assertEquals(1, StepBudget.atIntervalsAndEnd(7, 0), "interval 0: only at the end");
        assertEquals(3, StepBudget.atIntervalsAndEnd(21, 10), "steps 10, 20 and 21");
    }

    private static PretrainConfig config(int steps, Double warmupFraction) {
        ObjectNode overrides = ConfigLoader.JSON.createObjectNode();
        ObjectNode training = overrides.putObject("training").put("steps", steps);
        if (warmupFraction != null) {
            training.put("warmupFraction", warmupFraction);
        }
        return ConfigLoader.resolve(ConfigLoader.JSON.createObjectNode(), overrides, null);
    }
}
