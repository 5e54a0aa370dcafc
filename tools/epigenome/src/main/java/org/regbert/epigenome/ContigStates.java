package org.regbert.epigenome;

import java.util.Arrays;

/**
 * One track's states along one contig, as a tiling of the whole contig: piece {@code i} covers
 * {@code [bounds[i], bounds[i+1])} with state {@code states[i]}; gaps between input intervals are
 * pieces of the track's gap state, and neighbouring pieces of one state are merged. Two arrays
 * (5 bytes per piece) keep 127 genome-wide segmentations in a few hundred MB, and a window costs
 * one binary search plus a cursor step per token. Immutable, so safe to share between threads.
 */
public final class ContigStates {
    private final int length;
    private final int[] bounds;
    private final byte[] states;

    private ContigStates(int length, int[] bounds, byte[] states) {
        this.length = length;
        this.bounds = bounds;
        this.states = states;
    }

    /** A contig with one state throughout (a contig the file does not mention). */
    static ContigStates uniform(int length, int state) {
        return new ContigStates(length, new int[] {0, length}, new byte[] {(byte) state});
    }

    /**
     * The tiling of a contig of {@code length} from {@code count} intervals sorted by start, not
     * overlapping, non-empty and within the contig; positions no interval covers get {@code gap}.
     */
    static ContigStates tile(int length, int[] starts, int[] ends, byte[] intervalStates, int count, int gap) {
        int[] b = new int[2 * count + 2];
        byte[] s = new byte[2 * count + 1];
        int n = 0;
        int pos = 0;
        byte gapState = (byte) gap;
        for (int i = 0; i < count; i++) {
            if (starts[i] > pos) {
                n = append(b, s, n, pos, gapState);
            }
            n = append(b, s, n, starts[i], intervalStates[i]);
            pos = ends[i];
        }
        if (pos < length || n == 0) {
            n = append(b, s, n, pos, gapState);
        }
        b[n] = length;
        return new ContigStates(length, Arrays.copyOf(b, n + 1), Arrays.copyOf(s, n));
    }

    private static int append(int[] b, byte[] s, int n, int start, byte state) {
        if (n > 0 && s[n - 1] == state) {
            return n;
        }
        b[n] = start;
        s[n] = state;
        return n + 1;
    }

    public int length() {
        return length;
    }

    /** Number of pieces (runs of one state) in the tiling. */
    public int pieces() {
        return states.length;
    }

    /** Start of piece {@code i}; its end is {@code pieceStart(i + 1)} ({@link #length()} for the last). */
    public int pieceStart(int i) {
        return bounds[i];
    }

    public int pieceState(int i) {
        return states[i] & 0xFF;
    }

    /** The state id at 0-based {@code position}; {@link StateVocabulary#NONE} outside the contig. */
    public int stateAt(long position) {
        if (position < 0 || position >= length) {
            return StateVocabulary.NONE;
        }
        return states[pieceIndex((int) position)] & 0xFF;
    }

