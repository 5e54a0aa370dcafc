package org.regbert.epigenome;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One cell type's (or one cell type and mark's) states along the reference: a
 * {@link ContigStates} for every reference contig, those the file never mentions being all
 * {@link #gapState()}. Immutable and thread-safe.
 */
public final class StateTrack {
    private final String name;
    private final String cellType;
    private final String mark;
    private final List<Path> sources;
    private final TrackFormat format;
    private final int gapState;
    private final Map<String, ContigStates> contigs;

    StateTrack(String name, String cellType, String mark, List<Path> sources, TrackFormat format, int gapState,
            Map<String, ContigStates> contigs) {
        this.name = name;
        this.cellType = cellType;
        this.mark = mark;
        this.sources = List.copyOf(sources);
        this.format = format;
        this.gapState = gapState;
        this.contigs = Map.copyOf(contigs);
    }

    /** The track's name: the cell type, or {@code CELL/MARK} for binarized marks. */
    public String name() {
        return name;
    }

    public String cellType() {
        return cellType;
    }

    /** The mark of a binarized track (e.g. {@code H3K4me3}), else null. */
    public String mark() {
        return mark;
    }

    /** The file(s) read; binarized marks come one file per contig. */
    public List<Path> sources() {
        return sources;
    }

    /** This track read from files named otherwise (e.g. the lifted temporary copies named as the user's files). */
    StateTrack withSources(java.util.function.UnaryOperator<Path> rename) {
        return new StateTrack(name, cellType, mark, sources.stream().map(rename).toList(), format, gapState, contigs);
    }

    public TrackFormat format() {
        return format;
    }

    /** The state of positions no interval covers: {@code none} (0), or {@code closed} for peaks. */
    public int gapState() {
        return gapState;
    }

    /** The tiling of a reference contig. */
    public ContigStates contig(String contig) {
        ContigStates states = contigs.get(contig);
        if (states == null) {
            throw new IllegalArgumentException("contig '" + contig + "' is not in the reference");
        }
        return states;
    }

    /** The state id at a 0-based position of a reference contig ({@code none} outside it). */
    public int stateAt(String contig, long position) {
        return contig(contig).stateAt(position);
    }

    /**
     * Writes the state of each of {@code tokens} k-mer tokens of a window to
     * {@code out[offset .. offset + tokens)}. On strand +1 token {@code j} covers
     * {@code [windowStart + j*step, windowStart + j*step + k)}; on strand -1 it covers
     * {@code [windowEnd - k - j*step, windowEnd - j*step)}. Bases outside the contig are {@code none}.
     *
     * @param contig a reference contig name (after alias mapping)
     * @param strand +1 or -1; {@code windowStart} is used on +1 and {@code windowEnd} on -1
     */
    public void fill(String contig, long windowStart, int tokens, int step, int k, int strand, long windowEnd,
            TokenRule rule, byte[] out, int offset) {
        checkWindow(tokens, step, k, strand, out, offset);
        long lowest = strand > 0 ? windowStart : windowEnd - k - (long) (tokens - 1) * step;
        contig(contig).fill(lowest, tokens, step, k, strand < 0, rule, out, offset);
    }

    static void checkWindow(int tokens, int step, int k, int strand, byte[] out, int offset) {
        if (tokens < 0 || step < 1 || k < 1 || (strand != 1 && strand != -1)) {
            throw new IllegalArgumentException("bad window: tokens=" + tokens + " step=" + step + " k=" + k
                    + " strand=" + strand + " (need tokens >= 0, step >= 1, k >= 1, strand +1 or -1)");
        }
        if (offset < 0 || offset + (long) tokens > out.length) {
            throw new IllegalArgumentException("output of " + out.length + " bytes cannot hold " + tokens
                    + " tokens at offset " + offset);
        }
    }

    @Override
    public String toString() {
        return name + " (" + format.description() + ", " + sources + ")";
    }
}
