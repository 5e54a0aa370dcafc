package org.regbert.metrics;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Lengths of bootstrap blocks in bases, as users write them ({@code 1000000}, {@code 1Mb}, {@code 500kb}). */
public final class BlockLength {
    /** The default block: 1 Mb, longer than the reach of most peaks' correlation and short enough for many blocks per chromosome. */
    public static final long DEFAULT_BASES = 1_000_000;
    private static final Pattern LENGTH = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(bp|b|kb|k|mb|m)?");

    private BlockLength() {
    }

    /**
     * Bases of a length: a whole number of bases, or a number with {@code bp}, {@code kb} or
     * {@code Mb} (any case), for example {@code 1Mb}, {@code 500kb}, {@code 2.5Mb}.
     *
     * @throws IllegalArgumentException when it is not such a length or not at least one whole base
     */
    public static long parse(String text) {
        Matcher m = LENGTH.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a length (examples: 1000000, 1Mb, 500kb)");
        }
        String unit = m.group(2) == null ? "bp" : m.group(2);
        long scale = switch (unit) {
            case "kb", "k" -> 1_000;
            case "mb", "m" -> 1_000_000;
            default -> 1;
        };
        java.math.BigDecimal bases = new java.math.BigDecimal(m.group(1)).multiply(java.math.BigDecimal.valueOf(scale));
        if (bases.signum() <= 0 || bases.stripTrailingZeros().scale() > 0 || bases.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number of bases ≥ 1");
        }
        return bases.longValueExact();
    }

    /** "1 Mb", "500 kb", "2.5 Mb", "1500 bp": the shortest exact form. */
    public static String format(long bases) {
        if (bases >= 1_000_000 && bases % 100_000 == 0) {
            return trim(bases / 1e6) + " Mb";
        }
        if (bases >= 1_000 && bases % 100 == 0) {
            return trim(bases / 1e3) + " kb";
        }
        return bases + " bp";
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
