package org.regbert.score;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.regbert.common.BadInputException;
import org.regbert.genome.BedRegions;
import org.regbert.genome.ContigResolver;
import org.regbert.genome.Region;

/**
 * The windows to score for BED regions or tiled intervals, placed as tokenize places them: an
 * interval shorter than a window gets one window centred on it (moved inside the contig), a longer
 * one windows from its start every {@code stride} bases, plus, unlike tokenize, a last window
 * ending at the interval's end when the stride left bases uncovered. Windows come out sorted by
 * reference contig order and start, each once.
 */
final class RegionWindows {
    private static final Pattern TILE = Pattern.compile("([^:]+)(?::([0-9,]+)-([0-9,]+))?");

    /** A window: contig (index in the reference, and name), 0-based start, exclusive end. */
    record Window(int contigIndex, String contig, long start, long end) {
    }

    private final List<String> contigOrder;
    private final Map<String, Long> lengths;
    private final int windowBases;
    private final int strideBases;
    private final List<Window> windows = new ArrayList<>();
    private long intervals;
    private long tooShortContig;

    RegionWindows(Map<String, Long> lengths, int windowBases, int strideBases) {
        this.contigOrder = List.copyOf(lengths.keySet());
        this.lengths = lengths;
        this.windowBases = windowBases;
        this.strideBases = strideBases;
    }

    /** Adds the windows of every region of a BED file. */
    void addBed(Path bed, ContigResolver contigs) {
        BedRegions.stream(bed, contigs, lengths, (Region r) -> addInterval(r.contig(), r.start(), r.end()));
    }

    /** Adds a {@code --tile CONTIG[:START-END]} item (0-based, end exclusive; whole contig without a range). */
    void addTile(String item, ContigResolver contigs) {
        Matcher m = TILE.matcher(item.strip());
        if (!m.matches()) {
            throw new BadInputException("--tile " + item + ": expected CONTIG or CONTIG:START-END (0-based, end"
                    + " exclusive), e.g. 20:30000000-31000000");
        }
        String contig = contigs.resolve(m.group(1), null, -1);
        if (contig == null) {
            return;
        }
        long length = lengths.get(contig);
        long start = m.group(2) == null ? 0 : Long.parseLong(m.group(2).replace(",", ""));
        long end = m.group(3) == null ? length : Long.parseLong(m.group(3).replace(",", ""));
        if (start >= end || end > length) {
            throw new BadInputException("--tile " + item + ": the range must be non-empty and within contig '" + contig
                    + "' (length " + length + ")");
        }
        addInterval(contig, start, end);
    }

    private void addInterval(String contig, long start, long end) {
        intervals++;
        long length = lengths.get(contig);
        int index = contigOrder.indexOf(contig);
        if (length < windowBases) {
            tooShortContig++;
            return;
        }
        if (end - start <= windowBases) {
            long from = Math.max(0, Math.min(length - windowBases, start + Math.floorDiv(end - start - windowBases, 2)));
            windows.add(new Window(index, contig, from, from + windowBases));
            return;
        }
        long last = -1;
        for (long from = start; from + windowBases <= end; from += strideBases) {
            windows.add(new Window(index, contig, from, from + windowBases));
            last = from;
        }
        if (last + windowBases < end) {
            windows.add(new Window(index, contig, end - windowBases, end));
        }
    }

    /** The windows, sorted and without duplicates (overlapping regions can ask for a window twice). */
    List<Window> windows() {
        List<Window> sorted = new ArrayList<>(windows);
        sorted.sort(Comparator.comparingInt(Window::contigIndex).thenComparingLong(Window::start));
        List<Window> unique = new ArrayList<>(sorted.size());
        for (Window w : sorted) {
            if (unique.isEmpty() || !unique.get(unique.size() - 1).equals(w)) {
                unique.add(w);
            }
        }
        return unique;
    }

    /** Intervals read (BED records and tiles on contigs the reference has). */
    long intervals() {
        return intervals;
    }

    /** Intervals on a contig shorter than one window (skipped). */
    long tooShortContig() {
        return tooShortContig;
    }
}
