package org.regbert.align;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Keeps a seeded random subset of the negatives of the splits it thins, {@code perPositive} for each
 * positive of the same split; the rest are marked {@link LabelCodes#NOT_SAMPLED}. Splits it does not
 * thin keep every window, so a held-out test region is scored at the genome's class ratio. Matched
 * sampling draws them per GC-content decile in the proportions of the split's positives, so a model
 * cannot separate the classes by GC alone; a decile with fewer negatives than asked gives all it has.
 */
final class NegativeSampler {
    private static final int SPLITS = 3;

    private NegativeSampler() {
    }

    /**
     * Thins the splits whose code is true in {@code thin} (indexed by {@link Holdouts} codes) and
     * returns how many negatives each split kept (0 for splits not thinned). {@code gcPercent} is null
     * unless matching. The splits are drawn in order from one stream and an untouched split consumes
     * nothing from it, so thinning validation or test never changes the training draw.
     */
    static long[] sample(List<byte[]> labels, List<byte[]> splits, List<byte[]> gcPercent, double perPositive,
            long seed, boolean[] thin) {
        Random random = new Random(seed);
        long[] kept = new long[SPLITS];
        for (int split = 0; split < SPLITS; split++) {
            if (thin[split]) {
                kept[split] = sampleSplit(labels, splits, (byte) split, gcPercent, perPositive, random);
            }
        }
        return kept;
    }

    private static long sampleSplit(List<byte[]> labels, List<byte[]> splits, byte split, List<byte[]> gcPercent,
            double perPositive, Random random) {
        int bins = gcPercent == null ? 1 : 10;
        List<List<Long>> negatives = new ArrayList<>();
        long[] positives = new long[bins];
        for (int b = 0; b < bins; b++) {
            negatives.add(new ArrayList<>());
        }
        for (int s = 0; s < labels.size(); s++) {
            byte[] shard = labels.get(s);
            byte[] shardSplit = splits.get(s);
            for (int i = 0; i < shard.length; i++) {
                if (shardSplit[i] != split) {
                    continue;
                }
                int bin = gcPercent == null ? 0 : Math.min(9, gcPercent.get(s)[i] / 10);
                if (shard[i] > 0) {
                    positives[bin]++;
                } else if (shard[i] == LabelCodes.NEGATIVE) {
                    negatives.get(bin).add(((long) s << 32) | i);
                }
            }
        }
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
