package org.regbert.bigfiles;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.common.BadInputException;

/**
 * What bigWig and bigBed readers share: the header, the chromosome list and the data index, all read
 * on open (small), and the data blocks, read and inflated on demand with the last few kept, so a
 * whole-genome file is never held in memory: only the blocks a query touches are.
 */
abstract class BigFile implements AutoCloseable {
    private static final int CACHED_BLOCKS = 8;

    final ChannelReader in;
    final BbiHeader header;
    private final List<Chromosome> chromosomes;
    private final Map<String, Chromosome> byName = new LinkedHashMap<>();
    private final RTree index;
    private final Map<Long, ByteBuffer> blocks = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ByteBuffer> eldest) {
            return size() > CACHED_BLOCKS;
        }
    };

    BigFile(Path file, int magic, String kind) {
        this.in = new ChannelReader(file);
        try {
            this.header = BbiHeader.read(in, magic, kind);
            this.chromosomes = List.copyOf(ChromosomeTree.read(in, header.chromTreeOffset()));
            chromosomes.forEach(c -> byName.put(c.name(), c));
            this.index = new RTree(in, header.fullIndexOffset());
        } catch (RuntimeException e) {
            in.close();
            throw e;
        }
    }

    public Path file() {
        return in.file();
    }

    /** The file's chromosomes, in the order of its chromosome index. */
    public List<Chromosome> chromosomes() {
        return chromosomes;
    }

    /** The chromosome of that name, or null. */
    public Chromosome chromosome(String name) {
        return byName.get(name);
    }

    /** The zoom levels' reductions (bases per summary item), finest first. */
    public List<Integer> zoomReductions() {
        return header.zoomLevels().stream().map(BbiHeader.ZoomLevel::reduction).toList();
    }

    /** Inflated data blocks overlapping {@code chrom} [start, end), in file order. */
    List<ByteBuffer> blocks(Chromosome chrom, long start, long end) {
        return index.overlapping(chrom.id(), start, end).stream().map(this::block).toList();
    }

    private ByteBuffer block(RTree.Block b) {
        ByteBuffer cached = blocks.get(b.offset());
        if (cached == null) {
            if (b.size() > Integer.MAX_VALUE) {
                throw new BadInputException(in.file(), "corrupt data index (a block of " + b.size() + " bytes)");
            }
            cached = BlockCodec.decode(in.file(), in.read(b.offset(), (int) b.size()), header.uncompressBufSize(),
                    in.order());
            blocks.put(b.offset(), cached);
        }
        return cached.duplicate().order(in.order());
    }

    @Override
    public void close() {
        in.close();
    }
}
