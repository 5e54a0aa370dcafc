package org.regbert.align;

import java.util.List;
import java.util.Map;
import org.regbert.shards.TokenShard;

/** Adds arrays computed per window (chromatin states, motif scores) to each shard. */
interface ShardAnnotator {
    /** The manifest section this annotator writes under {@code annotations}. */
    String section();

    Map<String, Object> describe();

    List<NewArray> annotate(TokenShard shard, WindowCoordinates windows);
}
