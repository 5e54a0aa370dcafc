package org.regbert.align;

import org.regbert.shards.NpyArray;
import org.regbert.shards.TokenShard;

/** The coordinates of every window of one shard, read once into plain arrays. */
record WindowCoordinates(String[] contigNames, int[] contig, long[] start, long[] end, byte[] strand) {

    static WindowCoordinates of(TokenShard shard) {
        NpyArray names = shard.array("contig_names");
        String[] contigNames = new String[(int) names.rows()];
        for (int i = 0; i < contigNames.length; i++) {
            contigNames[i] = names.getString(i);
        }
        int n = (int) shard.windows();
        int[] contig = new int[n];
        long[] start = new long[n];
        long[] end = new long[n];
        byte[] strand = new byte[n];
        NpyArray contigs = shard.array("contig");
        NpyArray starts = shard.array("start");
        NpyArray ends = shard.array("end");
        NpyArray strands = shard.array("strand");
        for (int i = 0; i < n; i++) {
            contig[i] = contigs.getInt(i);
            start[i] = starts.getLong(i);
            end[i] = ends.getLong(i);
            strand[i] = strands.getByte(i);
        }
        return new WindowCoordinates(contigNames, contig, start, end, strand);
    }

    int size() {
        return contig.length;
    }

    String contigOf(int window) {
        return contigNames[contig[window]];
    }

    /** The label bin: the central {@code bin} bases of the window (the whole window if shorter). */
    long binStart(int window, int bin) {
        long middle = (start[window] + end[window]) / 2;
        return Math.max(start[window], middle - bin / 2);
    }

    long binEnd(int window, int bin) {
        return Math.min(end[window], binStart(window, bin) + bin);
    }
}
