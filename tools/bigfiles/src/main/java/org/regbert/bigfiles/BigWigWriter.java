package org.regbert.bigfiles;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a bigWig file from bedGraph records (sorted, non-overlapping) as UCSC's
 * {@code bedGraphToBigWig} does: bedGraph sections of up to 1,024 items, zlib-compressed, indexed by
 * an R-tree of 256-item nodes, and zoom levels chosen by its rules: candidate reductions are the
 * records' average span (10 bases at least) times 4, 16, ...; the first whose summaries would take
 * at most half the data's bytes (compressed summaries estimated at half size) is level 1, and each
 * further level is 4 times coarser, made from the one before, while it still has fewer items (10
 * levels at most). Records stream to disk; the zoom passes re-read the written blocks, so memory
 * holds only the block index and the second zoom level, as UCSC's writer does.
 */
public final class BigWigWriter extends BbiFileWriter {
    static final int ITEMS_PER_SLOT = 1024;
    private static final int ZOOM_INCREMENT = 4;
    private static final int ITEM_BYTES = 12;
    private static final int SECTION_HEADER = 24;

    private final byte[] section = new byte[SECTION_HEADER + ITEMS_PER_SLOT * ITEM_BYTES];
    private final ByteBuffer sectionItems = ByteBuffer.wrap(section).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    private int sectionChrom = -1;
    private int sectionCount;
    private long sectionStart;
    private long sectionEnd;
    private long previousEnd;
    private long items;
    private long bases;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double sum;
    private double sumSquares;

    private BigWigWriter(Path file, Map<String, Long> chromosomeSizes) {
        super(file, chromosomeSizes, BigFiles.BIGWIG_MAGIC, null);
    }

    /**
     * A writer of {@code file} over these chromosomes (name → size; records must follow this order,
     * which also gives the chromosome ids).
     */
    public static BigWigWriter create(Path file, Map<String, Long> chromosomeSizes) {
        return new BigWigWriter(file, chromosomeSizes);
    }

    /** Adds bases [start, end) of {@code chrom} with {@code value}: after the previous record, not overlapping it. */
    public void add(String chrom, long start, long end, float value) {
        if (Float.isNaN(value)) {
            throw new IllegalArgumentException(chrom + ":" + start + "-" + end + ": NaN is no value; leave the bases out");
        }
        if (end == start) {
            return;
        }
        Chromosome c = checkOrder(chrom, start, end);
        if (c.id() == sectionChrom && start < previousEnd) {
            throw new IllegalArgumentException(chrom + ":" + start + "-" + end + " overlaps the record before it");
        }
        if (sectionCount == ITEMS_PER_SLOT || (sectionCount > 0 && c.id() != sectionChrom)) {
            flushSection();
        }
        if (sectionCount == 0) {
            sectionChrom = c.id();
            sectionStart = start;
            sectionItems.position(SECTION_HEADER);
        }
        sectionItems.putInt((int) start).putInt((int) end).putFloat(value);
        sectionCount++;
        sectionEnd = end;
        previousEnd = end;
        items++;
        long size = end - start;
        bases += size;
        min = Math.min(min, value);
        max = Math.max(max, value);
        sum += (double) value * size;
        sumSquares += (double) value * value * size;
    }

    private void flushSection() {
        if (sectionCount == 0) {
            return;
        }
        int length = SECTION_HEADER + sectionCount * ITEM_BYTES;
        sectionItems.putInt(0, sectionChrom).putInt(4, (int) sectionStart).putInt(8, (int) sectionEnd)
                .putInt(12, 0).putInt(16, 0).put(20, (byte) 1).put(21, (byte) 0).putShort(22, (short) sectionCount);
        long offset = position();
        long size = writeBlock(section, length);
        dataBlocks.add(new RTree.Block(sectionChrom, (int) sectionStart, sectionChrom, (int) sectionEnd, offset, size));
        sectionCount = 0;
    }

