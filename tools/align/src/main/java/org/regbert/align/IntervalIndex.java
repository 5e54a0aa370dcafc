package org.regbert.align;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Intervals per contig, each with an integer value, answering "which intervals overlap
 * [a, b)" in O(log n + hits). Intervals may overlap each other (peaks do): a running maximum of
 * ends lets the search stop as soon as no earlier interval can reach {@code a}.
 */
final class IntervalIndex {
    private final Map<String, Contig> contigs = new HashMap<>();
    private final Map<String, List<long[]>> pending = new HashMap<>();
    private long size;

    private record Contig(long[] starts, long[] ends, int[] values, long[] maxEnd) {
    }

    /** Adds {@code [start, end)} (an empty interval counts as the point {@code start}). */
    void add(String contig, long start, long end, int value) {
        pending.computeIfAbsent(contig, c -> new ArrayList<>()).add(new long[] {start, Math.max(end, start + 1), value});
        size++;
    }

    long size() {
        return size;
    }

    /** Sorts what was added; call once before querying. */
    IntervalIndex build() {
        pending.forEach((name, list) -> {
            list.sort((x, y) -> Long.compare(x[0], y[0]));
            int n = list.size();
            long[] starts = new long[n];
            long[] ends = new long[n];
            int[] values = new int[n];
            long[] maxEnd = new long[n];
            for (int i = 0; i < n; i++) {
                long[] interval = list.get(i);
                starts[i] = interval[0];
                ends[i] = interval[1];
                values[i] = (int) interval[2];
                maxEnd[i] = Math.max(ends[i], i > 0 ? maxEnd[i - 1] : Long.MIN_VALUE);
            }
            contigs.put(name, new Contig(starts, ends, values, maxEnd));
        });
        pending.clear();
        return this;
    }

    /** Visits the value of every interval overlapping {@code [a, b)}. */
    void forEachOverlap(String contig, long a, long b, java.util.function.IntConsumer visitor) {
        Contig c = contigs.get(contig);
        if (c == null) {
            return;
        }
        int i = Arrays.binarySearch(c.starts, b);
        // Last interval starting before b.
        i = i >= 0 ? i - 1 : -i - 2;
        while (i >= 0 && i < c.starts.length && c.starts[i] >= b) {
            i--;
        }
        for (; i >= 0 && c.maxEnd[i] > a; i--) {
            if (c.ends[i] > a) {
                visitor.accept(c.values[i]);
            }
        }
    }

    boolean overlaps(String contig, long a, long b) {
        boolean[] hit = {false};
        forEachOverlap(contig, a, b, v -> hit[0] = true);
        return hit[0];
    }

    /** The largest value overlapping {@code [a, b)}, or {@code none}. */
    int maxOverlap(String contig, long a, long b, int none) {
        int[] best = {none};
        forEachOverlap(contig, a, b, v -> best[0] = Math.max(best[0], v));
        return best[0];
    }
}
