package org.regbert.bigfiles;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.regbert.common.BadInputException;

/**
 * Reads a bigBed file (UCSC): its entries as BED text, chromosome by chromosome, block by block,
 * and the column counts and autoSql schema that say what the columns are (narrowPeak, broadPeak, ...).
 */
public final class BigBedReader extends BigFile {

    /** Receives one entry: its chromosome's name, start, end, and the columns after the third (tab-joined, may be empty). */
    @FunctionalInterface
    public interface EntrySink {
        void accept(String chrom, long start, long end, String rest);
    }

    private BigBedReader(Path file) {
        super(file, BigFiles.BIGBED_MAGIC, "bigBed");
    }

    public static BigBedReader open(Path file) {
        return new BigBedReader(file);
    }

    /** Columns per entry (3 for BED3, 10 for narrowPeak). */
    public int fieldCount() {
        return header.fieldCount();
    }

    /** Columns with BED's standard meanings (6 for narrowPeak and broadPeak: bed6+4, bed6+3). */
    public int definedFieldCount() {
        return header.definedFieldCount();
    }

    /** The autoSql schema the file carries, or null. */
    public String autoSql() {
        if (header.autoSqlOffset() == 0) {
            return null;
        }
        long end = header.totalSummaryOffset() > header.autoSqlOffset() ? header.totalSummaryOffset()
                : header.chromTreeOffset();
        int size = (int) Math.min(1 << 20, Math.max(0, end - header.autoSqlOffset()));
        ByteBuffer text = in.read(header.autoSqlOffset(), size);
        int length = 0;
        while (length < size && text.get(length) != 0) {
            length++;
        }
        return new String(text.array(), 0, length, StandardCharsets.US_ASCII);
    }

    /** Entries overlapping {@code chrom} [start, end), in file order. */
    public void query(String chrom, long start, long end, EntrySink sink) {
        Chromosome c = chromosome(chrom);
        if (c == null || end <= start) {
            return;
        }
        for (ByteBuffer block : blocks(c, start, end)) {
            readBlock(block, c, start, end, sink);
        }
    }

    /** Every entry of the file, chromosome by chromosome in id order. */
    public void forEach(EntrySink sink) {
        chromosomes().stream().sorted(java.util.Comparator.comparingInt(Chromosome::id))
                .forEach(c -> query(c.name(), 0, Math.max(c.size(), 1), sink));
    }

    private void readBlock(ByteBuffer b, Chromosome c, long start, long end, EntrySink sink) {
        byte[] bytes = new byte[b.remaining()];
        int base = b.position();
        while (b.remaining() > 0) {
            if (b.remaining() < 13) {
                throw new BadInputException(file(), "corrupt bigBed block (an entry of " + b.remaining() + " bytes)");
            }
            int chrom = b.getInt();
            long s = Integer.toUnsignedLong(b.getInt());
            long e = Integer.toUnsignedLong(b.getInt());
            int from = b.position();
            int to = from;
            while (to < b.limit() && b.get(to) != 0) {
                to++;
            }
            if (to == b.limit()) {
                throw new BadInputException(file(), "corrupt bigBed block (an entry without its closing zero byte)");
            }
            b.position(to + 1);
            if (chrom == c.id() && e > start && s < end || chrom == c.id() && s == e && s >= start && s < end) {
                b.duplicate().position(from).get(bytes, 0, to - from);
                sink.accept(c.name(), s, e, new String(bytes, 0, to - from, StandardCharsets.US_ASCII));
            }
        }
        b.position(base);
    }
}
