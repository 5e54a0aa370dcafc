package org.regbert.pretrain;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.common.BadInputException;
import org.regbert.shards.NpyArray;
import org.regbert.shards.NpyDType;
import org.regbert.shards.NpzReader;
import org.regbert.shards.NpzWriter;

/**
 * Named float32 tensors as an uncompressed {@code .npz} (the shard format's container): a
 * checkpoint's parameters and optimiser moments open in NumPy ({@code np.load}) as well as here,
 * bit for bit.
 */
public final class TensorFiles {
    private TensorFiles() {
    }

    /** A tensor read back: shape and values. */
    public record Tensor(long[] shape, float[] values) {
    }

    public static void write(Path file, List<String> names, List<NDArray> arrays) throws IOException {
        try (NpzWriter npz = new NpzWriter(file)) {
            for (int i = 0; i < names.size(); i++) {
                NDArray array = arrays.get(i);
                float[] values = array.toFloatArray();
                ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                data.asFloatBuffer().put(values);
                npz.addArray(names.get(i), NpyDType.FLOAT32, array.getShape().getShape(), data);
            }
        }
    }

    public static Map<String, Tensor> read(Path file) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (NpzReader npz = NpzReader.open(file)) {
            for (String member : npz.memberNames()) {
                if (!member.endsWith(".npy")) {
                    continue;
                }
                String name = member.substring(0, member.length() - 4);
                NpyArray a = npz.array(name);
                if (!a.dtype().equals(NpyDType.FLOAT32)) {
                    throw new BadInputException(file, "tensor '" + name + "' is " + a.dtype().name() + ", not float32");
                }
                float[] values = new float[Math.toIntExact(a.rows() * a.rowLength())];
                a.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                out.put(name, new Tensor(a.shape(), values));
            }
        }
        return out;
    }
}
