package org.regbert.bigfiles;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.regbert.common.BadInputException;

/**
 * The chromosome B+ tree of a bigWig/bigBed file (UCSC {@code bPlusTree.h}): name → (id, size).
 * Reading walks the whole tree (one entry per chromosome: small); writing lays out a bulk-loaded
 * tree top-down, each node padded to the block size, as UCSC's {@code bptFileBulkIndexToOpenFile}.
 */
final class ChromosomeTree {
    static final int MAGIC = 0x78CA8C91;
    static final int HEADER_SIZE = 32;
    /** UCSC's writers use blocks of 256 keys. */
    static final int BLOCK_SIZE = 256;

    private ChromosomeTree() {
    }

    static List<Chromosome> read(ChannelReader in, long offset) {
        ByteBuffer h = in.read(offset, HEADER_SIZE);
        if (h.getInt() != MAGIC) {
            throw new BadInputException(in.file(), "corrupt chromosome index (no B+ tree signature at offset " + offset
                    + ")");
        }
        h.getInt(); // block size
        int keySize = h.getInt();
        int valSize = h.getInt();
        if (valSize != 8 || keySize <= 0 || keySize > 4096) {
            throw new BadInputException(in.file(), "corrupt chromosome index (key size " + keySize + ", value size "
                    + valSize + ")");
        }
        List<Chromosome> chromosomes = new ArrayList<>();
        readNode(in, offset + HEADER_SIZE, keySize, chromosomes, 0);
        return chromosomes;
    }

    private static void readNode(ChannelReader in, long offset, int keySize, List<Chromosome> into, int depth) {
        if (depth > 32) {
            throw new BadInputException(in.file(), "corrupt chromosome index (tree deeper than 32 levels)");
        }
        ByteBuffer head = in.read(offset, 4);
        boolean leaf = head.get() != 0;
        head.get();
        int count = Short.toUnsignedInt(head.getShort());
        ByteBuffer items = in.read(offset + 4, count * (keySize + 8));
        byte[] key = new byte[keySize];
        for (int i = 0; i < count; i++) {
            items.get(key);
            int length = 0;
            while (length < keySize && key[length] != 0) {
                length++;
            }
            if (leaf) {
                int id = items.getInt();
                long size = Integer.toUnsignedLong(items.getInt());
                into.add(new Chromosome(new String(key, 0, length, StandardCharsets.US_ASCII), id, size));
            } else {
                long child = items.getLong();
                int position = items.position();
                readNode(in, child, keySize, into, depth + 1);
                items.position(position);
            }
        }
    }

    /** The tree of {@code chromosomes} (ids as given), as bytes to write at file offset {@code offset}. */
    static ByteBuffer write(List<Chromosome> chromosomes, long offset) {
        List<Chromosome> sorted = new ArrayList<>(chromosomes);
        // Keys compare as zero-padded bytes (UCSC's memcmp), which for ASCII names is String order.
        sorted.sort(Comparator.comparing(Chromosome::name));
        int n = sorted.size();
        int block = Math.max(1, Math.min(BLOCK_SIZE, n));
        int keySize = 1;
        for (Chromosome c : sorted) {
            keySize = Math.max(keySize, c.name().getBytes(StandardCharsets.US_ASCII).length);
        }
        int nodeSize = 4 + block * (keySize + 8);
        int levels = levels(n, block);
        long[] levelStart = new long[levels];
        int[] nodes = new int[levels];
        long position = offset + HEADER_SIZE;
        for (int l = 0; l < levels; l++) {
            nodes[l] = (int) Math.max(1, ceilDiv(n, pow(block, levels - l)));
            levelStart[l] = position;
            position += (long) nodes[l] * nodeSize;
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(position - offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(block).putInt(keySize).putInt(8).putLong(n).putLong(0);
        for (int l = 0; l < levels; l++) {
            boolean leaf = l == levels - 1;
            long childSpan = leaf ? 1 : pow(block, levels - l - 1);
            for (int j = 0; j < nodes[l]; j++) {
                int nodeStart = out.position();
                int count = 0;
                for (int i = 0; i < block; i++) {
                    long first = ((long) j * block + i) * childSpan;
                    if (first >= n) {
                        break;
                    }
                    count++;
                }
                out.put((byte) (leaf ? 1 : 0)).put((byte) 0).putShort((short) count);
                for (int i = 0; i < count; i++) {
                    long child = (long) j * block + i;
                    Chromosome c = sorted.get((int) (child * childSpan));
                    byte[] name = c.name().getBytes(StandardCharsets.US_ASCII);
                    out.put(name).put(new byte[keySize - name.length]);
                    if (leaf) {
                        out.putInt(c.id()).putInt((int) c.size());
                    } else {
                        out.putLong(levelStart[l + 1] + child * nodeSize);
                    }
                }
                out.position(nodeStart + nodeSize); // zero padding up to the block size
            }
        }
        return out.flip();
    }

    /** Levels of a bulk-loaded tree of {@code n} items, {@code block} per node (one at least). */
    static int levels(long n, int block) {
        int levels = 1;
        long capacity = block;
        while (capacity < n) {
            capacity *= block;
            levels++;
        }
        return levels;
    }

    static long pow(long base, int exponent) {
        long result = 1;
        for (int i = 0; i < exponent; i++) {
            result *= base;
        }
        return result;
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
