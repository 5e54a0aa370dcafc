package org.regbert.bigfiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The layout UCSC's writers ({@code bedGraphToBigWig}, {@code bedToBigBed}) give a file, shared by
 * the bigWig and bigBed writers: a header and ten zoom headers reserved, the autoSql text, a total
 * summary, the chromosome tree, the data count and the compressed data blocks, the data index,
 * then (bigWig) the zoom levels, and the signature again at the end; the header, zoom headers,
 * summary and count are filled in last. Little-endian, version 4, zlib blocks.
 */
abstract class BbiFileWriter implements AutoCloseable {
    static final int VERSION = 4;
    static final int MAX_ZOOM_LEVELS = 10;

    final Path file;
    final FileChannel out;
    final List<Chromosome> chromosomes = new ArrayList<>();
    private final Map<String, Chromosome> byName = new HashMap<>();
    private final int magic;
    private long position;
    private long totalSummaryOffset;
    private long chromTreeOffset;
    long dataOffset;
    /** The largest inflated block, data or zoom: readers size their buffer by it. */
    int maxBlockBytes;
    final List<RTree.Block> dataBlocks = new ArrayList<>();
    private int lastChrom = -1;
    private long lastStart = -1;
    private boolean finished;

    BbiFileWriter(Path file, Map<String, Long> chromosomeSizes, int magic, String autoSql) {
        if (chromosomeSizes.isEmpty()) {
            throw new IllegalArgumentException("a bigWig/bigBed needs at least one chromosome");
        }
        this.file = file;
        this.magic = magic;
        int id = 0;
        for (Map.Entry<String, Long> c : chromosomeSizes.entrySet()) {
            if (c.getValue() < 0 || c.getValue() > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("chromosome " + c.getKey() + " of " + c.getValue()
                        + " bases does not fit bigWig/bigBed's 32-bit coordinates");
            }
            Chromosome chromosome = new Chromosome(c.getKey(), id++, c.getValue());
            chromosomes.add(chromosome);
            byName.put(chromosome.name(), chromosome);
        }
        try {
            this.out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        write(ByteBuffer.allocate(BbiHeader.SIZE + MAX_ZOOM_LEVELS * BbiHeader.ZOOM_HEADER_SIZE));
        long autoSqlOffset = 0;
        if (autoSql != null) {
            autoSqlOffset = position;
            byte[] text = autoSql.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            write(ByteBuffer.allocate(text.length + 1).put(text).put((byte) 0).flip());
        }
        this.autoSqlOffset = autoSqlOffset;
        totalSummaryOffset = position;
        write(ByteBuffer.allocate(40));
        chromTreeOffset = position;
        write(ChromosomeTree.write(chromosomes, position));
        dataOffset = position;
        write(ByteBuffer.allocate(8));
    }

    private final long autoSqlOffset;

    /** The chromosome of {@code name}; records come sorted by chromosome (in the given order) and start. */
    Chromosome checkOrder(String name, long start, long end) {
        Chromosome c = byName.get(name);
        if (c == null) {
            throw new IllegalArgumentException("chromosome '" + name + "' is not among the file's chromosomes");
        }
        if (start < 0 || end < start || end > c.size()) {
            throw new IllegalArgumentException(name + ":" + start + "-" + end + " is not within the chromosome's "
                    + c.size() + " bases");
        }
        if (c.id() < lastChrom || c.id() == lastChrom && start < lastStart) {
            throw new IllegalArgumentException(name + ":" + start + "-" + end + " comes after a record it should"
                    + " precede: records must be sorted by chromosome (in the order given) and start");
        }
        lastChrom = c.id();
        lastStart = start;
        return c;
    }

    long position() {
        return position;
    }

    final void write(ByteBuffer bytes) {
        try {
            while (bytes.hasRemaining()) {
                position += out.write(bytes, position);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Compresses and writes one block; returns its size on disk. */
    long writeBlock(byte[] data, int length) {
        maxBlockBytes = Math.max(maxBlockBytes, length);
        byte[] compressed = BlockCodec.encode(data, length);
        write(ByteBuffer.wrap(compressed));
        return compressed.length;
    }

    /** Reads back bytes this writer wrote (the zoom passes re-read the data blocks). */
    ByteBuffer readBack(long offset, int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        try {
            while (b.hasRemaining()) {
                if (out.read(b, offset + b.position()) < 0) {
                    throw new IllegalStateException("short read of " + file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return BlockCodec.decode(file, b.flip(), Math.max(1, maxBlockBytes), ByteOrder.LITTLE_ENDIAN);
    }

    static ByteBuffer little(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes the data index after the last block and returns its offset. */
    long writeDataIndex(long itemCount) {
        long indexOffset = position;
        write(RTree.write(dataBlocks, indexOffset, indexOffset, 1));
        ByteBuffer count = little(8).putLong(0, itemCount);
        try {
            out.write(count, dataOffset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return indexOffset;
    }

    /** Fills in the header, zoom headers and total summary, and ends the file with its signature. */
    void finishFile(long indexOffset, int fieldCount, int definedFieldCount, List<BbiHeader.ZoomLevel> zooms,
            double[] totalSummary) {
        write(little(4).putInt(0, magic));
        ByteBuffer h = little(BbiHeader.SIZE + MAX_ZOOM_LEVELS * BbiHeader.ZOOM_HEADER_SIZE);
        h.putInt(magic).putShort((short) VERSION).putShort((short) zooms.size()).putLong(chromTreeOffset)
                .putLong(dataOffset).putLong(indexOffset).putShort((short) fieldCount)
                .putShort((short) definedFieldCount).putLong(autoSqlOffset)
                .putLong(totalSummary == null ? 0 : totalSummaryOffset).putInt(maxBlockBytes).putLong(0);
        for (BbiHeader.ZoomLevel z : zooms) {
            h.putInt(z.reduction()).putInt(0).putLong(z.dataOffset()).putLong(z.indexOffset());
        }
        h.clear();
        try {
            while (h.hasRemaining()) {
                out.write(h, h.position());
            }
            if (totalSummary != null) {
                ByteBuffer s = little(40).putLong((long) totalSummary[0]).putDouble(totalSummary[1])
                        .putDouble(totalSummary[2]).putDouble(totalSummary[3]).putDouble(totalSummary[4]).flip();
                out.write(s, totalSummaryOffset);
            }
            out.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Writes what is buffered, the index and the zoom levels, and closes the file. */
    abstract void finish();

    @Override
    public final void close() {
        try {
            if (!finished) {
                finished = true;
                finish();
            }
        } finally {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + file, e);
            }
        }
    }
}
