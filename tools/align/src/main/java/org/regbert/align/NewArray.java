package org.regbert.align;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.regbert.shards.NpyDType;
import org.regbert.shards.NpzWriter;

/**
 * An array align adds to a shard, with the description the manifest gives it. Its data is
 * streamed into the shard, so large arrays ([cell types, N, L] states) never sit whole in memory.
 */
record NewArray(String name, NpyDType dtype, long[] shape, String description, Data data) {

    /** Writes the array's bytes, in C order, into the shard. */
    @FunctionalInterface
    interface Data {
        void writeTo(NpzWriter.ArraySink sink) throws IOException;
    }

    NewArray(String name, NpyDType dtype, long[] shape, ByteBuffer bytes, String description) {
        this(name, dtype, shape, description, sink -> sink.write(bytes.duplicate()));
    }
}
