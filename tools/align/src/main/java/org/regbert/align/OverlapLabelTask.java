package org.regbert.align;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Positive when the window's bin overlaps an interval of the positives file (TSS, DHSs, ChIP-seq
 * peaks); with a relaxed peak file, bins that overlap only relaxed peaks are ambiguous (the
 * ENCODE-DREAM B/A/U labels). Levels come from names like {@code MCV-37} (the DHS master list:
 * cell types in which the site is open), the maximum over overlapping intervals.
 */
final class OverlapLabelTask implements LabelTask {
    private final String name;
    private final Path positivesFile;
    private final IntervalIndex positives;
    private final Path relaxedFile;
    private final IntervalIndex relaxed;
    private final boolean levels;

    OverlapLabelTask(String name, Path positivesFile, IntervalIndex positives, Path relaxedFile, IntervalIndex relaxed,
            boolean levels) {
        this.name = name;
        this.positivesFile = positivesFile;
        this.positives = positives;
        this.relaxedFile = relaxedFile;
        this.relaxed = relaxed;
        this.levels = levels;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte label(WindowCoordinates windows, int w, int bin) {
        String contig = windows.contigOf(w);
        long a = windows.binStart(w, bin);
        long b = windows.binEnd(w, bin);
        if (positives.overlaps(contig, a, b)) {
            return LabelCodes.POSITIVE;
        }
        return relaxed != null && relaxed.overlaps(contig, a, b) ? LabelCodes.AMBIGUOUS : LabelCodes.NEGATIVE;
    }

    @Override
    public boolean hasLevels() {
        return levels;
    }

    @Override
    public short level(WindowCoordinates windows, int w, int bin) {
        return (short) positives.maxOverlap(windows.contigOf(w), windows.binStart(w, bin), windows.binEnd(w, bin), 0);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("kind", relaxed == null ? "overlap" : "tf-binding-dream");
        description.put("positives", positivesFile.toString());
        description.put("intervals", positives.size());
        if (relaxed != null) {
            description.put("relaxed", relaxedFile.toString());
            description.put("relaxedIntervals", relaxed.size());
        }
        description.put("values", new TreeMap<>(relaxed == null ? Map.of("1", "bin overlaps a positive interval", "0", "no overlap",
                "-2", "negative not sampled") : Map.of("1", "B: bound (conservative peak)", "0", "U: unbound",
                "-1", "A: ambiguous (relaxed peak only), excluded", "-2", "negative not sampled")));
        if (levels) {
            description.put("levels", "label_" + name + "_level: max MCV-n of overlapping intervals");
        }
        return description;
    }
}
