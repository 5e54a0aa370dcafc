package org.regbert.align;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Keeps a seeded random subset of negatives, {@code perPositive} for each positive; the rest are
 * marked {@link LabelCodes#NOT_SAMPLED}. Matched sampling draws them per GC-content decile in the
 * proportions of the positives, so a model cannot separate the classes by GC alone.
 */
final class NegativeSampler {
    private NegativeSampler() {
    }

    /** Returns how many negatives were kept. {@code gcPercent} is null unless matching. */
    static long sample(List<byte[]> labels, List<byte[]> gcPercent, double perPositive, long seed) {
        int bins = gcPercent == null ? 1 : 10;
        List<List<Long>> negatives = new ArrayList<>();
        long[] positives = new long[bins];
        for (int b = 0; b < bins; b++) {
            negatives.add(new ArrayList<>());
        }
        for (int s = 0; s < labels.size(); s++) {
            byte[] shard = labels.get(s);
            for (int i = 0; i < shard.length; i++) {
                int bin = gcPercent == null ? 0 : Math.min(9, gcPercent.get(s)[i] / 10);
                if (shard[i] > 0) {
                    positives[bin]++;
                } else if (shard[i] == LabelCodes.NEGATIVE) {
                    negatives.get(bin).add(((long) s << 32) | i);
                }
            }
        }
        Random random = new Random(seed);
        long kept = 0;
        for (int b = 0; b < bins; b++) {
            List<Long> pool = negatives.get(b);
            Collections.shuffle(pool, random);
            long keep = Math.min(pool.size(), Math.round(perPositive * positives[b]));
            for (int j = (int) keep; j < pool.size(); j++) {
                long id = pool.get(j);
                labels.get((int) (id >>> 32))[(int) id] = LabelCodes.NOT_SAMPLED;
            }
            kept += keep;
        }
        return kept;
    }
}
