package org.regbert.pretrain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.LongToDoubleFunction;

/**
 * {@code --max-minutes}: fixes the number of steps that fits a wall-clock budget. A few training steps
 * are timed after an untimed warm-up (the first steps pay for libtorch's start and the JIT); with the
 * measured cost of an evaluation and of a checkpoint, at their configured frequencies, and of what
 * the run writes at its end, the largest step count whose run ends within what is left of the budget
 * is the run's step count. The caller runs the timing steps so that they leave no trace (learning
 * rate 0 on a throwaway optimiser), so the run that follows is the one {@code --steps N} gives.
 */
public final class StepBudget {
    /**
     * Share of the budget held back for what the cost model leaves out (the loss plot and model card,
     * garbage collection, a machine that gets slower during the run).
     */
    public static final double MARGIN = 0.02;

    private StepBudget() {
    }

    /** The timing steps: how many ran untimed, how many were timed, and their mean wall seconds. */
    public record Timing(int warmupSteps, int timedSteps, double stepSeconds) {
    }

    /**
     * Runs {@code step} for probe steps 1, 2, ...: an untimed warm-up of at least 5 steps and
     * min(3 s, 2 % of the budget) (a fresh model's first steps were seen to take 3 times the later
     * ones), continued in blocks of a quarter of the timing length until a block's mean step time is
     * within 10 % of the block before (at most 5 % of the budget: on one core the JIT compiler kept
     * steps twice as slow for the first ~20 s, and a 15-minute run fitted half the steps it had time
     * for), then timed steps, at least 5 and min(5 s, 3 % of the budget): a short budget spends little
     * on timing, a long one gets a steadier figure.
     */
    public static Timing time(double budgetSeconds, LongConsumer step) {
        return time(budgetSeconds, step, System::nanoTime);
    }

    /** {@link #time(double, LongConsumer)} on the given nanosecond clock. */
    static Timing time(double budgetSeconds, LongConsumer step, LongSupplier clock) {
        double warmupSeconds = Math.min(3.0, 0.02 * budgetSeconds);
        double settleLimitSeconds = 0.05 * budgetSeconds;
        double timedSeconds = Math.min(5.0, 0.03 * budgetSeconds);
        long n = 0;
        long t0 = clock.getAsLong();
        int warmup = 0;
        while (warmup < 5 || seconds(clock, t0) < warmupSeconds) {
            step.accept(++n);
            warmup++;
        }
        double previousMean = Double.NaN;
        while (seconds(clock, t0) < settleLimitSeconds) {
            long blockStart = clock.getAsLong();
            int inBlock = 0;
            while (inBlock < 5 || seconds(clock, blockStart) < timedSeconds / 4) {
                step.accept(++n);
                inBlock++;
            }
            warmup += inBlock;
            double mean = seconds(clock, blockStart) / inBlock;
            if (Math.abs(mean - previousMean) <= 0.1 * previousMean) {
                break;
            }
            previousMean = mean;
        }
        int timed = 0;
        long t1 = clock.getAsLong();
        while (timed < 5 || seconds(clock, t1) < timedSeconds) {
            step.accept(++n);
            timed++;
        }
        return new Timing(warmup, timed, seconds(clock, t1) / timed);
    }

    private static double seconds(LongSupplier clock, long since) {
        return (clock.getAsLong() - since) / 1e9;
    }

    /**
     * The largest n in [0, limit] with {@code cost(n) <= availableSeconds}, by bisection ({@code cost}
     * non-decreasing in n).
     */
    public static long fit(double availableSeconds, long limit, LongToDoubleFunction cost) {
        if (cost.applyAsDouble(0) > availableSeconds) {
            return 0;
        }
        long lo = 0;
        long hi = limit;
        while (lo < hi) {
            long mid = lo + (hi - lo + 1) / 2;
            if (cost.applyAsDouble(mid) <= availableSeconds) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Minutes as given: 10, 0.5, 0.0001 (no exponent, no trailing zeros). */
    public static String minutes(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /**
     * How many times a run of {@code steps} steps does something every {@code every} steps and at its
     * last step ({@code every} 0: only at the last): evaluations and checkpoints.
     */
    public static long atIntervalsAndEnd(long steps, long every) {
        if (steps <= 0) {
            return 0;
        }
        if (every <= 0) {
            return 1;
        }
        return steps / every + (steps % every != 0 ? 1 : 0);
    }

    /**
     * What a budgeted run records (trainer state, model card, summary): the budget, what start-up and
     * timing took, the measured costs, the step count that fits and the one used (smaller when a step
     * count was also given), and the options that repeat the run without timing.
     */
    public record Report(double maxMinutes, double startupSeconds, double timingSeconds, Timing timing,
            double evalSeconds, double checkpointSeconds, double finishSeconds, long fittedSteps, long steps,
            double plannedSeconds, List<String> reproduce) {

        public Map<String, Object> toMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("maxMinutes", maxMinutes);
            out.put("secondsPerStep", round(timing.stepSeconds()));
            out.put("evalSeconds", round(evalSeconds));
            out.put("checkpointSeconds", round(checkpointSeconds));
            out.put("finishSeconds", round(finishSeconds));
            out.put("startupSeconds", round(startupSeconds));
            out.put("timingSeconds", round(timingSeconds));
            out.put("warmupTimingSteps", timing.warmupSteps());
            out.put("timedSteps", timing.timedSteps());
            out.put("fittedSteps", fittedSteps);
            out.put("steps", steps);
            out.put("plannedSeconds", round(plannedSeconds));
            out.put("marginFraction", MARGIN);
            out.put("reproduce", reproduce);
            return out;
        }

        /** One line for stderr. */
        public String describe() {
            return String.format(Locale.ROOT, "--max-minutes %s: %,d steps fit (%.4f s a step over %d timed steps"
                    + " after %d untimed; evaluation %.2f s, checkpoint %.2f s; start-up %.1f s, timing %.1f s)%s;"
                    + " planned end %.0f s after the start of %.0f s; to repeat: %s", minutes(maxMinutes), fittedSteps,
                    timing.stepSeconds(), timing.timedSteps(), timing.warmupSteps(), evalSeconds, checkpointSeconds,
                    startupSeconds, timingSeconds, steps < fittedSteps ? "; the given step count " + steps
                            + " is smaller and is used" : "", plannedSeconds, maxMinutes * 60, String.join(" ", reproduce));
        }

        private static double round(double v) {
            return Math.round(v * 1e6) / 1e6;
        }
    }
}
