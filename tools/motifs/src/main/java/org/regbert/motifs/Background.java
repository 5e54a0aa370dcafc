package org.regbert.motifs;

import org.regbert.common.BadInputException;

/**
 * Base probabilities the log-odds scores are taken against; normalised to sum to 1, each
 * positive. Use {@link #uniform()}, explicit frequencies, or a {@link Counter} over the reference
 * the caller streams.
 */
public record Background(double a, double c, double g, double t) {

    public Background {
        double sum = a + c + g + t;
        if (!(a > 0 && c > 0 && g > 0 && t > 0) || !Double.isFinite(sum)) {
            throw new BadInputException("background frequencies must all be positive and finite, got A=" + a
                    + " C=" + c + " G=" + g + " T=" + t);
        }
        a /= sum;
        c /= sum;
        g /= sum;
        t /= sum;
    }

    public static Background uniform() {
        return new Background(0.25, 0.25, 0.25, 0.25);
    }

    /** The base composition of {@code bases} (see {@link Counter#background()}). */
    public static Background fromBases(byte[] bases) {
        Counter counter = new Counter();
        counter.add(bases, 0, bases.length);
        return counter.background();
    }

    /** Probability of base code {@code base} (A=0, C=1, G=2, T=3). */
    public double probability(int base) {
        return switch (base) {
            case 0 -> a;
            case 1 -> c;
            case 2 -> g;
            case 3 -> t;
            default -> throw new IllegalArgumentException("base code " + base);
        };
    }

    /**
     * The strand-symmetric background (A=T, C=G). Both strands are scored against the same
     * background, so a symmetric one keeps forward and reverse scores comparable.
     */
    public Background symmetrized() {
        double at = (a + t) / 2;
        double cg = (c + g) / 2;
        return new Background(at, cg, cg, at);
    }

    /**
     * Counts A, C, G, T (either case) over chunks of a reference streamed by the caller; N and
     * other codes are not counted.
     */
    public static final class Counter {
        private final long[] counts = new long[4];

        public Counter add(byte[] bases, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                int code = Bases.code(bases[i]);
                if (code >= 0) {
                    counts[code]++;
                }
            }
            return this;
        }

        public Counter add(byte[] bases) {
            return add(bases, 0, bases.length);
        }

        public long count(int base) {
            return counts[base];
        }

        public long total() {
            return counts[0] + counts[1] + counts[2] + counts[3];
        }

        /**
         * The frequencies counted so far, each count plus 1 so that a base never seen still has a
         * positive probability (negligible on real sequence).
         */
        public Background background() {
            return new Background(counts[0] + 1.0, counts[1] + 1.0, counts[2] + 1.0, counts[3] + 1.0);
        }
    }
}
