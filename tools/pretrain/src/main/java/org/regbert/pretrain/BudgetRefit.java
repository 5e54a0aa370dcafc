package org.regbert.pretrain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongToDoubleFunction;

/**
 * {@code --max-minutes}, second look: the step count that {@link StepBudget} fixed from throwaway
 * probe steps is fitted once more from the run's own first steps. The probe alone was seen to miss:
 * on this machine a 30-minute budget's probe timed 0.047 s a step where the run's steps took 0.030 s,
 * so the run fitted 35,808 steps and ended after 19.7 of its 30 minutes.
 *
 * <p>The re-fit comes after step {@link #atStep}: inside the learning-rate warm-up and before the
 * first of {@code --evals} evaluations, so nothing done up to then depends on the step count once
 * the warm-up length is held at what it was; the run writes no checkpoint before it (a checkpoint
 * records the step count). The rate is that of the later half of those steps: a run's first steps
 * are slower (the JIT, the allocator: 0.085 s a step over steps 1-50 of a 4 x 64 run whose steps
 * then settled at 0.058 s), and a re-fit from all 99 of its first steps ended the 30-minute run
 * after 23 minutes. {@code --steps N --warmup W} with the recorded numbers repeats the run. finetune
 * re-fits the same way ({@code --max-steps N --warmup-steps W}).
 */
public final class BudgetRefit {
    /** Fewest timed run steps worth a re-fit (fewer: the probe's figure stands). */
    public static final long MIN_STEPS = 50;
    /** A re-fitted count within this fraction of the planned one is not worth a change. */
    public static final double TOLERANCE = 0.05;

    private BudgetRefit() {
    }

    /**
     * The step after which the run re-fits: 2.5 % of the planned steps or {@link #MIN_STEPS}, whichever
     * is more, but before the warm-up ends and before the first evaluation (so the timed steps are
     * training steps only); 0 (none) when that leaves fewer than {@link #MIN_STEPS} to time.
     *
     * @param evalEvery the evaluation interval (0: evaluations only at the end)
     */
    public static long atStep(long planned, long warmup, long evalEvery) {
        long at = Math.max(MIN_STEPS, planned / 40);
        at = Math.min(at, warmup - 1);
        if (evalEvery > 0) {
            at = Math.min(at, evalEvery - 1);
        }
        return at >= MIN_STEPS ? at : 0;
    }

    /** The step after which the timed steps begin: the later half of the steps up to {@code at}. */
    public static long timedFrom(long at) {
        return at / 2;
    }

    /** The later steps' cost (timedSteps of them, ending at doneSteps), what is left of the budget, and the costs of what the rest of the run does. */
    public record Measured(long doneSteps, long timedSteps, double timedSeconds, double availableSeconds,
            double evalSeconds, double checkpointSeconds) {
        public double secondsPerStep() {
            return timedSeconds / timedSteps;
        }
    }

    /**
     * The step count that fits from {@code measured.doneSteps()} on: the largest n (at most
     * {@code cap}) whose remaining steps at the measured rate, with the evaluations and checkpoints
     * of an n-step run (none of them has run yet), fit in what is left of the budget.
     */
    static long fit(Measured measured, long cap, PretrainConfig config) {
        return fit(measured, cap, n -> StepBudget.atIntervalsAndEnd(n, config.evalEvery(n)) * measured.evalSeconds()
                + StepBudget.atIntervalsAndEnd(n, config.training.checkpointEvery) * measured.checkpointSeconds());
    }

    /**
     * The step count that fits from {@code measured.doneSteps()} on: the largest n (at most {@code cap})
     * whose remaining steps at the measured rate, with {@code periodicSeconds(n)} (what an n-step run
     * spends on its evaluations and checkpoints, none of which has run yet), fit in what is left.
     */
    public static long fit(Measured measured, long cap, LongToDoubleFunction periodicSeconds) {
        long done = measured.doneSteps();
        long more = StepBudget.fit(measured.availableSeconds(), Math.max(0, cap - done),
                m -> m * measured.secondsPerStep() + periodicSeconds.applyAsDouble(done + m));
        return done + more;
    }

    /** The count the run goes on with: the re-fitted one, unless within {@link #TOLERANCE} of the planned one. */
    public static long decide(long planned, long fitted) {
        return Math.abs(fitted - planned) > TOLERANCE * planned ? fitted : planned;
    }

    /** The budget report's {@code refit} entry. */
    public static Map<String, Object> record(Measured measured, long planned, long fitted, long steps, long warmup) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("atStep", measured.doneSteps());
        out.put("timedSteps", measured.timedSteps());
        out.put("secondsPerStep", Math.round(measured.secondsPerStep() * 1e6) / 1e6);
        out.put("plannedSteps", planned);
        out.put("fittedSteps", fitted);
        out.put("steps", steps);
        out.put("warmupSteps", warmup);
        return out;
    }
}