    @Override
    void finish() {
        flushSection();
        long indexOffset = writeDataIndex(dataBlocks.size());
        List<BbiHeader.ZoomLevel> zooms = items == 0 ? List.of() : writeZoomLevels(indexOffset);
        double[] total = items == 0 ? new double[5]
                : new double[] {bases, min, max, sum, sumSquares};
        finishFile(indexOffset, 0, 0, zooms, total);
    }

    /** The bedGraph records of every data block, in order (re-read from the file). */
    private void forEachRecord(RecordSink sink) {
        for (RTree.Block block : dataBlocks) {
            ByteBuffer b = readBack(block.offset(), (int) block.size());
            int chrom = b.getInt(0);
            int count = Short.toUnsignedInt(b.getShort(22));
            b.position(SECTION_HEADER);
            for (int i = 0; i < count; i++) {
                sink.accept(chrom, Integer.toUnsignedLong(b.getInt()), Integer.toUnsignedLong(b.getInt()), b.getFloat());
            }
        }
    }

    @FunctionalInterface
    private interface RecordSink {
        void accept(int chrom, long start, long end, float value);
    }

    private List<BbiHeader.ZoomLevel> writeZoomLevels(long indexOffset) {
        // Candidate reductions and the summaries each would make (UCSC's bbiCalcResScalesAndSizes and
        // the zoom counting of bedGraphToBigWig's writeSections).
        int aveSize = (int) ((double) bases / items);
        List<Long> scales = new ArrayList<>();
        long res = Math.max(aveSize, 10);
        for (int i = 0; i < MAX_ZOOM_LEVELS; i++) {
            scales.add(res);
            if (res > 1_000_000_000L) {
                break;
            }
            res *= ZOOM_INCREMENT;
        }
        long[] sizes = new long[scales.size()];
        long[] ends = new long[scales.size()];
        int[] lastChrom = {-1};
        forEachRecord((chrom, start, end, value) -> {
            if (chrom != lastChrom[0]) {
                java.util.Arrays.fill(ends, 0);
                lastChrom[0] = chrom;
            }
            for (int r = 0; r < sizes.length; r++) {
                if (start >= ends[r]) {
                    sizes[r]++;
                    ends[r] = start + scales.get(r);
                }
                while (end > ends[r]) {
                    sizes[r]++;
                    ends[r] += scales.get(r);
                }
            }
        });
        long maxReducedSize = (indexOffset - dataOffset) / 2;
        int chosen = 0;
        for (int r = 0; r < sizes.length; r++) {
            if (sizes[r] * ZoomSummary.BYTES / 2 <= maxReducedSize) {
                chosen = r;
                break;
            }
        }
        long reduction = scales.get(chosen);
        List<BbiHeader.ZoomLevel> zooms = new ArrayList<>();
        List<ZoomSummary> twice = new ArrayList<>();
        long firstData = position();
        long count = writeFirstLevel(reduction, reduction * ZOOM_INCREMENT, twice);
        long firstIndex = lastZoomIndexOffset;
        zooms.add(new BbiHeader.ZoomLevel((int) reduction, firstData, firstIndex));
        long zoomCount = count;
        reduction *= ZOOM_INCREMENT;
        List<ZoomSummary> level = twice;
        while (zooms.size() < MAX_ZOOM_LEVELS) {
            if (level.size() >= zoomCount || reduction > Integer.MAX_VALUE) {
                break;
            }
            zoomCount = level.size();
            long data = position();
            long index = writeSummaries(level);
            zooms.add(new BbiHeader.ZoomLevel((int) reduction, data, index));
            reduction *= ZOOM_INCREMENT;
            level = simpleReduce(level, reduction);
        }
        return zooms;
    }

    private long lastZoomIndexOffset;

