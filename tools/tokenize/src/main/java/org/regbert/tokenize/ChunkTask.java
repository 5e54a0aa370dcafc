package org.regbert.tokenize;

/**
 * A run of consecutive full windows on one strand of one interval: bases
 * {@code [chunkStart, chunkStart + (windows - 1) * stride + windowBases)} of {@code contig}.
 */
record ChunkTask(String contig, int contigIndex, long chunkStart, int windows, int strand, int region,
        long basesCovered) {
}
