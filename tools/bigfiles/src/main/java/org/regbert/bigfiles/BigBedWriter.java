package org.regbert.bigfiles;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a bigBed file from sorted BED entries in UCSC's layout ({@code bedToBigBed}'s blocks of 512
 * entries, zlib-compressed, an R-tree of 256-item nodes, the autoSql schema), without zoom levels:
 * bigBed zooms only draw coverage in a browser; every reader finds entries through the data index.
 */
public final class BigBedWriter extends BbiFileWriter {
    static final int ITEMS_PER_SLOT = 512;

    /** ENCODE's narrowPeak schema (bigNarrowPeak.as), for {@link #create} with 10 columns. */
    public static final String NARROW_PEAK_AUTOSQL = """
            table narrowPeak
            "BED6+4 Peaks of signal enrichment based on pooled, normalized (interpreted) data."
                (
                string chrom;        "Reference sequence chromosome or scaffold"
                uint   chromStart;   "Start position in chromosome"
                uint   chromEnd;     "End position in chromosome"
                string name;         "Name given to a region (preferably unique). Use . if no name is assigned"
                uint   score;        "Indicates how dark the peak will be displayed in the browser (0-1000) "
                char[1]  strand;     "+ or - or . for unknown"
                float  signalValue;  "Measurement of average enrichment for the region"
                float  pValue;       "Statistical significance of signal value (-log10). Set to -1 if not used."
                float  qValue;       "Statistical significance with multiple-test correction applied (FDR -log10). Set to -1 if not used."
                int   peak;          "Point-source called for this peak; 0-based offset from chromStart. Set to -1 if no point-source called."
                )
            """;

    private final int fieldCount;
    private final int definedFieldCount;
    private final ByteBuffer block = little(1 << 16);
    private int inBlock;
    private int blockChrom = -1;
    private long blockStart;
    private long blockEnd;
    private long entries;
    /** Coverage depth sweep for the total summary (UCSC's bigBed summary counts overlapping entries). */
    private final java.util.PriorityQueue<Long> activeEnds = new java.util.PriorityQueue<>();
    private int sweepChrom = -1;
    private long sweepPosition;
    private final double[] coverage = {0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, 0};

    private BigBedWriter(Path file, Map<String, Long> chromosomeSizes, int fieldCount, int definedFieldCount,
            String autoSql) {
        super(file, chromosomeSizes, BigFiles.BIGBED_MAGIC, autoSql);
        this.fieldCount = fieldCount;
        this.definedFieldCount = definedFieldCount;
    }

    /**
     * A writer of {@code file} over these chromosomes (entries follow their order) with
     * {@code fieldCount} columns per entry, the first {@code definedFieldCount} standard BED ones.
     */
    public static BigBedWriter create(Path file, Map<String, Long> chromosomeSizes, int fieldCount,
            int definedFieldCount, String autoSql) {
        if (fieldCount < 3 || definedFieldCount < 3 || definedFieldCount > fieldCount) {
            throw new IllegalArgumentException("bigBed columns: " + fieldCount + " fields, " + definedFieldCount
                    + " defined");
        }
        return new BigBedWriter(file, chromosomeSizes, fieldCount, definedFieldCount, autoSql);
    }

    /** Adds an entry: columns 1-3 and the rest as BED text (tab-joined columns 4 on, or ""). */
    public void add(String chrom, long start, long end, String rest) {
        Chromosome c = checkOrder(chrom, start, end);
        byte[] text = rest.getBytes(StandardCharsets.US_ASCII);
        int columns = rest.isEmpty() ? 3 : 4 + (int) rest.chars().filter(ch -> ch == '\t').count();
        if (columns != fieldCount) {
            throw new IllegalArgumentException(chrom + ":" + start + "-" + end + " has " + columns + " columns, the file "
                    + fieldCount);
        }
        if (inBlock == ITEMS_PER_SLOT || (inBlock > 0 && c.id() != blockChrom)
                || block.remaining() < 13 + text.length) {
            flushBlock();
        }
        if (block.remaining() < 13 + text.length) {
            throw new IllegalArgumentException("an entry of " + text.length + " bytes is too long for a bigBed block");
        }
        if (inBlock == 0) {
            blockChrom = c.id();
            blockStart = start;
            blockEnd = end;
        }
        block.putInt(c.id()).putInt((int) start).putInt((int) end).put(text).put((byte) 0);
        sweep(c.id(), start, end);
        blockEnd = Math.max(blockEnd, end);
        inBlock++;
        entries++;
    }

    private void flushBlock() {
        if (inBlock == 0) {
            return;
        }
        long offset = position();
        long size = writeBlock(block.array(), block.position());
        dataBlocks.add(new RTree.Block(blockChrom, (int) blockStart, blockChrom, (int) blockEnd, offset, size));
        block.clear();
        inBlock = 0;
    }

    /** Depth of coverage up to {@code start}, then the entry joins the active ones. */
    private void sweep(int chrom, long start, long end) {
        if (chrom != sweepChrom) {
            advance(Long.MAX_VALUE);
            sweepChrom = chrom;
            sweepPosition = start;
        } else {
            advance(start);
        }
        activeEnds.add(end);
    }

    private void advance(long to) {
        while (!activeEnds.isEmpty() && activeEnds.peek() <= to) {
            long end = activeEnds.poll();
            account(sweepPosition, end, activeEnds.size() + 1);
            sweepPosition = Math.max(sweepPosition, end);
        }
        account(sweepPosition, to, activeEnds.size());
        sweepPosition = Math.max(sweepPosition, to);
    }

    private void account(long from, long to, int depth) {
        if (depth > 0 && to > from) {
            long bases = to - from;
            coverage[0] += bases;
            coverage[1] = Math.min(coverage[1], depth);
            coverage[2] = Math.max(coverage[2], depth);
            coverage[3] += (double) depth * bases;
            coverage[4] += (double) depth * depth * bases;
        }
    }

    @Override
    void finish() {
        flushBlock();
        advance(Long.MAX_VALUE);
        long indexOffset = writeDataIndex(entries);
        finishFile(indexOffset, fieldCount, definedFieldCount, List.of(),
                entries == 0 ? new double[5] : coverage);
    }
}
