package org.regbert.score;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.regbert.shards.NpyArray;
import org.regbert.shards.NpyDType;
import org.regbert.shards.NpzWriter;

/**
 * Writes window embeddings as a NumPy {@code .npz}: {@code embeddings} float32 [N, H] (the pooled
 * vector the head reads: [CLS] or mean, as the model was fine-tuned), {@code contig} (names),
 * {@code start} and {@code end} int64 [N] (0-based, end exclusive). Only scored windows are kept.
 */
final class EmbeddingExport {
    private EmbeddingExport() {
    }

    static void write(Path file, List<RegionWindows.Window> windows, float[][] vectors, int size) throws IOException {
        int n = 0;
        for (float[] v : vectors) {
            n += v == null ? 0 : 1;
        }
        ByteBuffer data = ByteBuffer.allocate(n * size * 4).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer starts = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer ends = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
        List<String> contigs = new java.util.ArrayList<>(n);
        for (int i = 0; i < windows.size(); i++) {
            if (vectors[i] == null) {
                continue;
            }
            for (float x : vectors[i]) {
                data.putFloat(x);
            }
            starts.putLong(windows.get(i).start());
            ends.putLong(windows.get(i).end());
            contigs.add(windows.get(i).contig());
        }
        NpyDType names = NpyArray.stringType(contigs.isEmpty() ? List.of("") : contigs);
        try (NpzWriter npz = new NpzWriter(file)) {
            npz.addArray("embeddings", NpyDType.FLOAT32, new long[] {n, size}, data.flip());
            npz.addArray("contig", names, new long[] {n}, NpyArray.encodeStrings(contigs, names));
            npz.addArray("start", NpyDType.INT64, new long[] {n}, starts.flip());
            npz.addArray("end", NpyDType.INT64, new long[] {n}, ends.flip());
        }
    }
}
