package org.regbert.epigenome;

/** Which state a k-mer token gets when its k bases are not all in one state. */
public enum TokenRule {
    /**
     * The state covering most of the k bases; bases outside the contig or without annotation count
     * as {@code none}. Ties go to the tied state met first in the token's reading order, which is
     * the state at the k-mer's first base whenever that state is among the tied.
     */
    MAJORITY,
    /** The state at the k-mer's first base in reading order (highest position on strand -1). */
    FIRST_BASE;

    /** {@code majority} or {@code first-base} (also accepts the enum names). */
    public static TokenRule parse(String text) {
        return switch (text.toLowerCase(java.util.Locale.ROOT).replace('_', '-')) {
            case "majority" -> MAJORITY;
            case "first-base", "first" -> FIRST_BASE;
            default -> throw new IllegalArgumentException("token rule must be 'majority' or 'first-base', got '" + text + "'");
        };
    }

    public String label() {
        return this == MAJORITY ? "majority" : "first-base";
    }
}
