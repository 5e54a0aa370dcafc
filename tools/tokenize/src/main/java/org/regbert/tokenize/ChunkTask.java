package org.regbert.tokenize;

/**
 * A run of consecutive full windows on one strand of one interval: bases
 * {@code [chunkStart, chunkStart + (windows - 1) * stride + windowBases)} of {@code contig}.
 * {@code ownBases}: the leading bases no later chunk of the interval reads (all of the last chunk's),
 * so per-base counts see each base of an interval once.
 */
record ChunkTask(String contig, int contigIndex, long chunkStart, int windows, int strand, int region,
        long basesCovered, int ownBases) {
}
