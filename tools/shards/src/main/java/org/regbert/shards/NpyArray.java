package org.regbert.shards;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One array of a shard: dtype, shape and its data as a read-only little-endian view (memory-mapped
 * when read from a file). Index helpers cover the 1-D and 2-D cases the stages use.
 */
public record NpyArray(String name, NpyDType dtype, long[] shape, ByteBuffer data) {

    public NpyArray {
        data = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public long rows() {
        return shape.length == 0 ? 1 : shape[0];
    }

    /** Elements per row (the product of all dimensions but the first). */
    public long rowLength() {
        long length = 1;
        for (int i = 1; i < shape.length; i++) {
            length *= shape[i];
        }
        return length;
    }

    public int getUnsignedShort(long index) {
        return Short.toUnsignedInt(data.getShort(Math.toIntExact(index * 2)));
    }

    public int getInt(long index) {
        return data.getInt(Math.toIntExact(index * 4));
    }

    public long getLong(long index) {
        return data.getLong(Math.toIntExact(index * 8));
    }

    public byte getByte(long index) {
        return data.get(Math.toIntExact(index));
    }

    /** Copies row {@code row} of a uint16 array into {@code target}. */
    public void copyUnsignedShortRow(long row, short[] target) {
        ByteBuffer view = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        view.position(Math.toIntExact(row * rowLength() * 2));
        view.asShortBuffer().get(target, 0, (int) rowLength());
    }

    /** Item {@code index} of a unicode ({@code <U n}) array, trailing NULs removed. */
    /**
     * Copies {@code count} values of a float32 or float16 array, from flat element {@code offset},
     * into {@code target} as floats (align stores motif scores as float16).
     */
    public void copyFloats(long offset, float[] target, int count) {
        ByteBuffer little = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (dtype.equals(NpyDType.FLOAT32)) {
            little.asFloatBuffer().get(Math.toIntExact(offset), target, 0, count);
        } else if (dtype.equals(NpyDType.FLOAT16)) {
            java.nio.ShortBuffer halves = little.asShortBuffer();
            for (int i = 0; i < count; i++) {
                target[i] = Half.toFloat(halves.get(Math.toIntExact(offset + i)));
            }
        } else {
            throw new IllegalStateException("array '" + name + "' is " + dtype.name() + ", not float32 or float16");
        }
    }

    public String getString(long index) {
        byte[] utf32 = new byte[dtype.itemSize()];
        data.get(Math.toIntExact(index * dtype.itemSize()), utf32);
        String text = new String(utf32, java.nio.charset.Charset.forName("UTF-32LE"));
        int end = text.indexOf('\0');
        return end >= 0 ? text.substring(0, end) : text;
    }

    /** Encodes strings as a NumPy {@code <U n} array with n the longest string's length. */
    public static ByteBuffer encodeStrings(java.util.List<String> values, NpyDType dtype) {
        ByteBuffer buffer = ByteBuffer.allocate(values.size() * dtype.itemSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (String value : values) {
            byte[] utf32 = value.getBytes(java.nio.charset.Charset.forName("UTF-32LE"));
            buffer.put(utf32);
            buffer.position(buffer.position() + dtype.itemSize() - utf32.length);
        }
        buffer.flip();
        return buffer;
    }

    /** The unicode dtype wide enough for every value (at least 1 character). */
    public static NpyDType stringType(java.util.List<String> values) {
        int widest = 1;
        for (String value : values) {
            widest = Math.max(widest, value.codePointCount(0, value.length()));
        }
        return NpyDType.unicode(widest);
    }

    static String decodeAscii(ByteBuffer bytes) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.duplicate().get(copy);
        return new String(copy, StandardCharsets.UTF_8);
    }
}
