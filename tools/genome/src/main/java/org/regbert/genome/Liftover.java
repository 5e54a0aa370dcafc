package org.regbert.genome;

import htsjdk.samtools.liftover.LiftOver;
import htsjdk.samtools.util.Interval;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.regbert.common.BadInputException;

/**
 * Lifts intervals between assemblies with a UCSC chain file through htsjdk's {@link LiftOver}.
 * Intervals that do not lift are counted per input file, never dropped silently: the counts go
 * into the run's report and manifest.
 */
public final class Liftover {
    /** htsjdk's default: at least 95% of the bases must map. */
    public static final double DEFAULT_MIN_MATCH = 0.95;

    private final Path chain;
    private final LiftOver liftOver;
    private final double minMatch;
    private final Map<String, long[]> counts = new TreeMap<>();

    public Liftover(Path chain, double minMatch) {
        if (!Files.isReadable(chain)) {
            throw new BadInputException(chain, "no such chain file");
        }
        this.chain = chain;
        this.minMatch = minMatch;
        try {
            this.liftOver = new LiftOver(chain.toFile());
        } catch (RuntimeException e) {
            throw new BadInputException(chain, -1, "not a readable UCSC chain file: " + e.getMessage(), e);
        }
    }

    public Path chain() {
        return chain;
    }

    /**
     * Lifts {@code [start, end)} of {@code contig} (names as the chain's source assembly writes them);
     * returns {@code {newContig, newStart, newEnd}} as a region, or null when it does not lift.
     */
    public Region lift(Path file, String contig, long start, long end, String name, int strand, long line) {
        long[] fileCounts = counts.computeIfAbsent(file.toString(), f -> new long[2]);
        // htsjdk intervals are 1-based and closed; an empty BED interval lifts as its one base.
        Interval lifted = liftOver.liftOver(new Interval(contig, (int) start + 1, (int) Math.max(end, start + 1),
                strand < 0, name), minMatch);
        if (lifted == null) {
            fileCounts[1]++;
            return null;
        }
        fileCounts[0]++;
        long newEnd = end == start ? lifted.getStart() - 1 : lifted.getEnd();
        return new Region(lifted.getContig(), lifted.getStart() - 1, newEnd, name,
                lifted.isNegativeStrand() ? -1 : strand, line);
    }

    /** Per input file: {@code {lifted, failed}}. */
    public Map<String, long[]> counts() {
        return counts;
    }
}
