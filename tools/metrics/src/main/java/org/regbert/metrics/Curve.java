package org.regbert.metrics;

/**
 * Points of a ROC or precision-recall curve, one per distinct score threshold (highest first),
 * with {@code thresholds[i]} the score at or above which windows are called positive to reach
 * point i. A ROC curve starts with (0, 0) at threshold +infinity.
 */
public record Curve(double[] x, double[] y, double[] thresholds) {

    public Curve {
        if (x.length != y.length || x.length != thresholds.length) {
            throw new IllegalArgumentException("curve arrays differ in length");
        }
    }

    public int size() {
        return x.length;
    }

    /**
     * At most about {@code maxPoints} points for plotting, keeping the first and last and every
     * point where the curve moved by more than 1/maxPoints in x or y, so steps stay visible.
     */
    public Curve thinned(int maxPoints) {
        if (x.length <= maxPoints) {
            return this;
        }
        double step = 1.0 / maxPoints;
        int[] keep = new int[x.length];
        int kept = 0;
        keep[kept++] = 0;
        for (int i = 1; i < x.length - 1; i++) {
            int last = keep[kept - 1];
            if (Math.abs(x[i] - x[last]) >= step || Math.abs(y[i] - y[last]) >= step) {
                keep[kept++] = i;
            }
        }
        keep[kept++] = x.length - 1;
        double[] tx = new double[kept];
        double[] ty = new double[kept];
        double[] tt = new double[kept];
        for (int i = 0; i < kept; i++) {
            tx[i] = x[keep[i]];
            ty[i] = y[keep[i]];
            tt[i] = thresholds[keep[i]];
        }
        return new Curve(tx, ty, tt);
    }
}
