package org.regbert.shards;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy dtype as written in an {@code .npy} header ({@code descr}), little-endian where it
 * matters. Unicode strings ({@code <U n}) are UTF-32LE, {@code 4 n} bytes per item.
 */
public record NpyDType(String descr, int itemSize) {
    public static final NpyDType BOOL = new NpyDType("|b1", 1);
    public static final NpyDType INT8 = new NpyDType("|i1", 1);
    public static final NpyDType UINT8 = new NpyDType("|u1", 1);
    public static final NpyDType INT16 = new NpyDType("<i2", 2);
    public static final NpyDType UINT16 = new NpyDType("<u2", 2);
    public static final NpyDType INT32 = new NpyDType("<i4", 4);
    public static final NpyDType UINT32 = new NpyDType("<u4", 4);
    public static final NpyDType INT64 = new NpyDType("<i8", 8);
    public static final NpyDType FLOAT16 = new NpyDType("<f2", 2);
    public static final NpyDType FLOAT32 = new NpyDType("<f4", 4);
    public static final NpyDType FLOAT64 = new NpyDType("<f8", 8);

    private static final NpyDType[] FIXED = {BOOL, INT8, UINT8, INT16, UINT16, INT32, UINT32, INT64, FLOAT16,
        FLOAT32, FLOAT64};
    private static final Pattern UNICODE = Pattern.compile("<U(\\d+)");

    /** Fixed-width unicode strings of at most {@code chars} code points. */
    public static NpyDType unicode(int chars) {
        return new NpyDType("<U" + chars, 4 * chars);
    }

    /** The dtype for a header {@code descr}; {@code null} when regbert does not read that dtype. */
    public static NpyDType parse(String descr) {
        String normalized = descr.replace('=', '<');
        for (NpyDType type : FIXED) {
            if (type.descr.equals(normalized) || type.descr.substring(1).equals(normalized.substring(1))
                    && normalized.charAt(0) == '|' && type.itemSize == 1) {
                return type;
            }
        }
        Matcher m = UNICODE.matcher(normalized);
        return m.matches() ? unicode(Integer.parseInt(m.group(1))) : null;
    }

    /** The short name used in manifests, e.g. {@code uint16}. */
    public String name() {
        return switch (descr) {
            case "|b1" -> "bool";
            case "|i1" -> "int8";
            case "|u1" -> "uint8";
            case "<i2" -> "int16";
            case "<u2" -> "uint16";
            case "<i4" -> "int32";
            case "<u4" -> "uint32";
            case "<i8" -> "int64";
            case "<f2" -> "float16";
            case "<f4" -> "float32";
            case "<f8" -> "float64";
            default -> "unicode" + (itemSize / 4);
        };
    }
}
