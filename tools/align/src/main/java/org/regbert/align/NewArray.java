package org.regbert.align;

import java.nio.ByteBuffer;
import org.regbert.shards.NpyDType;

/** An array align adds to a shard, with the description the manifest gives it. */
record NewArray(String name, NpyDType dtype, long[] shape, ByteBuffer data, String description) {
}
