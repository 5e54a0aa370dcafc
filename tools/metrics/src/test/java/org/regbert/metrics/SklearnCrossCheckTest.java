package org.regbert.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ENCODE-DREAM measures against independent implementations on the same random, tie-heavy
 * inputs: auROC and average precision against scikit-learn, recall at 10 % and 50 % FDR against
 * DREAM's own {@code recall_at_fdr} (run on scikit-learn's precision_recall_curve), and the
 * Davis–Goadrich auPRC against {@code davis_goadrich.py}, a short re-implementation written from
 * the 2006 paper (PRROC, what DREAM used, is an R package and not installable here).
 */
class SklearnCrossCheckTest {
    @TempDir
    Path tmp;

    private record DataSet(double[] scores, boolean[] positive) {
    }

    @Test
    void dreamMeasuresMatchScikitLearnDreamAndThePaper() throws IOException {
        String python = Python.interpreterWith("numpy", "sklearn");
        List<DataSet> sets = randomSets();
        StringBuilder table = new StringBuilder();
        for (int s = 0; s < sets.size(); s++) {
            DataSet set = sets.get(s);
            for (int i = 0; i < set.scores().length; i++) {
                table.append(s).append(' ').append(set.scores()[i]).append(' ').append(set.positive()[i] ? 1 : 0)
                        .append('\n');
            }
        }
        Path data = Files.writeString(tmp.resolve("data.txt"), table);
        for (String script : List.of("davis_goadrich.py", "dream_measures.py")) {
            try (InputStream in = getClass().getResourceAsStream(script)) {
                Files.copy(in, tmp.resolve(script));
            }
        }
        Python.Result result = Python.run(python, tmp.resolve("dream_measures.py").toString(), data.toString());
        assertEquals(0, result.exitCode(), result.output());
        String[] lines = result.output().strip().split("\n");
        assertEquals(sets.size(), lines.length, result.output());
        for (String line : lines) {
            String[] v = line.trim().split("\\s+");
            int s = Integer.parseInt(v[0]);
            BinaryMetrics m = BinaryMetrics.compute(sets.get(s).scores(), sets.get(s).positive(), 0.5, 0);
            String where = "data set " + s + " (" + sets.get(s).scores().length + " windows)";
            assertEquals(Double.parseDouble(v[1]), m.auroc(), 1e-12, "auROC, " + where);
            assertEquals(Double.parseDouble(v[2]), m.averagePrecision(), 1e-12, "average precision, " + where);
            assertEquals(Double.parseDouble(v[3]), m.recallAtFdr10(), 0, "recall at 10% FDR, " + where);
            assertEquals(Double.parseDouble(v[4]), m.recallAtFdr50(), 0, "recall at 50% FDR, " + where);
            assertEquals(Double.parseDouble(v[5]), m.auprc(), 1e-12, "Davis–Goadrich auPRC, " + where);
        }
    }

    /**
     * Small and large sets, scores from 2 to thousands of levels (so tie groups of every size,
     * mixing positives and negatives), prevalences from 1 % to 70 %, and the top-scoring window
     * sometimes negative (the curve then starts at precision 0).
     */
    private static List<DataSet> randomSets() {
        Random random = new Random(2016);
        List<DataSet> sets = new ArrayList<>();
        for (int s = 0; s < 240; s++) {
            int n = s < 10 ? 2000 + random.nextInt(3000) : 2 + random.nextInt(300);
            int levels = switch (s % 4) {
                case 0 -> 2 + random.nextInt(3);
                case 1 -> 5 + random.nextInt(20);
                case 2 -> 100;
                default -> 1_000_000;
            };
            double prevalence = new double[] {0.01, 0.1, 0.3, 0.7}[random.nextInt(4)];
            double separation = random.nextDouble() * 2 - 0.5;
            double[] scores = new double[n];
            boolean[] positive = new boolean[n];
            for (int i = 0; i < n; i++) {
                positive[i] = random.nextDouble() < prevalence;
                double z = random.nextGaussian() + (positive[i] ? separation : 0);
                scores[i] = Math.floor(levels / (1 + Math.exp(-z))) / levels;
            }
            // Both classes present (n ≥ 2): a window of each, at random places.
            int a = random.nextInt(n);
            int b = (a + 1 + random.nextInt(n - 1)) % n;
            positive[a] = true;
            positive[b] = false;
            sets.add(new DataSet(scores, positive));
        }
        return sets;
    }
}
