package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.regbert.metrics.PredictionsFile;
import org.regbert.pretrain.TensorFiles;

/**
 * How far two fine-tuned runs lie apart: the largest absolute difference over their parameters (head
 * and encoder) and their test scores. Runs on one libtorch thread are bit-identical nearly always;
 * the tests that compare runs tell libtorch's rare last-bit spread from a defect by repeating the
 * reference run (0 here means bit for bit).
 */
final class ModelDifference {
    static final List<String> MODEL_FILES = List.of("model/head.npz", "model/encoder/parameters.npz");

    private ModelDifference() {
    }

    /** The largest absolute difference between runs A and B (parameters, and test scores of TASK). */
    static double max(Path a, Path b, String task) throws IOException {
        double max = 0;
        for (String file : MODEL_FILES) {
            Map<String, TensorFiles.Tensor> x = TensorFiles.read(a.resolve(file));
            Map<String, TensorFiles.Tensor> y = TensorFiles.read(b.resolve(file));
            assertEquals(x.keySet(), y.keySet(), file);
            for (String name : x.keySet()) {
                max = Math.max(max, max(x.get(name).values(), y.get(name).values()));
            }
        }
        return Math.max(max, max(PredictionsFile.read(a.resolve("predictions/" + task + ".npz")).scores(),
                PredictionsFile.read(b.resolve("predictions/" + task + ".npz")).scores()));
    }

    static double max(float[] x, float[] y) {
        assertEquals(x.length, y.length);
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs((double) x[i] - y[i]));
        }
        return max;
    }
}
