package org.regbert.finetune;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.regbert.metrics.BinaryMetrics;
import org.regbert.shards.NpyArray;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;

/**
 * The baseline users compare a DNA language model with: logistic regression on the window's
 * 3-mer frequencies (64 features, L2, full-batch gradient descent), trained on split 0 and scored
 * on split 2 of the same shards.
 */
final class KmerBaseline {
    private KmerBaseline() {
    }

    /** Test-split auROC of the baseline for binary task {@code task}. */
    static double testAuroc(Path shards, String task) {
        List<double[]> trainX = new ArrayList<>();
        List<Integer> trainY = new ArrayList<>();
        List<double[]> testX = new ArrayList<>();
        List<Integer> testY = new ArrayList<>();
        for (Path file : ShardSet.list(shards)) {
            try (TokenShard shard = TokenShard.open(file)) {
                NpyArray tokens = shard.tokens();
                NpyArray labels = shard.array("label_" + task);
                NpyArray split = shard.array("split");
                int length = (int) tokens.shape()[1];
                for (int w = 0; w < shard.windows(); w++) {
                    byte label = labels.getByte(w);
                    byte s = split.getByte(w);
                    if (label < 0 || s == 1) {
                        continue;
                    }
                    double[] x = new double[65];
                    int counted = 0;
                    for (int j = 0; j < length; j++) {
                        int id = tokens.getUnsignedShort((long) w * length + j);
                        if (id >= 5) {
                            x[((id - 5) >> 6) & 63]++; // the token's leading 3-mer
                            counted++;
                        }
                    }
                    for (int f = 0; f < 64; f++) {
                        x[f] = counted == 0 ? 0 : x[f] * 64.0 / counted - 1.0;
                    }
                    x[64] = 1; // intercept
                    (s == 0 ? trainX : testX).add(x);
                    (s == 0 ? trainY : testY).add((int) label);
                }
            }
        }
        double[] weights = fit(trainX, trainY);
        float[] scores = new float[testX.size()];
        byte[] labels = new byte[testX.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) sigmoid(dot(weights, testX.get(i)));
            labels[i] = testY.get(i).byteValue();
        }
        return BinaryMetrics.compute(scores, labels, 0.5).auroc();
    }

    private static double[] fit(List<double[]> x, List<Integer> y) {
        double[] w = new double[65];
        double rate = 0.5;
        double l2 = 1e-3;
        for (int iteration = 0; iteration < 400; iteration++) {
            double[] gradient = new double[65];
            for (int i = 0; i < x.size(); i++) {
                double error = sigmoid(dot(w, x.get(i))) - y.get(i);
                for (int f = 0; f < 65; f++) {
                    gradient[f] += error * x.get(i)[f];
                }
            }
            for (int f = 0; f < 65; f++) {
                w[f] -= rate * (gradient[f] / x.size() + (f < 64 ? l2 * w[f] : 0));
            }
        }
        return w;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
