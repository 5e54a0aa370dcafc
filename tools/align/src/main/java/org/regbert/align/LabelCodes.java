package org.regbert.align;

/**
 * Values of the int8 {@code label_<task>} arrays. Every negative value is left out of training
 * and evaluation: ambiguous bins (ENCODE-DREAM's "A"), negatives not drawn by sampling, windows
 * no label bin covers, and windows overlapping an {@code --exclude} region.
 */
final class LabelCodes {
    /** Bound / positive (DREAM "B"). For splice tasks: 1 donor, 2 acceptor. */
    static final byte POSITIVE = 1;
    /** Unbound / negative (DREAM "U"). */
    static final byte NEGATIVE = 0;
    /** Overlaps only a relaxed peak (DREAM "A"): excluded. */
    static final byte AMBIGUOUS = -1;
    /** A negative left out by --negatives-per-positive sampling. */
    static final byte NOT_SAMPLED = -2;
    /** No bin of a DREAM label table covers the window: its label is unknown. */
    static final byte UNLABELLED = -3;
    /** The window overlaps an {@code --exclude} region (e.g. the ENCODE blacklist). */
    static final byte EXCLUDED = -4;

    private LabelCodes() {
    }
}
