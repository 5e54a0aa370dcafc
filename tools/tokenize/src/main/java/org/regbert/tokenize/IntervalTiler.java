package org.regbert.tokenize;

import org.regbert.common.Progress;
import org.regbert.genome.ReferenceGenome;

/**
 * Tiles an interval of an indexed reference with full windows, fetching it in chunks of about
 * {@link ReferenceGenome#CHUNK} bases (plus one window of overlap) so memory stays constant.
 */
final class IntervalTiler {
    private final ReferenceGenome reference;
    private final WindowGeometry geometry;
    private final KmerScanner scanner;
    private final WindowSink sink;
    private final TokenizeStats stats;
    private final Progress progress;

    IntervalTiler(ReferenceGenome reference, WindowGeometry geometry, KmerScanner scanner, WindowSink sink,
            TokenizeStats stats, Progress progress) {
        this.reference = reference;
        this.geometry = geometry;
        this.scanner = scanner;
        this.sink = sink;
        this.stats = stats;
        this.progress = progress;
    }

    /** Emits every full window of {@code [from, to)} on {@code contig}, starting at {@code from}. */
    void tile(String contig, int contigIndex, long from, long to, int strand, int region) {
        long windows = geometry.windowsIn(to - from);
        int windowBases = geometry.windowBases();
        int stride = geometry.strideBases();
        long perChunk = Math.max(1, (ReferenceGenome.CHUNK - windowBases) / stride + 1);
        for (long first = 0; first < windows; first += perChunk) {
            long last = Math.min(windows, first + perChunk);
            long chunkStart = from + first * stride;
            long chunkEnd = from + (last - 1) * stride + windowBases;
            byte[] bases = reference.fetch(contig, chunkStart, chunkEnd);
            scanner.scan(bases, bases.length);
            for (long w = first; w < last; w++) {
                int offset = (int) ((w - first) * stride);
                sink.emit(scanner, offset, windowBases, contigIndex, chunkStart + offset, strand, region);
            }
            stats.basesScanned += bases.length;
            progress.advance(last == windows ? to - chunkStart : (last - first) * stride);
        }
    }
}
