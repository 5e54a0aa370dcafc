package org.regbert.genome;

/**
 * An interval from a BED file, already resolved to a reference contig: 0-based start, exclusive
 * end; {@code strand} +1, -1, or 0 when the file gives none; {@code line} is where it was read.
 */
public record Region(String contig, long start, long end, String name, int strand, long line) {
    public long length() {
        return end - start;
    }
}
