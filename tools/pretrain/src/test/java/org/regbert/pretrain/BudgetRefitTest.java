package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The re-fit of a budgeted run's step count from its own first steps, on numbers worked by hand. */
class BudgetRefitTest {

    @Test
    void refitsInsideTheWarmUpBeforeTheFirstEvaluation() {
        // The session-9 30-minute run: 35,808 planned steps, warm-up 3,580, --evals 20 (every 1,790):
        // 35,808 / 40 = 895 comes first -> after step 895 (no checkpoint is written before it).
        assertEquals(895, BudgetRefit.atStep(35_808, 3_580, 1_790));
        // Evaluations every 250 steps (the default without --evals): after step 249.
        assertEquals(249, BudgetRefit.atStep(35_808, 3_580, 250));
        // A short warm-up ends first: --warmup 100 -> after step 99.
        assertEquals(99, BudgetRefit.atStep(4_000, 100, 0));
        // 1,000 steps: 2.5 % is 25 steps, fewer than 50 -> after step 50.
        assertEquals(50, BudgetRefit.atStep(1_000, 100, 0));
        // 400 steps: the warm-up (40 steps) ends before step 50 -> no re-fit.
        assertEquals(0, BudgetRefit.atStep(400, 40, 0));
        // No warm-up (--warmup 0): the decay has begun at step 1 -> no re-fit.
        assertEquals(0, BudgetRefit.atStep(35_808, 0, 250));
        // The timed steps are the later half: after step 895, steps 448-895; after step 50, steps 26-50.
        assertEquals(447, BudgetRefit.timedFrom(895));
        assertEquals(25, BudgetRefit.timedFrom(50));
    }

    @Test
    void fitsTheRestOfTheBudgetAtTheMeasuredRate() {
        // The timed 50 of the first 100 steps took 1.5 s (0.03 s each); 60.01 s left; an evaluation 0.5 s every 250 steps and at the end,
        // a checkpoint 0.2 s every 500 and at the end. A run of n = 1,940 steps: 1,840 more steps = 55.2 s,
        // ceil(1940 / 250) = 8 evaluations = 4.0 s, ceil(1940 / 500) = 4 checkpoints = 0.8 s: 60.0 s, fits;
        // n = 1,941: 55.23 + 4.8 = 60.03 s does not.
        PretrainConfig config = new PretrainConfig();
        config.training.evalEvery = 250;
        config.training.checkpointEvery = 500;
        BudgetRefit.Measured measured = new BudgetRefit.Measured(100, 50, 1.5, 60.01, 0.5, 0.2);
        assertEquals(0.03, measured.secondsPerStep(), 1e-12);
        assertEquals(1_940, BudgetRefit.fit(measured, Integer.MAX_VALUE, config));
        // A --steps cap below what fits wins.
        assertEquals(1_500, BudgetRefit.fit(measured, 1_500, config));
        // Nothing left of the budget: the run ends at the step it has reached.
        assertEquals(100, BudgetRefit.fit(new BudgetRefit.Measured(100, 50, 1.5, 0.1, 0.5, 0.2), Integer.MAX_VALUE, config));
    }

    @Test
    void keepsThePlannedCountWhenTheRefitIsWithinFivePercent() {
        assertEquals(1_000, BudgetRefit.decide(1_000, 1_040));   // 4 %: kept
        assertEquals(1_000, BudgetRefit.decide(1_000, 950));     // exactly 5 %: kept
        assertEquals(1_060, BudgetRefit.decide(1_000, 1_060));   // 6 % more: re-fitted
        assertEquals(900, BudgetRefit.decide(1_000, 900));       // 10 % fewer: re-fitted
        // The 30-minute run: probe 0.047 s a step, the run's own steps 0.030 -> about 1.57 x the steps.
        assertEquals(56_000, BudgetRefit.decide(35_808, 56_000));
    }
}
