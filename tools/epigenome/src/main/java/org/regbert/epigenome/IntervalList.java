package org.regbert.epigenome;

import java.nio.file.Path;
import java.util.Arrays;
import org.regbert.common.BadInputException;

/**
 * The intervals read for one contig of one track, in growable primitive arrays, with the line
 * each came from for error messages; turned into a {@link ContigStates} tiling once the
 * vocabulary is known.
 */
final class IntervalList {
    private int[] starts = new int[256];
    private int[] ends = new int[256];
    private int[] lines = new int[256];
    private byte[] states = new byte[256];
    private int size;
    private boolean sorted = true;

    void add(int start, int end, int state, long line) {
        if (start == end) {
            return;
        }
        if (size == starts.length) {
            int capacity = size * 2;
            starts = Arrays.copyOf(starts, capacity);
            ends = Arrays.copyOf(ends, capacity);
            lines = Arrays.copyOf(lines, capacity);
            states = Arrays.copyOf(states, capacity);
        }
        if (size > 0 && start < starts[size - 1]) {
            sorted = false;
        }
        starts[size] = start;
        ends[size] = end;
        lines[size] = (int) Math.min(line, Integer.MAX_VALUE);
        states[size] = (byte) state;
        size++;
    }

    int size() {
        return size;
    }

    int state(int i) {
        return states[i] & 0xFF;
    }

    void setState(int i, int state) {
        states[i] = (byte) state;
    }

    /**
     * The tiling of a segmentation: intervals must not overlap.
     *
     * @param toGlobal local state id to vocabulary id
     * @throws BadInputException naming both lines when two segments overlap
     */
    ContigStates segmentation(Path file, String fileContig, int length, byte[] toGlobal) {
        sortByStart();
        byte[] global = new byte[size];
        for (int i = 0; i < size; i++) {
            if (i > 0 && starts[i] < ends[i - 1]) {
                throw new BadInputException(file, lines[i], "segment " + fileContig + ":" + starts[i] + "-" + ends[i]
                        + " overlaps segment " + fileContig + ":" + starts[i - 1] + "-" + ends[i - 1] + " (line "
                        + lines[i - 1] + "); a segmentation assigns one state per position, so segments must not"
                        + " overlap (peak files may: name them .narrowPeak, .broadPeak or .bed)");
            }
            global[i] = toGlobal[states[i] & 0xFF];
        }
        return ContigStates.tile(length, starts, ends, global, size, StateVocabulary.NONE);
    }

    /**
     * The tiling of peaks, which may overlap: each position takes the highest vocabulary id of the
     * peaks covering it (ids rise with level), {@code gap} where none does.
     */
    ContigStates peaks(int length, byte[] toGlobal, int gap) {
        long[] opens = new long[size];
        long[] closes = new long[size];
        for (int i = 0; i < size; i++) {
            int level = toGlobal[states[i] & 0xFF] & 0xFF;
            opens[i] = (long) starts[i] << 8 | level;
            closes[i] = (long) ends[i] << 8 | level;
        }
        Arrays.sort(opens);
        Arrays.sort(closes);
        int[] active = new int[256];
        int max = 0;
        int[] pieceStarts = new int[2 * size + 1];
        int[] pieceEnds = new int[2 * size + 1];
        byte[] pieceStates = new byte[2 * size + 1];
        int pieces = 0;
        int o = 0;
        int c = 0;
        int pieceStart = -1;
        while (c < size) {
            long position = o < size ? Math.min(opens[o] >>> 8, closes[c] >>> 8) : closes[c] >>> 8;
            int before = max;
            while (c < size && closes[c] >>> 8 == position) {
                int level = (int) (closes[c++] & 0xFF);
                if (--active[level] == 0 && level == max) {
                    while (max > 0 && active[max] == 0) {
                        max--;
                    }
                }
            }
            while (o < size && opens[o] >>> 8 == position) {
                int level = (int) (opens[o++] & 0xFF);
                active[level]++;
                max = Math.max(max, level);
            }
            if (max != before) {
                if (before > 0) {
                    pieceStarts[pieces] = pieceStart;
                    pieceEnds[pieces] = (int) position;
                    pieceStates[pieces++] = (byte) before;
                }
                pieceStart = (int) position;
            }
        }
        return ContigStates.tile(length, pieceStarts, pieceEnds, pieceStates, pieces, gap);
    }

    private void sortByStart() {
        if (sorted) {
            return;
        }
        long[] order = new long[size];
        for (int i = 0; i < size; i++) {
            order[i] = (long) starts[i] << 32 | i;
        }
        Arrays.sort(order);
        int[] s = new int[size];
        int[] e = new int[size];
        int[] l = new int[size];
        byte[] st = new byte[size];
        for (int i = 0; i < size; i++) {
            int from = (int) order[i];
            s[i] = starts[from];
            e[i] = ends[from];
            l[i] = lines[from];
            st[i] = states[from];
        }
        starts = s;
        ends = e;
        lines = l;
        states = st;
        sorted = true;
    }
}
