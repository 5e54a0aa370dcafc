package org.regbert.align;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.regbert.common.BadInputException;
import org.regbert.genome.ContigResolver;

/**
 * Train / validation / test assignment by held-out chromosomes or regions: a window touching a
 * test holdout is test, else one touching a validation holdout is validation, else train. Any
 * overlap counts, so no test base leaks into training through overlapping windows.
 */
final class Holdouts {
    static final byte TRAIN = 0;
    static final byte VALID = 1;
    static final byte TEST = 2;
    private static final Pattern REGION = Pattern.compile("(.+):(\\d+)-(\\d+)");

    private record Holdout(String contig, long start, long end, String written) {
    }

    private final List<Holdout> valid;
    private final List<Holdout> test;

    private Holdouts(List<Holdout> valid, List<Holdout> test) {
        this.valid = valid;
        this.test = test;
    }

    /** Parses {@code CONTIG} or {@code CONTIG:START-END} (0-based, end exclusive) items. */
    static Holdouts parse(List<String> validItems, List<String> testItems, ContigResolver contigs,
            Map<String, Long> lengths) {
        return new Holdouts(parse(validItems, "--valid", contigs, lengths), parse(testItems, "--test", contigs, lengths));
    }

    private static List<Holdout> parse(List<String> items, String option, ContigResolver contigs,
            Map<String, Long> lengths) {
        List<Holdout> holdouts = new ArrayList<>();
        for (String item : items) {
            // A whole item naming a contig wins: FASTA-record contigs are often called 20:100-300 themselves.
            Matcher m = lengths.containsKey(item) ? REGION.matcher("") : REGION.matcher(item);
            String written = m.matches() ? m.group(1) : item;
            String contig;
            try {
                contig = contigs.resolve(written, null, -1);
            } catch (BadInputException e) {
                throw new BadInputException(option + " " + item + ": " + e.getMessage());
            }
            long start = m.matches() ? Long.parseLong(m.group(2)) : 0;
            long end = m.matches() ? Long.parseLong(m.group(3)) : lengths.get(contig);
            if (start >= end || end > lengths.get(contig)) {
                throw new BadInputException(option + " " + item + ": not a region inside " + contig + " (length "
                        + lengths.get(contig) + ")");
            }
            holdouts.add(new Holdout(contig, start, end, item));
        }
        return holdouts;
    }

    byte split(String contig, long start, long end) {
        if (touches(test, contig, start, end)) {
            return TEST;
        }
        return touches(valid, contig, start, end) ? VALID : TRAIN;
    }

    private static boolean touches(List<Holdout> holdouts, String contig, long start, long end) {
        for (Holdout h : holdouts) {
            if (h.contig.equals(contig) && start < h.end && end > h.start) {
                return true;
            }
        }
        return false;
    }

    Map<String, Object> describe() {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("values", new TreeMap<>(Map.of("0", "train", "1", "validation", "2", "test")));
        description.put("valid", valid.stream().map(Holdout::written).toList());
        description.put("test", test.stream().map(Holdout::written).toList());
        return description;
    }
}
