package org.regbert.finetune;

import org.regbert.shards.Half;

/**
 * The task features of one window's bigWig signal ({@code finetune --feature signal}): align's
 * per-token means (NaN where the bigWig has no data) averaged over the tokens with data, then
 * asinh-scaled, because signal (fold change, read counts) is heavy-tailed: asinh is about x near 0
 * and log(2x) for large x, keeps the sign, and is defined at 0, where log is not. A window without
 * data gets 0 and a "has data" flag of 0, so the head can tell it from measured zero signal.
 */
public final class WindowSignal {
    /** Column-name suffix of the 0/1 "the window has data" feature. */
    public static final String HAS_DATA = ":has-data";

    private double sum;
    private int withData;

    /** Averages {@code count} token values; infinities (align's float16 overflow beyond 65504) count as ±65504. */
    public WindowSignal(float[] tokens, int count) {
        for (int i = 0; i < count; i++) {
            float v = tokens[i];
            if (!Float.isNaN(v)) {
                sum += Math.max(-Half.MAX_VALUE, Math.min(Half.MAX_VALUE, v));
                withData++;
            }
        }
    }

    /** asinh of the mean over the tokens with data; 0 when none has data. */
    public float scaledMean() {
        return withData == 0 ? 0f : (float) asinh(sum / withData);
    }

    /** 1 when at least one token has data, else 0. */
    public float hasData() {
        return withData > 0 ? 1f : 0f;
    }

    /**
     * Java 17 has no Math.asinh: sign(x) ln(1 + |x| + x² / (1 + sqrt(x² + 1))), the same as
     * ln(|x| + sqrt(x² + 1)) but through log1p, precise near 0 (and on |x|, for large negative x).
     */
    static double asinh(double x) {
        double a = Math.abs(x);
        return Math.copySign(Math.log1p(a + a * a / (1 + Math.sqrt(a * a + 1))), x);
    }
}
