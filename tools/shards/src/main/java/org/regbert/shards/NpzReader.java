package org.regbert.shards;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import org.regbert.common.BadInputException;

/**
 * Opens an uncompressed {@code .npz} and memory-maps its members in place: no copy, no heap use
 * proportional to the shard. Compressed members ({@code np.savez_compressed}) are refused with a
 * clear message because they cannot be mapped. Every member's CRC-32 is checked the first time it
 * is read, so a shard with flipped bytes is refused instead of being trained on (or copied into an
 * annotated shard under a fresh, valid CRC).
 */
public final class NpzReader implements AutoCloseable {
    private record Entry(long dataOffset, long size, int crc) {
    }

    private final Path file;
    private final FileChannel channel;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    /**
     * Each member mapped once per reader, its CRC-32 checked then: callers ask for an array per window
     * or row, and a fresh mapping per call piles up until the GC unmaps them (a score test hit the
     * kernel's 65,530 mappings per process that way and the JVM died).
     */
    private final Map<String, MappedByteBuffer> mapped = new ConcurrentHashMap<>();

    private NpzReader(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    public static NpzReader open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new BadInputException(file, -1, "cannot open shard: " + e.getMessage(), e);
        }
        NpzReader reader = new NpzReader(file, channel);
        try {
            reader.readCentralDirectory();
        } catch (IOException | RuntimeException e) {
            reader.close();
            if (e instanceof BadInputException bad) {
                throw bad;
            }
            throw new BadInputException(file, -1, "not a readable .npz shard: " + e.getMessage(), e);
        }
        return reader;
    }

    public Path file() {
        return file;
    }

    /** Member names as stored, e.g. {@code tokens.npy}, {@code manifest.json}. */
    public Set<String> memberNames() {
        return entries.keySet();
    }

    public boolean hasArray(String name) {
        return entries.containsKey(name + ".npy");
    }

    /** The array stored as {@code name.npy}, memory-mapped. */
    public NpyArray array(String name) {
        ByteBuffer npy = map(name + ".npy");
        try {
            NpyFormat.Header header = NpyFormat.parse(npy);
            ByteBuffer data = npy.position(header.dataOffset()).slice().order(ByteOrder.LITTLE_ENDIAN);
            long bytes = header.elementCount() * header.dtype().itemSize();
            if (data.remaining() < bytes) {
                throw new IllegalArgumentException("array is truncated");
            }
            return new NpyArray(name, header.dtype(), header.shape(), data.limit((int) bytes).slice());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file, -1, "array '" + name + "': " + e.getMessage(), e);
        }
    }

    /** A member's stored bytes, memory-mapped (for copying it verbatim into another shard). */
    public ByteBuffer raw(String member) {
        return map(member);
    }

    /** A non-array member such as {@code manifest.json}. */
    public byte[] bytes(String member) {
        ByteBuffer mapped = map(member);
        byte[] copy = new byte[mapped.remaining()];
        mapped.get(copy);
        return copy;
    }

    public String text(String member) {
        return new String(bytes(member), StandardCharsets.UTF_8);
    }

    private ByteBuffer map(String member) {
        Entry entry = entries.get(member);
        if (entry == null) {
            throw new BadInputException(file, "shard has no member '" + member + "' (has " + entries.keySet() + ")");
        }
        // duplicate(): each caller its own position and limit over the one mapping (its byte order is reset)
        return mapped.computeIfAbsent(member, m -> mapAndVerify(m, entry)).duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    private MappedByteBuffer mapAndVerify(String member, Entry entry) {
        MappedByteBuffer buffer;
        try {
            buffer = channel.map(FileChannel.MapMode.READ_ONLY, entry.dataOffset, entry.size);
        } catch (IOException e) {
            throw new BadInputException(file, -1, "cannot map '" + member + "': " + e.getMessage(), e);
        }
        verify(member, entry, buffer);
        return buffer;
    }

    private void verify(String member, Entry entry, ByteBuffer data) {
        CRC32 crc = new CRC32();
        crc.update(data.duplicate());
        int actual = (int) crc.getValue();
        if (actual != entry.crc) {
            throw new BadInputException(file, String.format(Locale.ROOT,
                    "member '%s' fails its CRC-32 check (stored %08x, computed %08x): the shard is corrupt;"
                            + " re-create it (or copy it again) from its source", member, entry.crc, actual));
        }
    }

    private void readCentralDirectory() throws IOException {
        long size = channel.size();
        int tail = (int) Math.min(size, 22 + 65535);
        ByteBuffer end = read(size - tail, tail);
        int eocd = -1;
        for (int i = tail - 22; i >= 0; i--) {
            if (end.getInt(i) == 0x06054b50) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new BadInputException(file, "not a ZIP/.npz file (no end-of-central-directory record)");
        }
        int count = Short.toUnsignedInt(end.getShort(eocd + 10));
        long centralSize = Integer.toUnsignedLong(end.getInt(eocd + 12));
        long centralOffset = Integer.toUnsignedLong(end.getInt(eocd + 16));
        ByteBuffer central = read(centralOffset, (int) centralSize);
        int p = 0;
        for (int i = 0; i < count; i++) {
            if (central.getInt(p) != 0x02014b50) {
                throw new BadInputException(file, "corrupt ZIP central directory");
            }
            int method = Short.toUnsignedInt(central.getShort(p + 10));
            int crc = central.getInt(p + 16);
            long compressed = Integer.toUnsignedLong(central.getInt(p + 20));
            int nameLength = Short.toUnsignedInt(central.getShort(p + 28));
            int extraLength = Short.toUnsignedInt(central.getShort(p + 30));
            int commentLength = Short.toUnsignedInt(central.getShort(p + 32));
            long localOffset = Integer.toUnsignedLong(central.getInt(p + 42));
            byte[] name = new byte[nameLength];
            central.get(p + 46, name);
            String memberName = new String(name, StandardCharsets.UTF_8);
            if (method != 0) {
                throw new BadInputException(file, "member '" + memberName
                        + "' is compressed; shards must be uncompressed (np.savez, not np.savez_compressed)");
            }
            ByteBuffer local = read(localOffset, 30);
            if (local.getInt(0) != 0x04034b50) {
                throw new BadInputException(file, "corrupt ZIP local header for '" + memberName + "'");
            }
            long dataOffset = localOffset + 30 + Short.toUnsignedInt(local.getShort(26))
                    + Short.toUnsignedInt(local.getShort(28));
            if (dataOffset + compressed > size) {
                throw new BadInputException(file, "member '" + memberName + "' runs past the end of the file");
            }
            entries.put(memberName, new Entry(dataOffset, compressed, crc));
            p += 46 + nameLength + extraLength + commentLength;
        }
    }

    private ByteBuffer read(long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                throw new BadInputException(file, "truncated ZIP file");
            }
        }
        return buffer.flip();
    }

    @Override
    public void close() {
        mapped.clear();  // the mappings go once no array of this reader is reachable
        try {
            channel.close();
        } catch (IOException ignored) {
            // Read-only channel: nothing to flush, nothing lost.
        }
    }
}
