package org.regbert.metrics;

import java.util.Arrays;

/**
 * Windows sorted once by decreasing score, with tie groups, so that ranking metrics of any
 * weighting of the windows (a bootstrap resample is a vector of draw counts) take one O(n) pass
 * instead of a sort.
 */
final class Ranking {
    /** Window indices by decreasing score. */
    final int[] order;
    /** {@code groupEnd[g]}: exclusive end in {@link #order} of the g-th group of equal scores. */
    final int[] groupEnd;
    final double[] groupScore;
    final boolean[] positive;
    /** {@code positive[order[i]]}, read sequentially in the per-resample passes. */
    private final boolean[] sortedPositive;

    Ranking(double[] scores, boolean[] positive) {
        int n = scores.length;
        for (double score : scores) {
            if (Double.isNaN(score)) {
                throw new IllegalArgumentException("score is NaN");
            }
        }
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> Double.compare(scores[b], scores[a]));
        order = new int[n];
        int[] ends = new int[n];
        double[] values = new double[n];
        int groups = 0;
        for (int i = 0; i < n; i++) {
            order[i] = boxed[i];
            if (i > 0 && scores[order[i]] != scores[order[i - 1]]) {
                ends[groups++] = i;
            }
            values[groups] = scores[order[i]];
        }
        if (n > 0) {
            ends[groups++] = n;
        }
        groupEnd = Arrays.copyOf(ends, groups);
        groupScore = Arrays.copyOf(values, groups);
        this.positive = positive;
        sortedPositive = new boolean[n];
        for (int i = 0; i < n; i++) {
            sortedPositive[i] = positive[order[i]];
        }
    }

    int groups() {
        return groupEnd.length;
    }

    /**
     * Cumulative weighted true and false positives after each tie group: {@code tp[g]} and
     * {@code fp[g]} count windows scoring at least {@code groupScore[g]}; weights null means 1.
     */
    long[][] cumulative(int[] weights) {
        long[] tp = new long[groups()];
        long[] fp = new long[groups()];
        long t = 0;
        long f = 0;
        int i = 0;
        for (int g = 0; g < groups(); g++) {
            for (; i < groupEnd[g]; i++) {
                int w = order[i];
                int weight = weights == null ? 1 : weights[w];
                if (positive[w]) {
                    t += weight;
                } else {
                    f += weight;
                }
            }
            tp[g] = t;
            fp[g] = f;
        }
        return new long[][] {tp, fp};
    }

    /** Trapezoid area under the ROC curve, equal to the Mann–Whitney U / (P·N), ties counting ½. */
    double auroc(int[] weights) {
        // One streaming pass, no allocation: it runs once per resample.
        long p = 0;
        long n = 0;
        double twiceArea = 0;
        int i = 0;
        for (int g = 0; g < groupEnd.length; g++) {
            long tp = p;
            long fp = n;
            for (; i < groupEnd[g]; i++) {
                int weight = weights == null ? 1 : weights[order[i]];
                if (sortedPositive[i]) {
                    tp += weight;
                } else {
                    fp += weight;
                }
            }
            twiceArea += (double) (fp - n) * (tp + p);
            p = tp;
            n = fp;
        }
        return p == 0 || n == 0 ? Double.NaN : twiceArea / 2 / ((double) p * n);
    }

    /**
     * Davis–Goadrich interpolated area under the PR curve, as R PRROC's
     * {@code pr.curve(...)$auc.davis.goadrich} computes it (what ENCODE-DREAM's scorer reported as
     * auPRC). Between consecutive thresholds A and B the curve passes through every intermediate
     * true-positive count x = TP_A+1..TP_B with FP = FP_A + (FP_B−FP_A)/(TP_B−TP_A)·(x−TP_A) (false
     * positives spread evenly over the positives gained: Davis &amp; Goadrich 2006), and the area is
     * the sum of the trapezoids between those points. Two conventions follow PRROC: the first
     * segment, from the origin (0 TP, 0 FP), is flat at the first threshold's precision (what the
     * interpolation gives anyway, since precision is constant along a line from the origin); a
     * threshold that adds only negatives drops precision at constant recall (no area). Ties are one
     * threshold: a tie group is one point.
     */
    double davisGoadrich(int[] weights) {
        return areaOverThresholds(weights, (p, n, tp, fp) -> p == 0 && n == 0
                ? (double) tp * tp / (tp + fp)
                : interpolatedSegment(p, n, tp, fp));
    }

    /** Trapezoids over the interpolated points from (tpA, fpA) to (tpB, fpB), tpB > tpA, tpA + fpA > 0. */
    private static double interpolatedSegment(long tpA, long fpA, long tpB, long fpB) {
        long gained = tpB - tpA;
        double precisionA = (double) tpA / (tpA + fpA);
        double precisionB = (double) tpB / (tpB + fpB);
        if (gained == 1 || precisionA == precisionB) {
            // One step, or a straight PR segment (constant precision): a single trapezoid is exact.
            return gained * (precisionA + precisionB) / 2;
        }
        double fpPerPositive = (double) (fpB - fpA) / gained;
        double area = 0;
        double previous = precisionA;
        for (long x = 1; x <= gained; x++) {
            double precision = (tpA + x) / (tpA + x + fpA + fpPerPositive * x);
            area += (previous + precision) / 2;
            previous = precision;
        }
        return area;
    }

    /** Average precision: sum over thresholds of (recall gained) × (precision there). */
    double averagePrecision(int[] weights) {
        return areaOverThresholds(weights, (p, n, tp, fp) -> (double) (tp - p) * tp / (tp + fp));
    }

    /** The area a PR measure adds between two thresholds that gain positives (counts of positives). */
    @FunctionalInterface
    private interface SegmentArea {
        double between(long tpBefore, long fpBefore, long tp, long fp);
    }

    /**
     * Walks the tie groups from the highest score down (resample weights, or 1 each) and sums the
     * segment areas where positives were gained, divided by the positives: NaN when a class is absent.
     */
    private double areaOverThresholds(int[] weights, SegmentArea segment) {
        long p = 0;
        long n = 0;
        double sum = 0; // in units of one positive of recall: divided by P at the end
        int i = 0;
        for (int g = 0; g < groupEnd.length; g++) {
            long tp = p;
            long fp = n;
            for (; i < groupEnd[g]; i++) {
                int weight = weights == null ? 1 : weights[order[i]];
                if (sortedPositive[i]) {
                    tp += weight;
                } else {
                    fp += weight;
                }
            }
            if (tp > p) {
                sum += segment.between(p, n, tp, fp);
            }
            p = tp;
            n = fp;
        }
        return p == 0 || n == 0 ? Double.NaN : sum / p;
    }

}
