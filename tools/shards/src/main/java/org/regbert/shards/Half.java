package org.regbert.shards;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * IEEE 754 binary16 ("float16", NumPy {@code <f2}) conversions, which Java 17 lacks. Encoding
 * rounds to nearest, ties to even, as NumPy and C do: values beyond the largest half (65504)
 * round to infinity from 65520 on, small values become subnormals or signed zero, NaN stays NaN
 * (keeping the top 10 payload bits, as NumPy does).
 */
public final class Half {
    public static final short POSITIVE_INFINITY = 0x7c00;
    public static final short NEGATIVE_INFINITY = (short) 0xfc00;
    /** The largest finite half, 65504. */
    public static final float MAX_VALUE = 65504f;

    private Half() {
    }

    /** The half nearest to {@code value} (ties to even), as its 16 bits. */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7fffff;
        if (exponent == 0xff) {
            if (mantissa == 0) {
                return (short) (sign | 0x7c00);
            }
            int payload = mantissa >>> 13;
            return (short) (sign | 0x7c00 | (payload == 0 ? 1 : payload)); // NaN stays NaN, as in NumPy
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (halfExponent <= 0) {
            // Subnormal half: value = significand * 2^-24. Float subnormals are far below that.
            int shift = 14 - halfExponent;
            if (exponent == 0 || shift > 24) {
                return (short) sign;
            }
            int significand = mantissa | 0x800000;
            int half = significand >>> shift;
            int rest = significand & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rest > halfway || rest == halfway && (half & 1) != 0) {
                half++; // may carry into the smallest normal, which is the right answer
            }
            return (short) (sign | half);
        }
        int half = (halfExponent << 10) | (mantissa >>> 13);
        int rest = mantissa & 0x1fff;
        if (rest > 0x1000 || rest == 0x1000 && (half & 1) != 0) {
            half++; // may carry into the exponent, up to infinity
        }
        return (short) (sign | half);
    }

    /** The float value of the half with bits {@code half} (exact: every half is a float). */
    public static float toFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** Each value as half bits. */
    public static short[] fromFloats(float[] values) {
        short[] halves = new short[values.length];
        for (int i = 0; i < values.length; i++) {
            halves[i] = fromFloat(values[i]);
        }
        return halves;
    }

    /**
     * {@code values} as little-endian halves, ready for
     * {@code NpzWriter.addArray(name, NpyDType.FLOAT16, shape, buffer)}.
     */
    public static ByteBuffer toLittleEndian(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            buffer.putShort(fromFloat(value));
        }
        return buffer.flip();
    }
}
