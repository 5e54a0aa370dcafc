package org.regbert.score;

import java.util.Arrays;

/**
 * Model inputs of windows waiting to be scored: token ids and per-token states, window after
 * window ({@code length} each). Grows as windows are added; {@link #clear} keeps the arrays.
 */
final class WindowBuffer {
    private final int length;
    private final boolean withStates;
    private int[] tokens;
    private int[] states;
    private int count;

    WindowBuffer(int length, boolean withStates, int capacity) {
        this.length = length;
        this.withStates = withStates;
        this.tokens = new int[capacity * length];
        this.states = withStates ? new int[capacity * length] : null;
    }

    /** Room for one more window; returns its offset in {@link #tokens()} and {@link #states()}. */
    int next() {
        int at = count * length;
        if (at + length > tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2 + length);
            if (withStates) {
                states = Arrays.copyOf(states, tokens.length);
            }
        }
        return at;
    }

    /** Keeps the window written at {@link #next()}'s offset. */
    void commit() {
        count++;
    }

    int[] tokens() {
        return tokens;
    }

    int[] states() {
        return states;
    }

    int size() {
        return count;
    }

    int length() {
        return length;
    }

    void clear() {
        count = 0;
    }
}