    /**
     * The first zoom level, written as it is made (UCSC's bedGraphWriteReducedOnceReturnReducedTwice):
     * a summary starts at a record's start and spans {@code reduction} bases (cut at the chromosome's
     * end); records reaching past it are split. Returns the summary count; the next level goes to
     * {@code twice}.
     */
    private long writeFirstLevel(long reduction, long doubleReduction, List<ZoomSummary> twice) {
        SummaryStream stream = new SummaryStream();
        ZoomSummary[] current = {null};
        forEachRecord((chrom, start, end, value) -> {
            long size = chromosomes.get(chrom).size();
            ZoomSummary sum = current[0];
            if (sum != null && (sum.chrom != chrom || sum.end <= start)) {
                stream.add(sum, twice, doubleReduction);
                sum = null;
            }
            if (sum == null) {
                sum = new ZoomSummary(chrom, start, Math.min(start + reduction, size), value);
            }
            long s = start;
            while (end > sum.end) {
                long overlap = Math.max(0, Math.min(end, sum.end) - Math.max(s, sum.start));
                sum.add(overlap, value);
                stream.add(sum, twice, doubleReduction);
                s = sum.end;
                sum = new ZoomSummary(chrom, s, Math.min(s + reduction, size), value);
            }
            sum.add(end - s, value);
            current[0] = sum;
        });
        if (current[0] != null) {
            stream.add(current[0], twice, doubleReduction);
        }
        return stream.finish();
    }

    /** Writes summaries in compressed blocks of {@link #ITEMS_PER_SLOT}, then their index. */
    private final class SummaryStream {
        private final ByteBuffer buffer = little(ITEMS_PER_SLOT * ZoomSummary.BYTES);
        private final List<RTree.Block> blocks = new ArrayList<>();
        private int inBlock;
        private ZoomSummary first;
        private ZoomSummary last;
        private long count;
        private final long countOffset;

        SummaryStream() {
            countOffset = position();
            write(little(4));
        }

        void add(ZoomSummary sum, List<ZoomSummary> twice, long doubleReduction) {
            if (twice != null) {
                ZoomSummary top = twice.isEmpty() ? null : twice.get(twice.size() - 1);
                if (top == null || top.chrom != sum.chrom || top.start + doubleReduction < sum.end) {
                    twice.add(new ZoomSummary(sum));
                } else {
                    top.merge(sum);
                }
            }
            if (inBlock > 0 && (inBlock == ITEMS_PER_SLOT || sum.chrom != last.chrom)) {
                flush();
            }
            if (inBlock == 0) {
                first = sum;
            }
            sum.writeTo(buffer);
            inBlock++;
            count++;
            last = sum;
        }

        private void flush() {
            long offset = position();
            long size = writeBlock(buffer.array(), buffer.position());
            blocks.add(new RTree.Block(first.chrom, (int) first.start, last.chrom, (int) last.end, offset, size));
            buffer.clear();
            inBlock = 0;
        }

        long finish() {
            if (inBlock > 0) {
                flush();
            }
            try {
                out.write(little(4).putInt(0, (int) count), countOffset);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            lastZoomIndexOffset = position();
            write(RTree.write(blocks, lastZoomIndexOffset, lastZoomIndexOffset, 1));
            return count;
        }
    }

    private long writeSummaries(List<ZoomSummary> level) {
        SummaryStream stream = new SummaryStream();
        for (ZoomSummary sum : level) {
            stream.add(sum, null, 0);
        }
        stream.finish();
        return lastZoomIndexOffset;
    }

    /** UCSC's bbiSummarySimpleReduce: consecutive summaries merged while they fit {@code reduction} bases. */
    private static List<ZoomSummary> simpleReduce(List<ZoomSummary> list, long reduction) {
        List<ZoomSummary> reduced = new ArrayList<>();
        ZoomSummary current = null;
        for (ZoomSummary sum : list) {
            if (current == null || current.chrom != sum.chrom || sum.end > current.start + reduction) {
                current = new ZoomSummary(sum);
                reduced.add(current);
            } else {
                current.merge(sum);
            }
        }
        return reduced;
    }
}