    /** The last piece starting at or before {@code position}. */
    private int pieceIndex(int position) {
        int lo = 0;
        int hi = states.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (bounds[mid] <= position) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * States of {@code tokens} k-mers starting at {@code lowestStart}, {@code lowestStart + step}, ...
     * (ascending genomic order). {@code reverse} writes them to {@code out} from
     * {@code offset + tokens - 1} down to {@code offset} and makes each k-mer's first base its highest
     * position (minus-strand reading order), which matters for ties and {@link TokenRule#FIRST_BASE}.
     */
    void fill(long lowestStart, int tokens, int step, int k, boolean reverse, TokenRule rule, byte[] out, int offset) {
        if (tokens <= 0) {
            return;
        }
        boolean majority = rule == TokenRule.MAJORITY;
        int index = reverse ? offset + tokens - 1 : offset;
        int direction = reverse ? -1 : 1;
        long highestEnd = lowestStart + (long) (tokens - 1) * step + k;
        if (lowestStart < 0 || highestEnd > length) {
            // A window reaching past a contig end: per token, with the outside counted as NONE.
            for (int t = 0; t < tokens; t++, index += direction) {
                out[index] = kmerState(lowestStart + (long) t * step, k, reverse, majority);
            }
            return;
        }
        int pos = (int) lowestStart;
        int i = pieceIndex(pos);
        int next = bounds[i + 1];
        for (int t = 0; t < tokens; t++, pos += step, index += direction) {
            while (pos >= next) {
                next = bounds[++i + 1];
            }
            int end = pos + k;
            if (end <= next) {
                out[index] = states[i];
            } else if (majority) {
                out[index] = mixedMajority(pos, end, i, reverse);
            } else {
                out[index] = reverse ? states[pieceFrom(i, end - 1)] : states[i];
            }
        }
    }

    private int pieceFrom(int i, int position) {
        while (bounds[i + 1] <= position) {
            i++;
        }
        return i;
    }

    /**
     * Majority state over {@code [start, end)} spanning pieces {@code first..}; ties go to the tied
     * state met first in reading order (so to the first base's state whenever it is among them).
     */
    private byte mixedMajority(int start, int end, int first, boolean reverse) {
        int last = first;
        while (bounds[last + 1] < end) {
            last++;
        }
        byte best = 0;
        int bestCount = -1;
        int from = reverse ? last : first;
        int to = reverse ? first - 1 : last + 1;
        int direction = reverse ? -1 : 1;
        for (int p = from; p != to; p += direction) {
            byte state = states[p];
            if (seenBefore(state, from, p, direction)) {
                continue;
            }
            int count = 0;
            for (int q = p; q != to; q += direction) {
                if (states[q] == state) {
                    count += Math.min(end, bounds[q + 1]) - Math.max(start, bounds[q]);
                }
            }
            if (count > bestCount) {
                bestCount = count;
                best = state;
            }
        }
        return best;
    }

    private boolean seenBefore(byte state, int from, int p, int direction) {
        for (int q = from; q != p; q += direction) {
            if (states[q] == state) {
                return true;
            }
        }
        return false;
    }

    /** One k-mer {@code [start, start + k)} that may reach outside the contig (outside bases are NONE). */
    private byte kmerState(long start, int k, boolean reverse, boolean majority) {
        long end = start + k;
        if (!majority) {
            return (byte) stateAt(reverse ? end - 1 : start);
        }
        if (start >= 0 && end <= length) {
            int i = pieceIndex((int) start);
            return end <= bounds[i + 1] ? states[i] : mixedMajority((int) start, (int) end, i, reverse);
        }
        // Runs in genomic order: outside-left, pieces inside, outside-right.
        byte[] runState = new byte[k + 2];
        int[] runLength = new int[k + 2];
        int runs = 0;
        if (start < 0) {
            runState[runs] = StateVocabulary.NONE;
            runLength[runs++] = (int) Math.min(k, -start);
        }
        long inStart = Math.max(start, 0);
        long inEnd = Math.min(end, length);
        if (inStart < inEnd) {
            for (int p = pieceIndex((int) inStart); p < states.length && bounds[p] < inEnd; p++) {
                runState[runs] = states[p];
                runLength[runs++] = (int) (Math.min(inEnd, bounds[p + 1]) - Math.max(inStart, bounds[p]));
            }
        }
        if (end > length) {
            runState[runs] = StateVocabulary.NONE;
            runLength[runs++] = (int) Math.min(k, end - Math.max(start, length));
        }
        byte best = 0;
        int bestCount = -1;
        for (int r = 0; r < runs; r++) {
            int p = reverse ? runs - 1 - r : r;
            int count = 0;
            for (int q = 0; q < runs; q++) {
                if (runState[q] == runState[p]) {
                    count += runLength[q];
                }
            }
            if (count > bestCount) {
                bestCount = count;
                best = runState[p];
            }
        }
        return best;
    }
}
