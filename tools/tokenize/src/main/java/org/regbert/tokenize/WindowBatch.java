package org.regbert.tokenize;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.regbert.shards.TokenShardWriter;

/**
 * The windows of one chunk, in order, held until every earlier chunk has reached the shard
 * writer: workers fill batches in parallel, the writer drains them in genome order. Slots are
 * reused after {@link #reset()}: writers must set every token (and mask byte) of a window.
 */
final class WindowBatch {
    private final int windowTokens;
    private final boolean keepMask;
    private short[] tokens;
    private byte[] mask;
    private int[] contig;
    private long[] start;
    private long[] end;
    private byte[] strand;
    private int[] region;
    private int count;
    final Map<String, Long> skipped = new TreeMap<>();
    long basesScanned;
    long basesCovered;
    /** The contig (or FASTA record) the batch's bases come from, and its non-nucleotide characters. */
    String contigName;
    long nonNucleotides;
    /** With --strict-bases: chunk position of the first non-nucleotide character (or -1), and the character. */
    int firstNonNucleotide = -1;
    byte firstNonNucleotideCharacter;
    long chunkStart;

    WindowBatch(int windowTokens, boolean keepMask, int expectedWindows) {
        this.windowTokens = windowTokens;
        this.keepMask = keepMask;
        int capacity = Math.max(1, expectedWindows);
        tokens = new short[capacity * windowTokens];
        mask = keepMask ? new byte[capacity * windowTokens] : null;
        contig = new int[capacity];
        start = new long[capacity];
        end = new long[capacity];
        strand = new byte[capacity];
        region = new int[capacity];
    }

    /** Empties the batch for reuse by another chunk (its arrays stay, so no 4 MB allocation per chunk). */
    void reset() {
        count = 0;
        skipped.clear();
        basesScanned = 0;
        basesCovered = 0;
        contigName = null;
        nonNucleotides = 0;
        firstNonNucleotide = -1;
        chunkStart = 0;
    }

    /** Reserves the next window and returns the offset of its tokens in {@link #tokens()}. */
    int add(int contigIndex, long windowStart, long windowEnd, int windowStrand, int regionIndex) {
        if (count == contig.length) {
            grow();
        }
        contig[count] = contigIndex;
        start[count] = windowStart;
        end[count] = windowEnd;
        strand[count] = (byte) windowStrand;
        region[count] = regionIndex;
        return count++ * windowTokens;
    }

    short[] tokens() {
        return tokens;
    }

    byte[] mask() {
        return mask;
    }

    void skip(String reason) {
        skipped.merge(reason, 1L, Long::sum);
    }

    int windows() {
        return count;
    }

    int windowTokens() {
        return windowTokens;
    }

    void drainTo(TokenShardWriter writer) {
        for (int i = 0; i < count; i++) {
            writer.add(contig[i], start[i], end[i], strand[i], region[i], tokens, mask, i * windowTokens);
        }
    }

    private void grow() {
        int capacity = contig.length * 2;
        tokens = Arrays.copyOf(tokens, capacity * windowTokens);
        mask = keepMask ? Arrays.copyOf(mask, capacity * windowTokens) : null;
        contig = Arrays.copyOf(contig, capacity);
        start = Arrays.copyOf(start, capacity);
        end = Arrays.copyOf(end, capacity);
        strand = Arrays.copyOf(strand, capacity);
        region = Arrays.copyOf(region, capacity);
    }
}
