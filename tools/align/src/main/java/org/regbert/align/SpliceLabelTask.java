package org.regbert.align;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Splice sites from intron pairs (GENCODE/SpliceBERT {@code .bedpe}: first base and last base of
 * each intron, with the strand): 1 when the bin holds a donor on the window's strand, 2 for an
 * acceptor, 0 otherwise. On '+' the donor is the intron's first base; on '-' its last.
 */
final class SpliceLabelTask implements LabelTask {
    static final byte DONOR = 1;
    static final byte ACCEPTOR = 2;

    private final String name;
    private final Path file;
    private final IntervalIndex sites;

    /** {@code sites} values: +1 donor on '+', +2 acceptor on '+', -1 donor on '-', -2 acceptor on '-'. */
    SpliceLabelTask(String name, Path file, IntervalIndex sites) {
        this.name = name;
        this.file = file;
        this.sites = sites;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte label(WindowCoordinates windows, int w, int bin) {
        int strand = windows.strand()[w] < 0 ? -1 : 1;
        int[] found = {0};
        sites.forEachOverlap(windows.contigOf(w), windows.binStart(w, bin), windows.binEnd(w, bin), value -> {
            if (Integer.signum(value) == strand) {
                // A donor wins over an acceptor when a short bin holds both.
                found[0] = found[0] == DONOR ? DONOR : Math.abs(value);
            }
        });
        return (byte) found[0];
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("kind", "splice-sites");
        description.put("introns", file.toString());
        description.put("sites", sites.size());
        description.put("values", new TreeMap<>(Map.of("1", "donor on the window's strand", "2", "acceptor on the window's strand",
                "0", "neither", "-2", "negative not sampled")));
        return description;
    }
}
