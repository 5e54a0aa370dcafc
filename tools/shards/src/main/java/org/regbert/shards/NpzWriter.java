package org.regbert.shards;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes an uncompressed ("stored") ZIP of {@code .npy} arrays that {@code numpy.load} opens as an
 * {@code NpzFile}. Each member's data is padded (via the ZIP extra field) to start on a 64-byte
 * boundary of the file, so readers can memory-map arrays in place. Output is deterministic: fixed
 * timestamps, members in the order added. Shards are limited to 4 GiB (no ZIP64).
 */
public final class NpzWriter implements AutoCloseable {
    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int END_OF_CENTRAL_DIRECTORY = 0x06054b50;
    private static final short PADDING_EXTRA_ID = (short) 0xD935;
    /**
     * {@code -Dregbert.fsync=true}: force each file to disk before it is closed (and renamed into
     * place), for output that must survive a power loss; the pipeline service turns it on. Off for
     * the command-line stages, as samtools and htsjdk: a killed process never leaves a half-written
     * file either way (files are staged, then renamed), and an fsync per shard costs chr20's
     * tokenize about 8% of its time on a virtual disk. Read at every close: the service sets it at start.
     */
    private static final String FSYNC = "regbert.fsync";
    private static final short DOS_DATE_1980_01_01 = (short) ((1 << 5) | 1);
    private static final int ALIGNMENT = 64;
    private static final long ZIP32_LIMIT = 0xFFFF_FFFFL;

    private record Member(byte[] name, int crc, long size, long offset) {
    }

    private final FileChannel channel;
    private final List<Member> members = new ArrayList<>();
    private long position;

    public NpzWriter(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** Adds {@code name.npy} holding the remaining bytes of {@code data} (little-endian, C order). */
    public void addArray(String name, NpyDType dtype, long[] shape, ByteBuffer data) throws IOException {
        long expected = dtype.itemSize();
        for (long dim : shape) {
            expected *= dim;
        }
        if (expected != data.remaining()) {
            throw new IllegalArgumentException(name + ": " + data.remaining() + " bytes for " + expected
                    + " expected by its shape");
        }
        byte[] header = NpyFormat.header(dtype, shape);
        addMember(name + ".npy", ByteBuffer.wrap(header), data);
    }

    /**
     * Starts {@code name.npy} whose data the caller streams through the returned sink, in C order;
     * the CRC is patched into the member's header when the sink closes. Only one array may be open
     * at a time, and nothing else may be added until it is closed.
     */
    public ArraySink beginArray(String name, NpyDType dtype, long[] shape) throws IOException {
        long dataBytes = dtype.itemSize();
        for (long dim : shape) {
            dataBytes *= dim;
        }
        byte[] header = NpyFormat.header(dtype, shape);
        byte[] nameBytes = (name + ".npy").getBytes(StandardCharsets.UTF_8);
        long size = header.length + dataBytes;
        long offset = position;
        int padding = paddingFor(offset + 30 + nameBytes.length);
        if (offset + 30 + nameBytes.length + padding + size > ZIP32_LIMIT) {
            throw new IOException("shard would exceed 4 GiB; use fewer windows per shard");
        }
        write(localHeader(nameBytes, 0, size, padding));
        CRC32 crc = new CRC32();
        crc.update(header);
        write(ByteBuffer.wrap(header));
        return new ArraySink(nameBytes, offset, size, dataBytes, crc);
    }

    /** The data of one array being streamed into the shard. */
    public final class ArraySink implements AutoCloseable {
        private final byte[] nameBytes;
        private final long offset;
        private final long size;
        private final long dataBytes;
        private final CRC32 crc;
        private long written;

        private ArraySink(byte[] nameBytes, long offset, long size, long dataBytes, CRC32 crc) {
            this.nameBytes = nameBytes;
            this.offset = offset;
            this.size = size;
            this.dataBytes = dataBytes;
            this.crc = crc;
        }

        public void write(ByteBuffer data) throws IOException {
            written += data.remaining();
            if (written > dataBytes) {
                throw new IOException("more data than the array's shape holds");
            }
            crc.update(data.duplicate());
            NpzWriter.this.write(data);
        }

        @Override
        public void close() throws IOException {
            if (written != dataBytes) {
                throw new IOException("array has " + written + " of " + dataBytes + " bytes");
            }
            ByteBuffer crcBytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
            crcBytes.flip();
            channel.write(crcBytes, offset + 14);
            members.add(new Member(nameBytes, (int) crc.getValue(), size, offset));
        }
    }

    /** Copies a member verbatim (an {@code .npy} of another shard, header included). */
    public void addRaw(String memberName, ByteBuffer bytes) throws IOException {
        addMember(memberName, bytes.duplicate());
    }

    /** Adds a plain member (for example {@code manifest.json}); numpy returns it as bytes. */
    public void addBytes(String name, byte[] bytes) throws IOException {
        addMember(name, ByteBuffer.wrap(bytes));
    }

    private void addMember(String name, ByteBuffer... parts) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        long size = 0;
        for (ByteBuffer part : parts) {
            size += part.remaining();
            crc.update(part.duplicate());
        }
        long offset = position;
        int padding = paddingFor(offset + 30 + nameBytes.length);
        if (offset + 30 + nameBytes.length + padding + size > ZIP32_LIMIT) {
            throw new IOException("shard would exceed 4 GiB; use fewer windows per shard");
        }
        write(localHeader(nameBytes, (int) crc.getValue(), size, padding));
        for (ByteBuffer part : parts) {
            write(part.duplicate());
        }
        members.add(new Member(nameBytes, (int) crc.getValue(), size, offset));
    }

