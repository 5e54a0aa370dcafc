package org.regbert.shards;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code .npy} header (format version 1.0): magic, version, a Python-dict header padded so the
 * array data starts on a 64-byte boundary, as NumPy itself writes it.
 */
public final class NpyFormat {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGNMENT = 64;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyFormat() {
    }

    /** The full header (magic to padding newline) for a C-ordered array. */
    public static byte[] header(NpyDType dtype, long[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(dtype.descr())
                .append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            dict.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) {
                dict.append(',');
            }
            if (i < shape.length - 1) {
                dict.append(' ');
            }
        }
        dict.append("), }");
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padding = (ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT;
        dict.append(" ".repeat(padding)).append('\n');
        byte[] text = dict.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer header = ByteBuffer.allocate(MAGIC.length + 4 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        return header.array();
    }

    /** Parsed header of an array: its dtype, shape and where the data starts. */
    public record Header(NpyDType dtype, long[] shape, int dataOffset) {
        public long elementCount() {
            return Arrays.stream(shape).reduce(1, Math::multiplyExact);
        }
    }

    /**
     * Parses the header at the start of {@code npy}.
     *
     * @throws IllegalArgumentException with the reason when the bytes are not an npy array regbert reads
     */
    public static Header parse(ByteBuffer npy) {
        ByteBuffer in = npy.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        if (in.remaining() < 10) {
            throw new IllegalArgumentException("too short for an .npy header");
        }
        in.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException("not an .npy array (bad magic)");
        }
        int major = in.get();
        in.get();
        int headerLength;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(in.getShort());
        } else if (major == 2 || major == 3) {
            headerLength = in.getInt();
        } else {
            throw new IllegalArgumentException("unsupported .npy version " + major);
        }
        byte[] text = new byte[headerLength];
        in.get(text);
        String dict = new String(text, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(dict);
        Matcher fortran = FORTRAN.matcher(dict);
        Matcher shape = SHAPE.matcher(dict);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw new IllegalArgumentException("malformed .npy header: " + dict.strip());
        }
        if (fortran.group(1).equals("True")) {
            throw new IllegalArgumentException("Fortran-ordered arrays are not supported");
        }
        NpyDType dtype = NpyDType.parse(descr.group(1));
        if (dtype == null) {
            throw new IllegalArgumentException("unsupported dtype " + descr.group(1));
        }
        long[] dims = Arrays.stream(shape.group(1).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        return new Header(dtype, dims, in.position());
    }
}
