package org.regbert.genome;

import htsjdk.samtools.reference.FastaSequenceIndex;
import htsjdk.samtools.reference.FastaSequenceIndexEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.regbert.common.BadInputException;

/**
 * Bases of an indexed FASTA (plain, or bgzip with {@code .gzi}) read straight from the file: the
 * {@code .fai} line geometry maps a base range to file bytes, and line terminators are dropped as
 * the bytes stream in. Same bases as htsjdk's indexed fetch (which misreads some long CRLF ranges),
 * without its single-threaded buffered stream. Expects the indexes that {@code ReferenceGenome.open} has checked or built. One per
 * worker thread; the returned buffer is reused by the next fetch.
 */
public final class IndexedBases implements AutoCloseable {
    private static final int PLAIN_PIECE = 1 << 20;

    private final Path fasta;
    private final FastaSequenceIndex index;
    private final FileChannel channel;
    private final BgzfBlocks blocks;
    private final ByteBuffer plain;
    private byte[] bases = new byte[0];
    // Line-stripping state of the fetch in progress.
    private int filled;
    private int column;
    private int basesPerLine;
    private int bytesPerLine;

    public IndexedBases(Path fasta) {
        this.fasta = fasta;
        FileChannel opened = null;
        try {
            this.index = new FastaSequenceIndex(fasta.resolveSibling(fasta.getFileName() + ".fai"));
            opened = FileChannel.open(fasta, StandardOpenOption.READ);
            boolean gzip = isGzip(fasta);
            this.blocks = gzip ? new BgzfBlocks(opened, fasta.resolveSibling(fasta.getFileName() + ".gzi")) : null;
            this.plain = gzip ? null : ByteBuffer.allocate(PLAIN_PIECE);
            this.channel = opened;
        } catch (IOException | RuntimeException e) {
            closeQuietly(opened);
            throw new BadInputException(fasta, -1, "cannot open indexed FASTA: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing with the cause that matters
            }
        }
    }

    /** Bases {@code [start, end)} (0-based, case as in the file) in the first {@code end - start} bytes. */
    public byte[] fetch(String contig, long start, long end) {
        FastaSequenceIndexEntry entry = index.hasIndexEntry(contig) ? index.getIndexEntry(contig) : null;
        if (entry == null || start < 0 || end > entry.getSize() || start >= end) {
            throw new BadInputException(fasta, "range " + contig + ":" + start + "-" + end + " is outside the index");
        }
        int length = Math.toIntExact(end - start);
        if (bases.length < length) {
            bases = new byte[length];
        }
        basesPerLine = entry.getBasesPerLine();
        bytesPerLine = entry.getBytesPerLine();
        filled = 0;
        column = (int) (start % basesPerLine);
        long from = offsetOf(entry, start);
        long to = offsetOf(entry, end - 1) + 1;
        try {
            if (blocks != null) {
                blocks.read(from, to, this::strip);
            } else {
                readPlain(from, to);
            }
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(fasta, -1, "cannot read " + contig + ":" + start + "-" + end
                    + " (truncated or corrupt file, or a stale index?): " + e.getMessage(), e);
        }
        if (filled != length) {
            throw new BadInputException(fasta, "read " + filled + " bases for " + contig + ":" + start + "-" + end
                    + " where " + length + " were expected: the file or its index is truncated or stale");
        }
        return bases;
    }

    private static long offsetOf(FastaSequenceIndexEntry entry, long base) {
        int perLine = entry.getBasesPerLine();
        return entry.getLocation() + base / perLine * entry.getBytesPerLine() + base % perLine;
    }

    /** Appends the bases of raw bytes {@code [from, to)}, skipping (and checking) line terminators. */
    private void strip(byte[] raw, int from, int to) {
        int at = from;
        while (at < to) {
            if (column < basesPerLine) {
                int n = Math.min(basesPerLine - column, to - at);
                System.arraycopy(raw, at, bases, filled, n);
                filled += n;
                column += n;
                at += n;
                column = column == bytesPerLine ? 0 : column; // lines without terminators
            } else {
                byte b = raw[at++];
                if (b != '\n' && b != '\r') {
                    throw new IllegalStateException("a line is longer than the .fai says (stale index?)");
                }
                if (++column == bytesPerLine) {
                    column = 0;
                }
            }
        }
    }

    private void readPlain(long from, long to) throws IOException {
        for (long at = from; at < to; ) {
            plain.clear().limit((int) Math.min(PLAIN_PIECE, to - at));
            int n = channel.read(plain, at);
            if (n <= 0) {
                return;
            }
            strip(plain.array(), 0, n);
            at += n;
        }
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1F && in.read() == 0x8B;
        }
    }

    @Override
    public void close() {
        closeQuietly(channel); // read-only: nothing to lose
        if (blocks != null) {
            blocks.close();
        }
    }
}
