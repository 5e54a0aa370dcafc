package org.regbert.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Seeded block resampling of the evaluated windows (Künsch 1989): a resample draws, within each
 * stratum of {@link ResamplingBlocks} (a held-out contig), as many blocks as it has, with
 * replacement, each bringing all its windows. A resample is a vector of draw counts per window,
 * which statistics take as weights.
 */
public final class Bootstrap {
    /**
     * Resampling settings; iterations 0 turns the intervals off.
     *
     * @param blockBases length of the genomic blocks resampled (FASTA records ignore it)
     */
    public record Settings(int iterations, long seed, double level, long blockBases) {
        public static final Settings DEFAULT = new Settings(1000, 1, 0.95, BlockLength.DEFAULT_BASES);

        public Settings {
            if (iterations < 0 || !(level > 0 && level < 1) || blockBases < 1) {
                throw new IllegalArgumentException("bootstrap needs iterations ≥ 0, 0 < level < 1 and blocks ≥ 1 base");
            }
        }

        /** With the default 1 Mb blocks. */
        public Settings(int iterations, long seed, double level) {
            this(iterations, seed, level, BlockLength.DEFAULT_BASES);
        }
    }

    private final Settings settings;
    private final ResamplingBlocks blocks;
    private final int windows;

    public Bootstrap(ResamplingBlocks blocks, Settings settings) {
        this.settings = settings;
        this.blocks = blocks;
        this.windows = blocks.windows();
    }

    public ResamplingBlocks blocks() {
        return blocks;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * The value of each statistic on each resample: {@code result[s][r]}, NaN where statistic s
     * is undefined on resample r. Every statistic sees the same resamples (paired).
     */
    public double[][] replicates(List<ToDoubleFunction<int[]>> statistics) {
        double[][] values = new double[statistics.size()][settings.iterations()];
        SplittableRandom random = new SplittableRandom(settings.seed());
        int[] weights = new int[windows];
        for (int r = 0; r < settings.iterations(); r++) {
            Arrays.fill(weights, 0);
            for (int s = 0; s < blocks.strata(); s++) {
                int[] stratum = blocks.stratum(s);
                for (int draw = 0; draw < stratum.length; draw++) {
                    for (int window : blocks.members(stratum[random.nextInt(stratum.length)])) {
                        weights[window]++;
                    }
                }
            }
            for (int s = 0; s < statistics.size(); s++) {
                values[s][r] = statistics.get(s).applyAsDouble(weights);
            }
        }
        return values;
    }

    /** Percentile interval of one statistic. */
    public ConfidenceInterval interval(ToDoubleFunction<int[]> statistic, double estimate) {
        return interval(replicates(List.of(statistic))[0], estimate);
    }

    /** Percentile interval from replicates already drawn. */
    public ConfidenceInterval interval(double[] replicates, double estimate) {
        double[] defined = defined(replicates);
        double alpha = (1 - settings.level()) / 2;
        return new ConfidenceInterval(estimate, quantile(defined, alpha), quantile(defined, 1 - alpha),
                settings.level(), replicates.length, defined.length);
    }

    /** Paired interval and p-value of {@code model − baseline} from replicates drawn together. */
    public PairedDifference difference(double[] baseline, double[] model, double estimate) {
        List<Double> differences = new ArrayList<>();
        for (int r = 0; r < baseline.length; r++) {
            double d = model[r] - baseline[r];
            if (!Double.isNaN(d)) {
                differences.add(d);
            }
        }
        double[] d = differences.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        long atMost = Arrays.stream(d).filter(v -> v <= 0).count();
        long atLeast = Arrays.stream(d).filter(v -> v >= 0).count();
        double p = d.length == 0 ? Double.NaN : Math.min(1, 2.0 * Math.min(atMost, atLeast) / d.length);
        double alpha = (1 - settings.level()) / 2;
        return new PairedDifference(estimate, quantile(d, alpha), quantile(d, 1 - alpha), settings.level(), p,
                baseline.length, d.length);
    }

    private static double[] defined(double[] values) {
        return Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
    }

    /** NumPy's default ("linear") percentile of sorted values; NaN when there are none. */
    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
