package org.regbert.align;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.genome.ExcludedRegions;
import org.regbert.shards.NpyArray;
import org.regbert.shards.NpyDType;
import org.regbert.shards.TokenShard;

/**
 * The {@code excluded} array (uint8 [N], 1 = leave the window out): windows sharing a base with an
 * {@code --exclude} region, or already marked by an earlier align of the same shards, so aligning
 * labelled shards again keeps what the first run excluded. Labels of excluded windows are
 * {@link LabelCodes#EXCLUDED}; finetune and evaluate skip them either way.
 */
final class ExclusionMask implements ShardAnnotator {
    static final String ARRAY = "excluded";

    /** null: no --exclude (only masks carried by the shards apply). */
    private final ExcludedRegions regions;
    private long windows;
    private long excluded;

    ExclusionMask(ExcludedRegions regions) {
        this.regions = regions;
    }

    /** 1 for each excluded window of the shard, or null when nothing excludes any. */
    byte[] of(TokenShard shard, WindowCoordinates coordinates) {
        NpyArray carried = shard.hasArray(ARRAY) ? shard.array(ARRAY) : null;
        if (regions == null && carried == null) {
            return null;
        }
        byte[] mask = new byte[coordinates.size()];
        for (int w = 0; w < mask.length; w++) {
            boolean out = carried != null && carried.getByte(w) != 0;
            out |= regions != null && regions.overlaps(coordinates.contigOf(w), coordinates.start()[w],
                    coordinates.end()[w]);
            mask[w] = (byte) (out ? 1 : 0);
        }
        return mask;
    }

    @Override
    public String section() {
        return "exclude";
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> description = new LinkedHashMap<>(regions.describe());
        description.put("array", ARRAY + ": uint8 [N], 1 where the window shares a base with an excluded region;"
                + " its labels are -4 and finetune, evaluate and the baselines leave it out");
        return description;
    }

    @Override
    public List<NewArray> annotate(TokenShard shard, WindowCoordinates coordinates) {
        byte[] mask = of(shard, coordinates);
        windows += mask.length;
        for (byte b : mask) {
            excluded += b;
        }
        return List.of(new NewArray(ARRAY, NpyDType.UINT8, new long[] {mask.length}, ByteBuffer.wrap(mask),
                "1: the window overlaps an --exclude region (see annotations.exclude)"));
    }

    /** For align-summary.json, once every shard was written. */
    Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>(regions.describe());
        summary.put("windowsExcluded", excluded);
        summary.put("windows", windows);
        return summary;
    }
}
