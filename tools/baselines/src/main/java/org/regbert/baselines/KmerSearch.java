package org.regbert.baselines;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Chooses k and the L2 penalty of a k-mer linear model on validation windows: every k of the grid
 * (k-mer counts of the training windows, standardised on them) and every penalty, strongest first
 * (each fit starts from the previous one's optimum), scored on the validation windows by
 * {@link ValidationScore}; the best pair's fit on the training windows is the model. Ties go to
 * the earlier grid point: smaller k, stronger penalty.
 */
final class KmerSearch {
    /**
     * @param ks the k-mer lengths tried
     * @param lambdas L2 penalties per example tried, strongest first
     */
    record Grid(int[] ks, double[] lambdas, Lbfgs.Settings solver) {
        static final Grid DEFAULT = new Grid(new int[] {3, 4, 5, 6}, new double[] {10, 1, 1e-1, 1e-2, 1e-3, 1e-4},
                Lbfgs.Settings.DEFAULT);
    }

    /** Windows' bases and what the model should predict for each (0/1, class id, level). */
    record Examples(List<byte[]> bases, double[] targets) {
        int size() {
            return targets.length;
        }
    }

    /** One grid point and its validation score. */
    record Candidate(int k, double lambda, double score, int iterations, boolean converged) {
    }

    /** The chosen model and how it was chosen. */
    record Outcome(LinearModel model, int k, double lambda, double score, String criterion, List<Candidate> grid) {
    }

    private KmerSearch() {
    }

    static Outcome search(Examples train, Examples validation, LinearLoss loss, int outputs, Grid grid,
            Consumer<String> progress) {
        String criterion = switch (loss) {
            case LOGISTIC -> "averagePrecision";
            case SOFTMAX -> "macroAveragePrecision";
            case SQUARED -> "r2";
        };
        List<Candidate> candidates = new ArrayList<>();
        LinearModel best = null;
        int bestK = 0;
        double bestScore = Double.NaN;
        for (int k : grid.ks()) {
            KmerCounter counter = new KmerCounter(k);
            SparseRows x = rows(train, counter);
            SparseRows v = rows(validation, counter);
            Standardisation standardisation = Standardisation.of(x);
            LinearModel previous = null;
            for (double lambda : grid.lambdas()) {
                LinearModel model = LinearModel.fit(x, train.targets(), loss, outputs, lambda, standardisation, previous,
                        grid.solver());
                double score = score(model, v, validation.targets(), loss, outputs);
                candidates.add(new Candidate(k, lambda, score, model.search().iterations(), model.search().converged()));
                if (progress != null) {
                    progress.accept(String.format(Locale.ROOT, "k %d, l2 %.0e: validation %s %.4f (%d iterations)", k,
                            lambda, criterion, score, model.search().iterations()));
                }
                boolean better = best == null
                        || !Double.isNaN(score) && (Double.isNaN(bestScore) || score > bestScore);
                if (better) {
                    best = model;
                    bestK = k;
                    bestScore = score;
                }
                previous = model;
            }
        }
        return new Outcome(best, bestK, best.lambda(), bestScore, criterion, List.copyOf(candidates));
    }

    /** K-mer count rows of every window. */
    static SparseRows rows(Examples examples, KmerCounter counter) {
        SparseRows x = new SparseRows(counter.columns());
        KmerCounter.Row row = new KmerCounter.Row();
        for (byte[] bases : examples.bases()) {
            x.add(counter.count(bases, 0, bases.length, row));
        }
        return x;
    }

    private static double score(LinearModel model, SparseRows v, double[] targets, LinearLoss loss, int outputs) {
        double[] scores = model.scores(v);
        return switch (loss) {
            case LOGISTIC -> {
                boolean[] positive = new boolean[targets.length];
                for (int i = 0; i < targets.length; i++) {
                    positive[i] = targets[i] > 0.5;
                }
                yield ValidationScore.averagePrecision(scores, positive);
            }
            case SOFTMAX -> ValidationScore.macroAveragePrecision(scores, outputs, targets);
            case SQUARED -> ValidationScore.rSquared(scores, targets);
        };
    }
}
