package org.regbert.pretrain;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.common.BadInputException;
import org.regbert.shards.NpyArray;
import org.regbert.shards.NpyDType;
import org.regbert.shards.TokenShard;

/**
 * The cut points align {@code --signal-levels} quantised each row of {@code signal_states} with:
 * {@code signal_level_cuts} float32 [rows, Q-1], read per cell type so a model can keep them and
 * later stages can check and reuse them.
 */
public final class SignalLevelCutTable {
    /** The state array of quantised bigWig signal. */
    public static final String STATE_ARRAY = "signal_states";
    public static final String CUTS = "signal_level_cuts";

    private SignalLevelCutTable() {
    }

    /** Cut points by row name ({@code rows}: the {@code signal_states_cell_types} names), for {@code levels} levels. */
    public static Map<String, float[]> read(TokenShard shard, List<String> rows, int levels) {
        if (!shard.hasArray(CUTS)) {
            throw new BadInputException(shard.file(), "has '" + STATE_ARRAY + "' but no '" + CUTS + "' (the cut points"
                    + " of its levels): align the shards again with --signal-levels");
        }
        NpyArray cuts = shard.array(CUTS);
        long[] shape = cuts.shape();
        if (!cuts.dtype().equals(NpyDType.FLOAT32) || shape.length != 2 || shape[0] != rows.size()
                || shape[1] != levels - 1) {
            throw new BadInputException(shard.file(), "array '" + CUTS + "' must be float32 [" + rows.size() + ", "
                    + (levels - 1) + "], is " + cuts.dtype().name() + " " + Arrays.toString(shape));
        }
        Map<String, float[]> byRow = new LinkedHashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            float[] row = new float[levels - 1];
            cuts.copyFloats((long) r * (levels - 1), row, levels - 1);
            byRow.put(rows.get(r), row);
        }
        return byRow;
    }

    /** Whether two tables give the same cut points for every row they share. */
    public static boolean agree(Map<String, float[]> a, Map<String, float[]> b) {
        for (Map.Entry<String, float[]> e : a.entrySet()) {
            float[] other = b.get(e.getKey());
            if (other != null && !Arrays.equals(e.getValue(), other)) {
                return false;
            }
        }
        return true;
    }
}
