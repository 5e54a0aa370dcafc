package org.regbert.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * auROC against SciPy's Mann–Whitney U, Pearson and Spearman against SciPy's, on tied data: an
 * independent implementation of the same statistics (scikit-learn's checks are in
 * {@link SklearnCrossCheckTest}).
 */
class ScipyCrossCheckTest {
    @TempDir
    Path tmp;

    @Test
    void matchesScipy() throws IOException {
        String python = Python.interpreterWith("numpy", "scipy");
        Random random = new Random(31);
        int n = 2000;
        double[] scores = new double[n];
        boolean[] positive = new boolean[n];
        double[] measured = new double[n];
        StringBuilder table = new StringBuilder();
        for (int i = 0; i < n; i++) {
            positive[i] = random.nextDouble() < 0.2;
            // Rounded to 2 decimals: hundreds of ties.
            scores[i] = Math.round((random.nextGaussian() + (positive[i] ? 1 : 0)) * 100) / 100.0;
            measured[i] = random.nextInt(10) + (positive[i] ? 3 : 0);
            table.append(String.format(Locale.ROOT, "%.2f %d %.0f%n", scores[i], positive[i] ? 1 : 0, measured[i]));
        }
        Path data = Files.writeString(tmp.resolve("data.txt"), table);
        String out = Python.script(python, tmp, """
                import sys
                import numpy as np
                from scipy import stats
                d = np.loadtxt(sys.argv[1])
                s, y, m = d[:, 0], d[:, 1] == 1, d[:, 2]
                u = stats.mannwhitneyu(s[y], s[~y], alternative="two-sided").statistic
                print(repr(float(u / (y.sum() * (~y).sum()))))
                print(repr(float(stats.pearsonr(s, m).statistic)))
                print(repr(float(stats.spearmanr(s, m).statistic)))
                """, data.toString());
        String[] lines = out.strip().split("\\s+");
        BinaryMetrics binary = BinaryMetrics.compute(scores, positive, 0.5, 0);
        RegressionMetrics regression = RegressionMetrics.compute(scores, measured);
        assertEquals(Double.parseDouble(lines[0]), binary.auroc(), 1e-12);
        assertEquals(Double.parseDouble(lines[1]), regression.pearson(), 1e-12);
        assertEquals(Double.parseDouble(lines[2]), regression.spearman(), 1e-12);
    }
}
