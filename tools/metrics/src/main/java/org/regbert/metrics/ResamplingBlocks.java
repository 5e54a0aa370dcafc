package org.regbert.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which evaluated windows move together in a bootstrap resample, and among which blocks each
 * block is redrawn. Neighbouring windows overlap and share peaks, so single windows are not
 * independent; the units are contiguous genomic blocks. Held-out contigs are too few to be units
 * themselves (often one chromosome), so blocks are drawn <em>within</em> each contig (stratified):
 * a contig with B blocks contributes B blocks drawn with replacement among its own. Windows of
 * FASTA records have no genomic position: each record is a unit, drawn among all records.
 */
public final class ResamplingBlocks {
    private final int[][] members;
    private final int[][] strata;
    private final String unit;

    private ResamplingBlocks(int[][] members, int[][] strata, String unit) {
        this.members = members;
        this.strata = strata;
        this.unit = unit;
    }

    /**
     * Genomic blocks: on each contig, blocks of {@code blockBases} tile the evaluated span from its
     * first window's start; a window belongs to the block holding its start. Empty blocks are not
     * blocks (a gap between two held-out regions of one contig adds none).
     *
     * @param contig any integer id per window (same id, same contig)
     * @param start 0-based window starts
     */
    public static ResamplingBlocks genomic(int[] contig, long[] start, long blockBases) {
        if (blockBases < 1) {
            throw new IllegalArgumentException("block length " + blockBases + " bases");
        }
        Map<Integer, Long> origin = new HashMap<>();
        for (int i = 0; i < contig.length; i++) {
            origin.merge(contig[i], start[i], Math::min);
        }
        // Contigs in order of first appearance, blocks in genomic order: deterministic for given inputs.
        Map<Integer, TreeMap<Long, List<Integer>>> byContig = new LinkedHashMap<>();
        for (int i = 0; i < contig.length; i++) {
            long block = (start[i] - origin.get(contig[i])) / blockBases;
            byContig.computeIfAbsent(contig[i], c -> new TreeMap<>()).computeIfAbsent(block, b -> new ArrayList<>()).add(i);
        }
        List<int[]> members = new ArrayList<>();
        List<int[]> strata = new ArrayList<>();
        for (TreeMap<Long, List<Integer>> blocks : byContig.values()) {
            int[] stratum = new int[blocks.size()];
            int k = 0;
            for (List<Integer> windows : blocks.values()) {
                stratum[k++] = members.size();
                members.add(windows.stream().mapToInt(Integer::intValue).toArray());
            }
            strata.add(stratum);
        }
        return new ResamplingBlocks(members.toArray(int[][]::new), strata.toArray(int[][]::new),
                BlockLength.format(blockBases) + " genomic blocks");
    }

    /** FASTA records as units: all windows of a record move together; records drawn among all records. */
    public static ResamplingBlocks records(int[] record) {
        Map<Integer, List<Integer>> byRecord = new LinkedHashMap<>();
        for (int i = 0; i < record.length; i++) {
            byRecord.computeIfAbsent(record[i], r -> new ArrayList<>()).add(i);
        }
        int[][] members = byRecord.values().stream().map(w -> w.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
        int[] all = java.util.stream.IntStream.range(0, members.length).toArray();
        return new ResamplingBlocks(members, members.length == 0 ? new int[0][] : new int[][] {all}, "FASTA records");
    }

    /** What a unit is, for the report: "1 Mb genomic blocks", "FASTA records". */
    public String unit() {
        return unit;
    }

    /** How many units there are (each resample draws this many). */
    public int blocks() {
        return members.length;
    }

    /** How many groups blocks are drawn within (held-out contigs; 1 for records). */
    public int strata() {
        return strata.length;
    }

    /** The windows of block b. */
    int[] members(int b) {
        return members[b];
    }

    /** The blocks of stratum s: a resample draws {@code stratum(s).length} of them, with replacement. */
    int[] stratum(int s) {
        return strata[s];
    }

    /** Total windows in the blocks. */
    int windows() {
        int n = 0;
        for (int[] m : members) {
            n += m.length;
        }
        return n;
    }
}
