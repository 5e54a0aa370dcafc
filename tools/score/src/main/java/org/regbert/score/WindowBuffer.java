package org.regbert.score;

import java.util.Arrays;

/**
 * Model inputs of windows waiting to be scored: token ids and per-token states, window after
 * window ({@code length} each), and task features ({@code featureColumns} each, bigWig signal).
 * Grows as windows are added; {@link #clear} keeps the arrays.
 */
final class WindowBuffer {
    private final int length;
    private final boolean withStates;
    private int[] tokens;
    private int[] states;
    private final int featureColumns;
    private float[] features;
    private int count;

    WindowBuffer(int length, boolean withStates, int capacity) {
        this(length, withStates, 0, capacity);
    }

    WindowBuffer(int length, boolean withStates, int featureColumns, int capacity) {
        this.length = length;
        this.withStates = withStates;
        this.featureColumns = featureColumns;
        this.tokens = new int[capacity * length];
        this.states = withStates ? new int[capacity * length] : null;
        this.features = featureColumns > 0 ? new float[capacity * featureColumns] : null;
    }

    /** Room for one more window; returns its offset in {@link #tokens()} and {@link #states()}. */
    int next() {
        int at = count * length;
        if (at + length > tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2 + length);
            if (withStates) {
                states = Arrays.copyOf(states, tokens.length);
            }
            if (features != null) {
                features = Arrays.copyOf(features, tokens.length / length * featureColumns);
            }
        }
        return at;
    }

    /** Where the features of the window at {@link #next()}'s offset go in {@link #features()}. */
    int featuresAt() {
        return count * featureColumns;
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

    /** Task features, window after window, or null when the model reads none from here. */
    float[] features() {
        return features;
    }

    int featureColumns() {
        return featureColumns;
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
