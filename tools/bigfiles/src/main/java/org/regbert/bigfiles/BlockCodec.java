package org.regbert.bigfiles;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.regbert.common.BadInputException;

/** zlib blocks, as UCSC compresses each data and zoom block (files of version 3 on). */
final class BlockCodec {
    private BlockCodec() {
    }

    /** The block as stored: inflated when the file is compressed ({@code uncompressBufSize > 0}). */
    static ByteBuffer decode(Path file, ByteBuffer stored, int uncompressBufSize, ByteOrder order) {
        if (uncompressBufSize == 0) {
            return stored.order(order);
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(stored);
            byte[] out = new byte[Math.max(uncompressBufSize, 64)];
            int length = 0;
            while (!inflater.finished()) {
                if (length == out.length) {
                    out = java.util.Arrays.copyOf(out, out.length * 2);
                }
                int n = inflater.inflate(out, length, out.length - length);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new BadInputException(file, "corrupt compressed block (zlib stream ends early)");
                }
                length += n;
            }
            return ByteBuffer.wrap(out, 0, length).slice().order(order);
        } catch (DataFormatException e) {
            throw new BadInputException(file, -1, "corrupt compressed block: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    /** zlib-compressed bytes of {@code data[0, length)}. */
    static byte[] encode(byte[] data, int length) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        try {
            deflater.setInput(data, 0, length);
            deflater.finish();
            byte[] out = new byte[length + length / 1000 + 64];
            int written = 0;
            while (!deflater.finished()) {
                if (written == out.length) {
                    out = java.util.Arrays.copyOf(out, out.length * 2);
                }
                written += deflater.deflate(out, written, out.length - written);
            }
            return java.util.Arrays.copyOf(out, written);
        } finally {
            deflater.end();
        }
    }
}
