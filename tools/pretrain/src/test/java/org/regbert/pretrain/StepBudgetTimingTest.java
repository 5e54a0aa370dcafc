package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The step-time probe on a fake clock: each probe step advances it by a chosen duration. */
class StepBudgetTimingTest {

    private static final long MS = 1_000_000L;

    /** A clock that only the steps move. */
    private static final class FakeClock {
        long now;
    }

    @Test
    void waitsForTheStepTimeToSettleBeforeTiming() {
        // Steps 1-50 take 100 ms (the JIT still compiling), every later one 50 ms; budget 900 s.
        // By hand: warm-up min(3 s, 18 s) = 3 s = steps 1-30. Blocks of 5 s / 4 = 1.25 s:
        //   block 1: steps 31-43 (13 x 100 ms = 1.3 s), mean 100 ms, nothing to compare with;
        //   block 2: steps 44-50 (0.7 s) + 51-61 (11 x 50 ms = 0.55 s) = 1.25 s over 18 steps, mean 69.4 ms: not within 10 %;
        //   block 3: steps 62-86 (25 x 50 ms = 1.25 s), mean 50 ms: not within 10 % of 69.4;
        //   block 4: steps 87-111, mean 50 ms: within 10 %, settled.
        // Timed: 5 s of 50 ms steps = 100 steps, 50 ms each. Warm-up steps: 30 + 13 + 18 + 25 + 25 = 111.
        // (Without the settling the timed steps 31-110 would have mixed 20 slow and 60 fast: 62.5 ms.)
        FakeClock clock = new FakeClock();
        StepBudget.Timing timing = StepBudget.time(900, n -> clock.now += (n <= 50 ? 100 : 50) * MS, () -> clock.now);
        assertEquals(111, timing.warmupSteps());
        assertEquals(100, timing.timedSteps());
        assertEquals(0.050, timing.stepSeconds(), 1e-12);
    }

    @Test
    void aSteadyMachineSettlesAfterTwoBlocks() {
        // 40 ms steps, budget 600 s: warm-up 3 s = 75 steps; blocks of 1.25 s = 32 steps (31 make 1.24 s);
        // block 2 equals block 1, so 75 + 64 = 139 warm-up steps; timed 5 s = 125 steps of 40 ms.
        FakeClock clock = new FakeClock();
        StepBudget.Timing timing = StepBudget.time(600, n -> clock.now += 40 * MS, () -> clock.now);
        assertEquals(139, timing.warmupSteps());
        assertEquals(125, timing.timedSteps());
        assertEquals(0.040, timing.stepSeconds(), 1e-12);
    }

    @Test
    void stepsThatNeverSettleStopTheWarmUpAtFivePercentOfTheBudget() {
        // Step n takes 1.2^n ms (never settles); budget 60 s: warm-up min(3 s, 1.2 s) = 1.2 s, reached after
        // step 30 (sum of 1.2^n ms, n = 1..30: 1.418 s; through 29: 1.18 s). One block of at least 5 steps
        // (steps 31-35 take 2.12 s, past the 0.45 s block length) brings the clock to 3.54 s, past the 3 s
        // cap (5 % of 60 s): no second block. Warm-up steps: 30 + 5 = 35; then at least 5 timed steps.
        FakeClock clock = new FakeClock();
        StepBudget.Timing timing = StepBudget.time(60, n -> clock.now += (long) (1e6 * Math.pow(1.2, n)), () -> clock.now);
        assertEquals(35, timing.warmupSteps());
        assertEquals(5, timing.timedSteps());
    }
}
