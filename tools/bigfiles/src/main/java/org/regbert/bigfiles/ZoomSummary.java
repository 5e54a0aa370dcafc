package org.regbert.bigfiles;

/**
 * One zoom-level item (UCSC {@code bbiSummary}): over bases [start, end) of a chromosome, the bases
 * with data, and the minimum, maximum, sum and sum of squares of their values (per base).
 */
final class ZoomSummary {
    static final int BYTES = 32;

    final int chrom;
    final long start;
    long end;
    long validCount;
    double min;
    double max;
    double sum;
    double sumSquares;

    ZoomSummary(int chrom, long start, long end, double value) {
        this.chrom = chrom;
        this.start = start;
        this.end = end;
        this.min = value;
        this.max = value;
    }

    ZoomSummary(ZoomSummary copy) {
        this(copy.chrom, copy.start, copy.end, copy.min);
        merge(copy);
    }

    /** Adds {@code bases} bases of value {@code value}. */
    void add(long bases, double value) {
        validCount += bases;
        min = Math.min(min, value);
        max = Math.max(max, value);
        sum += value * bases;
        sumSquares += value * value * bases;
    }

    /** Folds a later summary of the same chromosome into this one, which then ends where it ends. */
    void merge(ZoomSummary later) {
        end = later.end;
        validCount += later.validCount;
        min = Math.min(min, later.min);
        max = Math.max(max, later.max);
        sum += later.sum;
        sumSquares += later.sumSquares;
    }

    void writeTo(java.nio.ByteBuffer out) {
        out.putInt(chrom).putInt((int) start).putInt((int) end).putInt((int) validCount).putFloat((float) min)
                .putFloat((float) max).putFloat((float) sum).putFloat((float) sumSquares);
    }
}
