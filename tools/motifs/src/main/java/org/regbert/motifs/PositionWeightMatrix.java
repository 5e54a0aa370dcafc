package org.regbert.motifs;

import java.util.ArrayList;
import java.util.List;
import org.regbert.common.BadInputException;

/**
 * Log-odds scores of a motif: {@code score[i][b] = log2(p(i, b) / bg(b))} with
 * {@code p(i, b) = (count(i, b) + pseudocount * bg(b)) / (N(i) + pseudocount)}, where
 * {@code N(i)} is the column total. The pseudocount is spread over the bases by the background, so
 * it pulls every column towards the background, more so for motifs built from few sites.
 *
 * <p>Frequency matrices (every column sums to 1 within 0.02 and some value is not a whole number)
 * are first scaled to {@link #FREQUENCY_SITES} sites so the pseudocount weighs as it would on
 * counts.
 */
public final class PositionWeightMatrix {
    /**
     * Default pseudocount: 0.8 sites per column in total, the value Nishida, Frith and Nakai (2009,
     * "Pseudocounts for transcription factor binding sites") found best across JASPAR and TRANSFAC.
     */
    public static final double DEFAULT_PSEUDOCOUNT = 0.8;
    /** Number of sites a frequency matrix is taken to stand for. */
    public static final double FREQUENCY_SITES = 100;

    private final Motif motif;
    private final Background background;
    private final double pseudocount;
    private final double[][] scores;
    private final boolean reverseComplement;

    private PositionWeightMatrix(Motif motif, Background background, double pseudocount, double[][] scores,
            boolean reverseComplement) {
        this.motif = motif;
        this.background = background;
        this.pseudocount = pseudocount;
        this.scores = scores;
        this.reverseComplement = reverseComplement;
    }

    /** Scores against a uniform background with {@link #DEFAULT_PSEUDOCOUNT}. */
    public static PositionWeightMatrix of(Motif motif) {
        return of(motif, Background.uniform(), DEFAULT_PSEUDOCOUNT);
    }

    /**
     * @throws BadInputException when {@code pseudocount} is not positive and finite (a zero count
     *     would score minus infinity)
     */
    public static PositionWeightMatrix of(Motif motif, Background background, double pseudocount) {
        if (!(pseudocount > 0) || !Double.isFinite(pseudocount)) {
            throw new BadInputException("the pseudocount must be a positive number, got " + pseudocount);
        }
        double scale = isFrequencyMatrix(motif) ? FREQUENCY_SITES : 1;
        double[][] scores = new double[motif.length()][4];
        for (int i = 0; i < motif.length(); i++) {
            double total = 0;
            for (int b = 0; b < 4; b++) {
                total += motif.count(i, b) * scale;
            }
            for (int b = 0; b < 4; b++) {
                double bg = background.probability(b);
                double p = (motif.count(i, b) * scale + pseudocount * bg) / (total + pseudocount);
                scores[i][b] = Math.log(p / bg) / Math.log(2);
            }
        }
        return new PositionWeightMatrix(motif, background, pseudocount, scores, false);
    }

    /** {@link #of(Motif, Background, double)} for each motif, in order. */
    public static List<PositionWeightMatrix> of(List<Motif> motifs, Background background, double pseudocount) {
        List<PositionWeightMatrix> pwms = new ArrayList<>(motifs.size());
        for (Motif motif : motifs) {
            pwms.add(of(motif, background, pseudocount));
        }
        return List.copyOf(pwms);
    }

    static boolean isFrequencyMatrix(Motif motif) {
        boolean fractional = false;
        for (int i = 0; i < motif.length(); i++) {
            double total = 0;
            for (int b = 0; b < 4; b++) {
                double value = motif.count(i, b);
                total += value;
                fractional |= value != Math.rint(value);
            }
            if (Math.abs(total - 1) > 0.02) {
                return false;
            }
        }
        return fractional;
    }

    /**
     * The matrix of the other strand: position {@code i} scores base {@code b} as this matrix
     * scores the complement of {@code b} at position {@code length - 1 - i}.
     */
    public PositionWeightMatrix reverseComplement() {
        int length = scores.length;
        double[][] rc = new double[length][4];
        for (int i = 0; i < length; i++) {
            for (int b = 0; b < 4; b++) {
                rc[i][b] = scores[length - 1 - i][3 - b];
            }
        }
        return new PositionWeightMatrix(motif, background, pseudocount, rc, !reverseComplement);
    }

    /** Log2-odds of base code {@code base} at {@code position}. */
    public double score(int position, int base) {
        return scores[position][base];
    }

    /**
     * The score of the placement starting at {@code start} of ASCII {@code bases} (this strand
     * only), or NaN when the placement covers an invalid base or runs off the end.
     */
    public double score(byte[] bases, int start) {
        if (start < 0 || start + scores.length > bases.length) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            int code = Bases.code(bases[start + i]);
            if (code < 0) {
                return Double.NaN;
            }
            sum += scores[i][code];
        }
        return sum;
    }

    /** The lowest score any placement can have: the sum of each position's lowest score. */
    public double minScore() {
        double sum = 0;
        for (double[] column : scores) {
            sum += Math.min(Math.min(column[0], column[1]), Math.min(column[2], column[3]));
        }
        return sum;
    }

    /**
     * The highest score any placement can have; against a uniform background the motif's
     * {@link Motif#consensus()} reaches it.
     */
    public double maxScore() {
        double sum = 0;
        for (double[] column : scores) {
            sum += Math.max(Math.max(column[0], column[1]), Math.max(column[2], column[3]));
        }
        return sum;
    }

    /** A copy of the {@code [length][4]} scores. */
    public double[][] scores() {
        double[][] copy = new double[scores.length][];
        for (int i = 0; i < scores.length; i++) {
            copy[i] = scores[i].clone();
        }
        return copy;
    }

    public int length() {
        return scores.length;
    }

    public Motif motif() {
        return motif;
    }

    public Background background() {
        return background;
    }

    public double pseudocount() {
        return pseudocount;
    }

    /** Whether this is the reverse-complement matrix of {@link #motif()}. */
    public boolean isReverseComplement() {
        return reverseComplement;
    }
}
