package org.regbert.genome;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The uncompressed bytes of a bgzip file, read by block through its {@code .gzi} index with one
 * raw-deflate {@link Inflater} per instance (ISA-L or zlib, see {@link Inflaters}). htsjdk's stream does the same work
 * single-threaded behind a buffered copy; this lets each tokenize worker inflate its own chunks.
 * Not thread-safe: one instance per worker.
 */
final class BgzfBlocks implements AutoCloseable {
    static final int MAX_BLOCK = 1 << 16;

    private final FileChannel channel;
    private final long fileSize;
    private final long[] compressed;
    private final long[] uncompressed;
    private final Inflater inflater = Inflaters.newRaw();
    private final byte[] block = new byte[MAX_BLOCK];
    private ByteBuffer input = ByteBuffer.allocate(0);
    // Which block {@link #block} holds: its uncompressed start and length (-1: none), and the file
    // offset of the block after it.
    private long cachedStart;
    private int cachedLength = -1;
    private long cachedNext;

    /** Receives the inflated bytes of a range, piece by piece, in order. */
    interface Sink {
        void accept(byte[] bytes, int from, int to);
    }

    BgzfBlocks(FileChannel channel, Path gzi) throws IOException {
        this.channel = channel;
        this.fileSize = channel.size();
        // .gzi: a little-endian count, then (compressed, uncompressed) offsets of every block but the first.
        ByteBuffer index = ByteBuffer.wrap(Files.readAllBytes(gzi)).order(ByteOrder.LITTLE_ENDIAN);
        int entries = Math.toIntExact(index.getLong());
        if (index.remaining() != 16L * entries) {
            throw new IOException(gzi + ": not a bgzip .gzi index (size does not match its entry count)");
        }
        compressed = new long[entries + 1];
        uncompressed = new long[entries + 1];
        for (int i = 1; i <= entries; i++) {
            compressed[i] = index.getLong();
            uncompressed[i] = index.getLong();
        }
    }

    /** Streams uncompressed bytes {@code [from, to)} into {@code sink}. */
    void read(long from, long to, Sink sink) throws IOException {
        long begin;
        long position;
        if (cachedLength >= 0 && cachedStart <= from && from < cachedStart + cachedLength) {
            // The block inflated last still holds the start: sorted short regions often share one.
            emit(sink, from, to, cachedStart, cachedLength);
            position = cachedStart + cachedLength;
            begin = cachedNext;
            if (position >= to) {
                return;
            }
        } else {
            int first = blockAt(from);
            begin = compressed[first];
            position = uncompressed[first];
        }
        int last = blockAt(to - 1);
        long end = last + 1 < compressed.length ? compressed[last + 1] : fileSize;
        ByteBuffer span = fill(begin, end);
        byte[] bytes = span.array();
        int at = 0;
        while (position < to) {
            if (at + 18 > span.limit()) {
                throw new IOException("bgzip block at " + (begin + at) + " is truncated");
            }
            int size = blockSize(bytes, at, begin);
            cachedLength = -1;
            int produced = inflate(bytes, at, size, begin);
            emit(sink, from, to, position, produced);
            cachedStart = position;
            cachedLength = produced;
            cachedNext = begin + at + size;
            position += produced;
            at += size;
        }
    }

    /** Passes the part of {@link #block} (uncompressed {@code [start, start + length)}) inside the range. */
    private void emit(Sink sink, long from, long to, long start, int length) {
        int lo = (int) Math.max(0, from - start);
        int hi = (int) Math.min(length, to - start);
        if (lo < hi) {
            sink.accept(block, lo, hi);
        }
    }

    private ByteBuffer fill(long begin, long end) throws IOException {
        int length = Math.toIntExact(end - begin);
        if (input.capacity() < length) {
            input = ByteBuffer.allocate(length);
        }
        input.clear().limit(length);
        while (input.hasRemaining()) {
            if (channel.read(input, begin + input.position()) < 0) {
                break;
            }
        }
        return input.flip();
    }

    /** Total size of the block at {@code at} (BSIZE + 1), from its BC extra subfield. */
    private int blockSize(byte[] b, int at, long base) throws IOException {
        if ((b[at] & 0xFF) != 0x1F || (b[at + 1] & 0xFF) != 0x8B || b[at + 2] != 8 || (b[at + 3] & 4) == 0) {
            throw new IOException("no bgzip block header at byte " + (base + at) + " (stale .gzi index?)");
        }
        int xlen = u16(b, at + 10);
        for (int x = at + 12; x + 4 <= at + 12 + xlen; x += 4 + u16(b, x + 2)) {
            if (b[x] == 'B' && b[x + 1] == 'C' && u16(b, x + 2) == 2) {
                return u16(b, x + 4) + 1;
            }
        }
        throw new IOException("gzip block at byte " + (base + at) + " has no BGZF size field");
    }

    /** Inflates the block at {@code at} into {@link #block}; returns its uncompressed size. */
    private int inflate(byte[] b, int at, int size, long base) throws IOException {
        int dataStart = at + 12 + u16(b, at + 10);
        int dataEnd = at + size - 8;
        if (at + size > input.limit() || dataEnd < dataStart) {
            throw new IOException("bgzip block at byte " + (base + at) + " is truncated");
        }
        int expected = u16(b, dataEnd + 4) | u16(b, dataEnd + 6) << 16;
        if (expected > MAX_BLOCK) {
            throw new IOException("bgzip block at byte " + (base + at) + " claims " + expected + " bytes");
        }
        inflater.reset();
        inflater.setInput(b, dataStart, dataEnd - dataStart);
        try {
            int produced = expected == 0 ? 0 : inflater.inflate(block, 0, expected);
            if (produced != expected) {
                throw new IOException("bgzip block at byte " + (base + at) + " inflates to " + produced
                        + " bytes, its footer says " + expected);
            }
            return produced;
        } catch (DataFormatException | RuntimeException e) { // GKL reports a bad stream as a RuntimeException
            throw new IOException("corrupt bgzip block at byte " + (base + at) + ": " + e.getMessage(), e);
        }
    }

    /** Index of the block holding uncompressed offset {@code offset}. */
    private int blockAt(long offset) {
        int lo = 0;
        int hi = uncompressed.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (uncompressed[mid] <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    @Override
    public void close() {
        inflater.end();
    }
}
