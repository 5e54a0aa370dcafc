package org.regbert.bigfiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** What a file is, judged by its first four bytes (the UCSC signatures, either byte order). */
public final class BigFiles {
    /** bigWig's signature. */
    public static final int BIGWIG_MAGIC = 0x888FFC26;
    /** bigBed's signature. */
    public static final int BIGBED_MAGIC = 0x8789F2EB;

    /** The two kinds of UCSC "big" files read here. */
    public enum Kind {
        BIGWIG, BIGBED
    }

    private BigFiles() {
    }

    /** The kind of {@code file}, or null when it is not a bigWig/bigBed (or cannot be read). */
    public static Kind kindOf(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer first = ByteBuffer.allocate(4);
            while (first.hasRemaining() && channel.read(first) > 0) {
                // read until four bytes or the end
            }
            if (first.position() < 4) {
                return null;
            }
            first.flip();
            int little = first.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            int big = first.order(ByteOrder.BIG_ENDIAN).getInt(0);
            if (little == BIGWIG_MAGIC || big == BIGWIG_MAGIC) {
                return Kind.BIGWIG;
            }
            if (little == BIGBED_MAGIC || big == BIGBED_MAGIC) {
                return Kind.BIGBED;
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    public static boolean isBigWig(Path file) {
        return kindOf(file) == Kind.BIGWIG;
    }

    public static boolean isBigBed(Path file) {
        return kindOf(file) == Kind.BIGBED;
    }
}
