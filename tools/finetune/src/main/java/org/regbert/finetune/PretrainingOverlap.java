package org.regbert.finetune;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.regbert.common.BadInputException;
import org.regbert.pretrain.PretrainingWindows;
import org.regbert.shards.SequenceRecord;

/**
 * How many test windows a model's encoder saw in pre-training: the leakage check of finetune and
 * evaluate. A test window counts when it shares at least k bases (one whole k-mer token) with a
 * pre-training interval: neighbouring windows of the usual tiling share k - 1 bases and no token,
 * so a test holdout's boundary windows do not count. {@code overlapBp} is the bases of the counted
 * windows (their union, each base once) that lie in pre-training intervals.
 *
 * @param checked whether the overlap could be measured; when not, {@code reason} says why
 * @param contigsMatchedBy how test contigs were matched to the pre-training reference: MD5 (same
 *     sequence, whatever its name) or name (no sequence dictionary of the test windows at hand)
 * @param firstOverlap the first counted test window and the pre-training interval it lies in
 * @param note what the check could not see (pre-training windows without coordinates)
 */
public record PretrainingOverlap(boolean checked, String reason, long testWindows, long overlappingWindows,
        long overlapBp, String firstOverlap, String contigsMatchedBy, String note) {

    public static final String ALLOW_OPTION = "--allow-pretraining-overlap";
    private static final String NOT_PRETRAINED = "not pre-trained (--from-scratch)";

    /** A test window: contig name and [start, end), 0-based. */
    public record Window(String contig, long start, long end) {
    }

    /** A model fine-tuned from a freshly initialised encoder. */
    public static PretrainingOverlap notPretrained() {
        return unchecked(NOT_PRETRAINED);
    }

    public static PretrainingOverlap unchecked(String reason) {
        return new PretrainingOverlap(false, reason, 0, 0, 0, null, null, null);
    }

    /**
     * The overlap of {@code windows} (duplicates, e.g. one per cell type, count once) with the
     * intervals {@code pretrained} records.
     *
     * @param testReference the sequence dictionary of the test windows' shards; null when not at hand
     *     (evaluate on saved predictions), then contigs are matched by name
     */
    public static PretrainingOverlap check(PretrainingWindows pretrained, List<SequenceRecord> testReference,
            List<Window> windows) {
        String note = pretrained.coordinateLessWindows() > 0 ? pretrained.coordinateLessWindows() + " of the "
                + pretrained.windows() + " pre-training windows are FASTA records without coordinates and are not"
                + " part of the check" : null;
        if (pretrained.reference() == null) {
            return unchecked("the model was pre-trained on FASTA records only (" + pretrained.coordinateLessWindows()
                    + " windows without genomic coordinates): leakage cannot be checked");
        }
        Map<String, List<Window>> byContig = new LinkedHashMap<>();
        for (Window w : windows) {
            byContig.computeIfAbsent(w.contig(), c -> new ArrayList<>()).add(w);
        }
        long total = 0;
        long overlapping = 0;
        long bases = 0;
        String first = null;
        boolean byMd5 = testReference != null;
        for (Map.Entry<String, List<Window>> e : byContig.entrySet()) {
            List<long[]> test = distinctSorted(e.getValue());
            total += test.size();
            Match match = match(e.getKey(), pretrained, testReference);
            if (match.incomparable != null) {
                return unchecked(match.incomparable);
            }
            byMd5 &= match.byMd5;
            List<long[]> seen = match.contig == null ? List.of() : pretrained.intervalsOn(match.contig);
            List<long[]> counted = new ArrayList<>();
            for (long[] t : test) {
                long[] hit = sharedKmer(t, seen, Math.max(1, pretrained.k()));
                if (hit != null) {
                    counted.add(t);
                    if (first == null) {
                        first = String.format(Locale.ROOT, "%s:%d-%d (in pre-training interval %s:%d-%d)", e.getKey(),
                                t[0], t[1], match.contig, hit[0], hit[1]);
                    }
                }
            }
            overlapping += counted.size();
            bases += intersection(union(counted), seen);
        }
        return new PretrainingOverlap(true, null, total, overlapping, bases, first, byMd5 ? "MD5" : "name", note);
    }

    /** Where a test contig is in the pre-training reference. */
    private record Match(String contig, boolean byMd5, String incomparable) {
    }

    private static Match match(String name, PretrainingWindows pretrained, List<SequenceRecord> testReference) {
        SequenceRecord test = testReference == null ? null
                : testReference.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
        if (test != null && test.md5() != null && !test.md5().isEmpty()) {
            for (SequenceRecord r : pretrained.reference()) {
                if (test.md5().equalsIgnoreCase(r.md5() == null ? "" : r.md5())) {
                    return new Match(r.name(), true, null);
                }
            }
        }
        SequenceRecord same = pretrained.reference().stream().filter(r -> r.name().equals(name)).findFirst()
                .orElse(null);
        if (same == null) {
            // Not a sequence of the pre-training reference (by MD5 or name): pre-training never saw it.
            return new Match(null, test != null, null);
        }
        if (test == null) {
            return new Match(same.name(), false, null);
        }
        if (test.length() != same.length() || test.md5() != null && same.md5() != null && !test.md5().isEmpty()
                && !test.md5().equalsIgnoreCase(same.md5())) {
            return new Match(null, false, "contig " + name + " of the test windows (" + test.length() + " bp, MD5 "
                    + test.md5() + ") is not the pre-training reference's " + name + " (" + same.length() + " bp, MD5 "
                    + same.md5() + ", assembly " + pretrained.assembly() + "): their coordinates are not comparable,"
                    + " so leakage cannot be checked");
        }
        return new Match(same.name(), false, null);
    }

    private static List<long[]> distinctSorted(List<Window> windows) {
        List<long[]> out = new ArrayList<>();
        windows.stream().map(w -> new long[] {w.start(), w.end()})
                .sorted(Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1]))
                .forEach(a -> {
                    if (out.isEmpty() || out.get(out.size() - 1)[0] != a[0] || out.get(out.size() - 1)[1] != a[1]) {
                        out.add(a);
                    }
                });
        return out;
    }

    /** The first interval of sorted, disjoint {@code seen} sharing at least {@code k} bases with {@code t}, or null. */
    private static long[] sharedKmer(long[] t, List<long[]> seen, int k) {
        int lo = 0;
        int hi = seen.size();
        while (lo < hi) { // first interval ending after t starts
            int mid = (lo + hi) >>> 1;
            if (seen.get(mid)[1] <= t[0]) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int i = lo; i < seen.size() && seen.get(i)[0] < t[1]; i++) {
            long[] s = seen.get(i);
            if (Math.min(t[1], s[1]) - Math.max(t[0], s[0]) >= k) {
                return s;
            }
        }
        return null;
    }

    /** Sorted intervals merged where they overlap or touch. */
    private static List<long[]> union(List<long[]> sorted) {
        List<long[]> out = new ArrayList<>();
        for (long[] a : sorted) {
            long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && a[0] <= last[1]) {
                last[1] = Math.max(last[1], a[1]);
            } else {
                out.add(a.clone());
            }
        }
        return out;
    }

    /** Bases in both lists of sorted, disjoint intervals. */
    private static long intersection(List<long[]> a, List<long[]> b) {
        long bases = 0;
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            long[] x = a.get(i);
            long[] y = b.get(j);
            bases += Math.max(0, Math.min(x[1], y[1]) - Math.max(x[0], y[0]));
            if (x[1] < y[1]) {
                i++;
            } else {
                j++;
            }
        }
        return bases;
    }

    /** As finetune-summary.json and the evaluate report write it. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("checked", checked);
        if (!checked) {
            m.put("reason", reason);
            return m;
        }
        m.put("testWindows", testWindows);
        m.put("overlappingWindows", overlappingWindows);
        m.put("overlapBp", overlapBp);
        if (firstOverlap != null) {
            m.put("firstOverlap", firstOverlap);
        }
        m.put("contigsMatchedBy", contigsMatchedBy);
        if (note != null) {
            m.put("note", note);
        }
        return m;
    }

    /** One line for stderr and the HTML report. */
    public String describe() {
        if (!checked) {
            return "pre-training overlap not checked: " + reason;
        }
        return String.format(Locale.ROOT, "pre-training overlap: %,d of %,d test windows (%,d bp) lie in the windows the"
                + " encoder was pre-trained on%s%s", overlappingWindows, testWindows, overlapBp,
                firstOverlap == null ? "" : "; the first: " + firstOverlap, note == null ? "" : "; " + note);
    }

    /** Whether the check could not be made for a pre-trained model (a warning, not "not pre-trained"). */
    public boolean cannotCheck() {
        return !checked && !NOT_PRETRAINED.equals(reason);
    }

    /**
     * Exit 2 when test windows were seen in pre-training, unless the user allowed it.
     *
     * @param who the stage and model, for the message
     */
    public void refuseUnlessAllowed(boolean allowed, String who) {
        if (checked && overlappingWindows > 0 && !allowed) {
            throw new BadInputException(String.format(Locale.ROOT, "%s: %,d of %,d test windows (%,d bp) lie in the"
                    + " windows the encoder was pre-trained on, the first %s: test figures would be inflated by"
                    + " pre-training leakage. Pre-train on shards aligned with the same --test holdout, or pass %s to"
                    + " go on anyway", who, overlappingWindows, testWindows, overlapBp, firstOverlap, ALLOW_OPTION));
        }
    }
}
