package org.regbert.bigfiles;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.common.BadInputException;

/**
 * The chromosome R-tree (UCSC {@code cirTree.h}) that indexes the data blocks of a bigWig/bigBed
 * file and of each zoom level: leaves name a block's file offset, size and (chromosome, base)
 * range. Queries read only the nodes on their path, keeping the most recent in a small cache.
 */
final class RTree {
    static final int MAGIC = 0x2468ACE0;
    static final int HEADER_SIZE = 48;
    static final int BLOCK_SIZE = 256;
    private static final int LEAF_ITEM = 32;
    private static final int NODE_ITEM = 24;
    private static final int CACHED_NODES = 256;

    /** A data block: where it is and what it covers. */
    record Block(int startChrom, int startBase, int endChrom, int endBase, long offset, long size) {
    }

    private record Node(boolean leaf, int[] bounds, long[] offsets, long[] sizes) {
    }

    private final ChannelReader in;
    private final long root;
    private final Map<Long, Node> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Node> eldest) {
            return size() > CACHED_NODES;
        }
    };

    RTree(ChannelReader in, long offset) {
        this.in = in;
        ByteBuffer h = in.read(offset, HEADER_SIZE);
        if (h.getInt() != MAGIC) {
            throw new BadInputException(in.file(), "corrupt data index (no R-tree signature at offset " + offset + ")");
        }
        this.root = offset + HEADER_SIZE;
    }

    /** Blocks whose range overlaps chromosome {@code chrom}, bases [start, end), in file order. */
    List<Block> overlapping(int chrom, long start, long end) {
        List<Block> blocks = new ArrayList<>();
        search(root, chrom, start, end, blocks, 0);
        return blocks;
    }

    private void search(long offset, int chrom, long start, long end, List<Block> into, int depth) {
        if (depth > 32) {
            throw new BadInputException(in.file(), "corrupt data index (tree deeper than 32 levels)");
        }
        Node node = node(offset);
        int count = node.offsets().length;
        for (int i = 0; i < count; i++) {
            int[] b = node.bounds();
            int sc = b[4 * i];
            long sb = Integer.toUnsignedLong(b[4 * i + 1]);
            int ec = b[4 * i + 2];
            long eb = Integer.toUnsignedLong(b[4 * i + 3]);
            if (compare(chrom, start, ec, eb) < 0 && compare(chrom, end, sc, sb) > 0) {
                if (node.leaf()) {
                    into.add(new Block(sc, (int) sb, ec, (int) eb, node.offsets()[i], node.sizes()[i]));
                } else {
                    search(node.offsets()[i], chrom, start, end, into, depth + 1);
                }
            }
        }
    }

    private static int compare(int chromA, long baseA, int chromB, long baseB) {
        int c = Integer.compareUnsigned(chromA, chromB);
        return c != 0 ? c : Long.compare(baseA, baseB);
    }

    private Node node(long offset) {
        Node cached = cache.get(offset);
        if (cached != null) {
            return cached;
        }
        ByteBuffer head = in.read(offset, 4);
        boolean leaf = head.get() != 0;
        head.get();
        int count = Short.toUnsignedInt(head.getShort());
        ByteBuffer items = in.read(offset + 4, count * (leaf ? LEAF_ITEM : NODE_ITEM));
        int[] bounds = new int[4 * count];
        long[] offsets = new long[count];
        long[] sizes = leaf ? new long[count] : null;
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < 4; j++) {
                bounds[4 * i + j] = items.getInt();
            }
            offsets[i] = items.getLong();
            if (leaf) {
                sizes[i] = items.getLong();
            }
        }
        Node node = new Node(leaf, bounds, offsets, sizes);
        cache.put(offset, node);
        return node;
    }

    /**
     * A bulk-loaded index of {@code blocks} (sorted by start), as bytes to write at file offset
     * {@code offset}: header, then levels top-down, every node padded to {@link #BLOCK_SIZE} items.
     * {@code dataEnd} is where the indexed data ends (the header's endFileOffset).
     */
    static ByteBuffer write(List<Block> blocks, long offset, long dataEnd, int itemsPerSlot) {
        int n = blocks.size();
        int block = BLOCK_SIZE;
        int levels = ChromosomeTree.levels(n, block);
        long[] levelStart = new long[levels];
        int[] nodes = new int[levels];
        long position = offset + HEADER_SIZE;
        int leafNode = 4 + block * LEAF_ITEM;
        int innerNode = 4 + block * NODE_ITEM;
        for (int l = 0; l < levels; l++) {
            nodes[l] = (int) Math.max(1, ChromosomeTree.ceilDiv(n, ChromosomeTree.pow(block, levels - l)));
            levelStart[l] = position;
            position += (long) nodes[l] * (l == levels - 1 ? leafNode : innerNode);
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(position - offset)).order(ByteOrder.LITTLE_ENDIAN);
        Block first = n == 0 ? null : blocks.get(0);
        int[] end = n == 0 ? new int[] {0, 0} : maxEnd(blocks, 0, n);
        out.putInt(MAGIC).putInt(block).putLong(n)
                .putInt(first == null ? 0 : first.startChrom()).putInt(first == null ? 0 : first.startBase())
                .putInt(end[0]).putInt(end[1]).putLong(dataEnd).putInt(itemsPerSlot).putInt(0);
        for (int l = 0; l < levels; l++) {
            boolean leaf = l == levels - 1;
            long childSpan = leaf ? 1 : ChromosomeTree.pow(block, levels - l - 1);
            int nodeSize = leaf ? leafNode : innerNode;
            for (int j = 0; j < nodes[l]; j++) {
                int nodeStart = out.position();
                int count = 0;
                while (count < block && ((long) j * block + count) * childSpan < n) {
                    count++;
                }
                out.put((byte) (leaf ? 1 : 0)).put((byte) 0).putShort((short) count);
                for (int i = 0; i < count; i++) {
                    long child = (long) j * block + i;
                    int from = (int) (child * childSpan);
                    int to = (int) Math.min(n, from + childSpan);
                    Block b = blocks.get(from);
                    int[] childEnd = leaf ? new int[] {b.endChrom(), b.endBase()} : maxEnd(blocks, from, to);
                    out.putInt(b.startChrom()).putInt(b.startBase()).putInt(childEnd[0]).putInt(childEnd[1]);
                    if (leaf) {
                        out.putLong(b.offset()).putLong(b.size());
                    } else {
                        out.putLong(levelStart[l + 1] + child * (l + 1 == levels - 1 ? leafNode : innerNode));
                    }
                }
                out.position(nodeStart + nodeSize);
            }
        }
        return out.flip();
    }

    /** The largest (chromosome, base) end of blocks [from, to): bigBed blocks may end out of order. */
    private static int[] maxEnd(List<Block> blocks, int from, int to) {
        int chrom = blocks.get(from).endChrom();
        long base = Integer.toUnsignedLong(blocks.get(from).endBase());
        for (int i = from + 1; i < to; i++) {
            Block b = blocks.get(i);
            if (compare(b.endChrom(), Integer.toUnsignedLong(b.endBase()), chrom, base) > 0) {
                chrom = b.endChrom();
                base = Integer.toUnsignedLong(b.endBase());
            }
        }
        return new int[] {chrom, (int) base};
    }
}
