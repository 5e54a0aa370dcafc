package org.regbert.bigfiles;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.regbert.common.BadInputException;

/**
 * Reads a bigWig file (UCSC, any version, either byte order, compressed or not): the intervals of a
 * region and their values, from bedGraph, variableStep and fixedStep sections alike.
 */
public final class BigWigReader extends BigFile {
    private static final int BEDGRAPH = 1;
    private static final int VARIABLE_STEP = 2;
    private static final int FIXED_STEP = 3;

    /** Receives one interval with data: bases [start, end) of the queried chromosome, all with {@code value}. */
    @FunctionalInterface
    public interface IntervalSink {
        void accept(long start, long end, float value);
    }

    private BigWigReader(Path file) {
        super(file, BigFiles.BIGWIG_MAGIC, "bigWig");
    }

    /** Opens {@code file}; a file that is not a bigWig, or a corrupt one, is bad input naming it. */
    public static BigWigReader open(Path file) {
        return new BigWigReader(file);
    }

    /**
     * Every interval with data overlapping {@code chrom} [start, end), clipped to it, in order. A
     * chromosome the file lacks has none.
     */
    public void query(String chrom, long start, long end, IntervalSink sink) {
        Chromosome c = chromosome(chrom);
        if (c == null || end <= start) {
            return;
        }
        for (ByteBuffer block : blocks(c, start, end)) {
            readSection(block, c.id(), start, end, sink);
        }
    }

    /** Per-base values of {@code chrom} [start, end): NaN where the file has no data. */
    public float[] values(String chrom, long start, long end) {
        float[] values = new float[Math.toIntExact(end - start)];
        Arrays.fill(values, Float.NaN);
        query(chrom, start, end, (s, e, v) -> Arrays.fill(values, (int) (s - start), (int) (e - start), v));
        return values;
    }

    private void readSection(ByteBuffer b, int chromId, long start, long end, IntervalSink sink) {
        if (b.remaining() < 24) {
            throw new BadInputException(file(), "corrupt bigWig section (" + b.remaining() + " bytes)");
        }
        int chrom = b.getInt();
        long sectionStart = Integer.toUnsignedLong(b.getInt());
        b.getInt(); // section end
        long step = Integer.toUnsignedLong(b.getInt());
        long span = Integer.toUnsignedLong(b.getInt());
        int type = Byte.toUnsignedInt(b.get());
        b.get();
        int count = Short.toUnsignedInt(b.getShort());
        if (chrom != chromId) {
            return;
        }
        int itemSize = switch (type) {
            case BEDGRAPH -> 12;
            case VARIABLE_STEP -> 8;
            case FIXED_STEP -> 4;
            default -> throw new BadInputException(file(), "corrupt bigWig section (type " + type + ")");
        };
        if (b.remaining() < (long) count * itemSize) {
            throw new BadInputException(file(), "corrupt bigWig section (" + count + " items in " + b.remaining()
                    + " bytes)");
        }
        for (int i = 0; i < count; i++) {
            long s;
            long e;
            float value;
            switch (type) {
                case BEDGRAPH -> {
                    s = Integer.toUnsignedLong(b.getInt());
                    e = Integer.toUnsignedLong(b.getInt());
                    value = b.getFloat();
                }
                case VARIABLE_STEP -> {
                    s = Integer.toUnsignedLong(b.getInt());
                    e = s + span;
                    value = b.getFloat();
                }
                default -> {
                    s = sectionStart + i * step;
                    e = s + span;
                    value = b.getFloat();
                }
            }
            if (e > start && s < end) {
                sink.accept(Math.max(s, start), Math.min(e, end), value);
            }
        }
    }
}
