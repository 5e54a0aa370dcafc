package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Two checkpoints' parameters and optimiser moments compared bit for bit (the resume and budget tests). */
final class CheckpointComparison {
    private CheckpointComparison() {
    }

    /** Max absolute difference, differing values and values of two checkpoints' parameters and moments. */
    static double[] compare(Path a, Path b) {
        double maxDifference = 0;
        long differing = 0;
        long total = 0;
        for (String file : List.of(Checkpoints.PARAMETERS, Checkpoints.OPTIMIZER)) {
            Map<String, TensorFiles.Tensor> x = TensorFiles.read(a.resolve(file));
            Map<String, TensorFiles.Tensor> y = TensorFiles.read(b.resolve(file));
            assertEquals(x.keySet(), y.keySet());
            for (String name : x.keySet()) {
                float[] u = x.get(name).values();
                float[] v = y.get(name).values();
                assertEquals(u.length, v.length, name);
                for (int i = 0; i < u.length; i++) {
                    total++;
                    if (Float.floatToRawIntBits(u[i]) != Float.floatToRawIntBits(v[i])) {
                        differing++;
                        maxDifference = Math.max(maxDifference, Math.abs(u[i] - v[i]));
                    }
                }
            }
        }
        return new double[] {maxDifference, differing, total};
    }
}
