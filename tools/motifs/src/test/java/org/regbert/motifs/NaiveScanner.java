package org.regbert.motifs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The reference the fast scanner is tested against: every placement scored directly from the
 * matrix in double precision, regions by their definition, no tables, no runs, no tricks.
 */
final class NaiveScanner {
    private NaiveScanner() {
    }

    static float[] scan(byte[] window, List<PositionWeightMatrix> pwms, ScanOptions options) {
        int w = window.length;
        int regions = options.regions();
        float[] out = new float[pwms.size() * regions];
        for (int t = 0; t < pwms.size(); t++) {
            PositionWeightMatrix forward = pwms.get(t);
            PositionWeightMatrix reverse = forward.reverseComplement();
            for (int r = 0; r < regions; r++) {
                int start = (int) ((long) r * w / regions);
                int end = (int) ((long) (r + 1) * w / regions);
                List<Double> hits = new ArrayList<>();
                for (int p = start; p < end; p++) {
                    double score = forward.score(window, p);
                    if (Double.isNaN(score)) {
                        continue; // off the end, or covers an N
                    }
                    if (options.bothStrands()) {
                        score = Math.max(score, reverse.score(window, p));
                    }
                    hits.add(score);
                }
                double value;
                if (hits.isEmpty()) {
                    value = forward.minScore();
                } else {
                    hits.sort(Comparator.reverseOrder());
                    value = 0;
                    for (int i = 0; i < Math.min(options.topN(), hits.size()); i++) {
                        value += hits.get(i);
                    }
                }
                out[t * regions + r] = (float) value;
            }
        }
        return out;
    }
}
