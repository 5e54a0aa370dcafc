package org.regbert.tokenize;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts intervals into chunk tasks of at most {@link #MAX_CHUNK_BASES} bases and
 * {@link #MAX_CHUNK_WINDOWS} windows, so a batch in flight stays small whatever the stride.
 */
final class ChunkPlanner {
    static final long MAX_CHUNK_BASES = 1 << 22;
    static final int MAX_CHUNK_WINDOWS = 4096;

    private final WindowGeometry geometry;
    private final List<ChunkTask> tasks = new ArrayList<>();

    ChunkPlanner(WindowGeometry geometry) {
        this.geometry = geometry;
    }

    /**
     * Plans every full window of {@code [from, to)} (from {@code from}); {@code covered} is how many
     * bases of progress the interval is worth.
     */
    void interval(String contig, int contigIndex, long from, long to, int strand, int region, long covered) {
        long windows = geometry.windowsIn(to - from);
        int stride = geometry.strideBases();
        long perChunk = Math.min(MAX_CHUNK_WINDOWS, Math.max(1, (MAX_CHUNK_BASES - geometry.windowBases()) / stride + 1));
        long remaining = covered;
        for (long first = 0; first < windows; first += perChunk) {
            int count = (int) Math.min(perChunk, windows - first);
            long worth = first + count == windows ? remaining : Math.min(remaining, (long) count * stride);
            remaining -= worth;
            // Bases up to the next chunk's start (with a stride past the window, those the chunk reads).
            long length = (long) (count - 1) * stride + geometry.windowBases();
            long own = first + count == windows ? length : Math.min(length, (long) count * stride);
            tasks.add(new ChunkTask(contig, contigIndex, from + first * stride, count, strand, region, worth,
                    (int) own));
        }
    }

    List<ChunkTask> tasks() {
        return tasks;
    }
}
