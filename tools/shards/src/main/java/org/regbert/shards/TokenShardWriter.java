package org.regbert.shards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.common.StagedOutput;

/**
 * Collects token windows and writes them as numbered shards ({@code shard-00000.npz}, ...) of at
 * most {@code windowsPerShard} windows each. Memory is bounded by one shard, whatever the genome.
 */
public final class TokenShardWriter {
    public static final String SHARD_GLOB = "shard-*.npz";

    private final StagedOutput output;
    private final ManifestSplicer manifests;
    private final int windowTokens;
    private final int windowsPerShard;
    private final boolean softmask;
    private final List<String> contigNames;
    private final List<String> written = new ArrayList<>();

    private final ByteBuffer tokens;
    private final ShortBuffer tokenView;
    private final ByteBuffer softmaskBytes;
    private final int[] contig;
    private final long[] start;
    private final long[] end;
    private final byte[] strand;
    private final int[] region;
    private int count;
    private long windowsWritten;

    public TokenShardWriter(StagedOutput output, ShardManifest template, int windowsPerShard,
            List<String> contigNames) {
        this.output = output;
        this.manifests = new ManifestSplicer(template);
        this.windowTokens = template.tokenizer().windowTokens();
        this.windowsPerShard = windowsPerShard;
        this.softmask = template.tokenizer().softmaskArray();
        this.contigNames = List.copyOf(contigNames);
        // Direct buffers: the channel writes them as they are, where a heap buffer is first copied
        // into a temporary direct one (the same 126 MB again for a whole chromosome).
        this.tokens = ByteBuffer.allocateDirect(Math.multiplyExact(windowsPerShard, windowTokens * 2))
                .order(ByteOrder.LITTLE_ENDIAN);
        this.tokenView = tokens.asShortBuffer();
        this.softmaskBytes = softmask ? ByteBuffer.allocateDirect(windowsPerShard * windowTokens) : null;
        this.contig = new int[windowsPerShard];
        this.start = new long[windowsPerShard];
        this.end = new long[windowsPerShard];
        this.strand = new byte[windowsPerShard];
        this.region = new int[windowsPerShard];
    }

    /**
     * Adds one window. {@code strand} is +1 or -1; {@code regionIndex} is the 0-based source region
     * (BED line or FASTA record) or -1 for genome-wide tiling; {@code mask} may be null unless the
     * shard keeps a soft-mask array.
     */
    public void add(int contigIndex, long windowStart, long windowEnd, int windowStrand, int regionIndex,
            short[] windowTokenIds, byte[] mask) {
        add(contigIndex, windowStart, windowEnd, windowStrand, regionIndex, windowTokenIds, mask, 0);
    }

    /** As {@link #add(int, long, long, int, int, short[], byte[])}, the window's tokens at {@code offset}. */
    public void add(int contigIndex, long windowStart, long windowEnd, int windowStrand, int regionIndex,
            short[] tokenIds, byte[] mask, int offset) {
        tokenView.position(count * windowTokens);
        tokenView.put(tokenIds, offset, windowTokens);
        if (softmask) {
            softmaskBytes.position(count * windowTokens);
            softmaskBytes.put(mask, offset, windowTokens);
        }
        contig[count] = contigIndex;
        start[count] = windowStart;
        end[count] = windowEnd;
        strand[count] = (byte) windowStrand;
        region[count] = regionIndex;
        count++;
        if (count == windowsPerShard) {
            flush();
        }
    }

    /** Writes the last partial shard; returns the names of every shard written, in order. */
    public List<String> finish() {
        if (count > 0) {
            flush();
        }
        return List.copyOf(written);
    }

    public long windowsWritten() {
        return windowsWritten + count;
    }

    private void flush() {
        String name = String.format("shard-%05d.npz", written.size());
        long n = count;
        NpyDType namesType = NpyArray.stringType(contigNames);
        Map<String, ShardManifest.ArraySpec> specs = new LinkedHashMap<>();
        specs.put("tokens", new ShardManifest.ArraySpec("uint16", new long[] {n, windowTokens},
                "token ids per window (see vocabulary)"));
        specs.put("contig", new ShardManifest.ArraySpec("int32", new long[] {n},
                "index of each window's contig in contig_names"));
        specs.put("start", new ShardManifest.ArraySpec("int64", new long[] {n}, "0-based window start (BED)"));
        specs.put("end", new ShardManifest.ArraySpec("int64", new long[] {n}, "window end, exclusive (BED)"));
        specs.put("strand", new ShardManifest.ArraySpec("int8", new long[] {n},
                "+1 forward, -1 reverse complement"));
        specs.put("region", new ShardManifest.ArraySpec("int32", new long[] {n},
                "0-based source region (BED line or FASTA record), -1 for genome-wide tiling"));
        specs.put("contig_names", new ShardManifest.ArraySpec(namesType.name(),
                new long[] {contigNames.size()}, "contig names, as in the reference"));
        if (softmask) {
            specs.put("softmask", new ShardManifest.ArraySpec("uint8", new long[] {n, windowTokens},
                    "1 where the k-mer has a soft-masked (lower-case) base"));
        }
        byte[] manifest = manifests.toJson(new ShardManifest.ShardInfo(written.size(), n, windowsWritten), specs);
        try (NpzWriter npz = new NpzWriter(output.stage(name))) {
            npz.addArray("tokens", NpyDType.UINT16, new long[] {n, windowTokens},
                    tokens.duplicate().position(0).limit(count * windowTokens * 2));
            npz.addArray("contig", NpyDType.INT32, new long[] {n}, ints(contig, count));
            npz.addArray("start", NpyDType.INT64, new long[] {n}, longs(start, count));
            npz.addArray("end", NpyDType.INT64, new long[] {n}, longs(end, count));
            npz.addArray("strand", NpyDType.INT8, new long[] {n}, ByteBuffer.wrap(strand, 0, count));
            npz.addArray("region", NpyDType.INT32, new long[] {n}, ints(region, count));
            npz.addArray("contig_names", namesType, new long[] {contigNames.size()},
                    NpyArray.encodeStrings(contigNames, namesType));
            if (softmask) {
                npz.addArray("softmask", NpyDType.UINT8, new long[] {n, windowTokens},
                        softmaskBytes.duplicate().position(0).limit(count * windowTokens));
            }
            npz.addBytes("manifest.json", manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write shard " + name, e);
        }
        written.add(name);
        windowsWritten += count;
        count = 0;
    }

    private static ByteBuffer ints(int[] values, int n) {
        ByteBuffer buffer = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asIntBuffer().put(values, 0, n);
        return buffer;
    }

    private static ByteBuffer longs(long[] values, int n) {
        ByteBuffer buffer = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(values, 0, n);
        return buffer;
    }
}
