package org.regbert.bigfiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.regbert.common.BadInputException;

/** Positional reads of a file in the byte order its signature gave; nothing is read that is not asked for. */
final class ChannelReader implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

    ChannelReader(Path file) {
        this.file = file;
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new BadInputException(file, "cannot open: " + e.getMessage());
        }
    }

    Path file() {
        return file;
    }

    ByteOrder order() {
        return order;
    }

    void order(ByteOrder order) {
        this.order = order;
    }

    long size() {
        try {
            return channel.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code size} bytes at {@code offset}, in the file's byte order; a file too short is corrupt input. */
    ByteBuffer read(long offset, int size) {
        ByteBuffer buffer = ByteBuffer.allocate(size);
        try {
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, offset + buffer.position());
                if (n < 0) {
                    throw new BadInputException(file, "truncated: " + size + " bytes at offset " + offset
                            + " lie past its end (" + channel.size() + " bytes)");
                }
            }
        } catch (IOException e) {
            throw new BadInputException(file, -1, "cannot read: " + e.getMessage(), e);
        }
        return buffer.flip().order(order);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was written
        }
    }
}
