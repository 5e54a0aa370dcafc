package org.regbert.genome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Regions to leave out ({@code --exclude}, e.g. the ENCODE blacklist): a window overlapping any of
 * them by at least one base is excluded. Intervals are merged per contig and searched by binary
 * search. Lines on contigs the reference lacks are skipped and counted (a genome-wide blacklist
 * against a one-chromosome reference is the usual case), but a contig that differs only by its
 * 'chr' prefix is still an error, as for every interval input.
 */
public final class ExcludedRegions {
    private final Path file;
    private final Map<String, long[][]> merged = new HashMap<>();
    private final long lines;
    private final long bases;
    private final Map<String, Long> skippedLines;

    private ExcludedRegions(Path file, Map<String, List<long[]>> intervals, long lines, Map<String, Long> skipped) {
        this.file = file;
        this.lines = lines;
        long covered = 0;
        for (Map.Entry<String, List<long[]>> entry : intervals.entrySet()) {
            List<long[]> list = entry.getValue();
            list.sort((x, y) -> Long.compare(x[0], y[0]));
            List<long[]> runs = new ArrayList<>();
            for (long[] interval : list) {
                long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
                if (last != null && interval[0] <= last[1]) {
                    last[1] = Math.max(last[1], interval[1]);
                } else {
                    runs.add(new long[] {interval[0], interval[1]});
                }
            }
            long[] starts = new long[runs.size()];
            long[] ends = new long[runs.size()];
            for (int i = 0; i < runs.size(); i++) {
                starts[i] = runs.get(i)[0];
                ends[i] = runs.get(i)[1];
                covered += ends[i] - starts[i];
            }
            merged.put(entry.getKey(), new long[][] {starts, ends});
        }
        this.bases = covered;
        this.skippedLines = new TreeMap<>(skipped);
    }

    /**
     * Reads a BED file of regions to exclude against a reference.
     *
     * @param aliases {@code --contig-alias FROM=TO} options
     */
    public static ExcludedRegions read(Path bed, Map<String, Long> lengths, List<String> aliases) {
        ContigResolver contigs = new ContigResolver(List.copyOf(lengths.keySet()), ContigResolver.parseAliases(aliases),
                true);
        Map<String, List<long[]>> intervals = new LinkedHashMap<>();
        long[] lines = {0};
        BedRegions.stream(bed, contigs, lengths, region -> {
            lines[0]++;
            if (region.end() > region.start()) {
                intervals.computeIfAbsent(region.contig(), c -> new ArrayList<>())
                        .add(new long[] {region.start(), region.end()});
            }
        });
        return new ExcludedRegions(bed, intervals, lines[0], contigs.skipped());
    }

    /** Whether {@code [start, end)} on {@code contig} shares a base with an excluded region. */
    public boolean overlaps(String contig, long start, long end) {
        long[][] runs = merged.get(contig);
        if (runs == null) {
            return false;
        }
        // The last run starting before end; runs are disjoint and sorted, so only it can reach start.
        int i = Arrays.binarySearch(runs[0], end);
        i = i >= 0 ? i - 1 : -i - 2;
        return i >= 0 && runs[1][i] > start;
    }

    public Path file() {
        return file;
    }

    /** For summaries and manifests: the file, intervals read, bases covered, lines skipped per missing contig. */
    public Map<String, Object> describe() {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("file", file.toAbsolutePath().normalize().toString());
        description.put("intervals", lines);
        description.put("basesExcluded", bases);
        description.put("linesSkippedOnMissingContigs", skippedLines);
        return description;
    }
}