    private static ByteBuffer localHeader(byte[] nameBytes, int crc, long size, int padding) {
        ByteBuffer header = ByteBuffer.allocate(30 + nameBytes.length + padding).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(LOCAL_HEADER).putShort((short) 20).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putShort(DOS_DATE_1980_01_01).putInt(crc)
                .putInt((int) size).putInt((int) size).putShort((short) nameBytes.length)
                .putShort((short) padding).put(nameBytes);
        if (padding > 0) {
            header.putShort(PADDING_EXTRA_ID).putShort((short) (padding - 4));
        }
        return header.position(0);
    }

    /** Extra-field bytes that move the member's data to a 64-byte boundary (0 or at least 4). */
    private static int paddingFor(long dataStartWithoutPadding) {
        int padding = (int) ((ALIGNMENT - dataStartWithoutPadding % ALIGNMENT) % ALIGNMENT);
        return padding == 0 ? 0 : padding < 4 ? padding + ALIGNMENT : padding;
    }

    private void write(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            position += channel.write(buffer);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            long centralStart = position;
            for (Member m : members) {
                ByteBuffer entry = ByteBuffer.allocate(46 + m.name.length).order(ByteOrder.LITTLE_ENDIAN);
                entry.putInt(CENTRAL_HEADER).putShort((short) 20).putShort((short) 20).putShort((short) 0)
                        .putShort((short) 0).putShort((short) 0).putShort(DOS_DATE_1980_01_01).putInt(m.crc)
                        .putInt((int) m.size).putInt((int) m.size).putShort((short) m.name.length)
                        .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                        .putInt(0).putInt((int) m.offset).put(m.name);
                entry.flip();
                write(entry);
            }
            long centralSize = position - centralStart;
            ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
            end.putInt(END_OF_CENTRAL_DIRECTORY).putShort((short) 0).putShort((short) 0)
                    .putShort((short) members.size()).putShort((short) members.size()).putInt((int) centralSize)
                    .putInt((int) centralStart).putShort((short) 0);
            end.flip();
            write(end);
            if (Boolean.getBoolean(FSYNC)) {
                channel.force(true);
            }
        } finally {
            channel.close();
        }
    }
}
