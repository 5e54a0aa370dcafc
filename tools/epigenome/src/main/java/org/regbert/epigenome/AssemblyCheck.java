package org.regbert.epigenome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.regbert.common.BadInputException;
import org.regbert.genome.AssemblyCatalog;

/**
 * Says which assembly an epigenome file is probably on when it does not fit the reference, using
 * {@link AssemblyCatalog}'s chromosome sizes. Liftover is not done here: the message tells the
 * user which assembly to lift from.
 */
final class AssemblyCheck {
    /** Genome-wide segmentations and binarizations stop within one bin of a contig's end. */
    static final long TAIL_SLACK = 1000;

    private AssemblyCheck() {
    }

    /** {@code GRCh38} and {@code hg38} meet as {@code hg38}, {@code GRCh37}/{@code b37} as {@code hg19}, {@code NCBI36} as {@code hg18}. */
    static String normalize(String assembly) {
        String name = assembly.strip().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "grch38", "hg38", "grch38.p14", "grch38_no_alt" -> "hg38";
            case "grch37", "hg19", "b37", "hs37d5", "grch37.p13" -> "hg19";
            case "ncbi36", "hg18", "ncbi build 36" -> "hg18";
            default -> name;
        };
    }

    /** Whether two assembly names (one possibly "unknown") certainly differ. */
    static boolean differ(String a, String b) {
        if (a == null || b == null || a.equals("unknown") || b.equals("unknown")) {
            return false;
        }
        return !normalize(a).equals(normalize(b));
    }

    /** Known assemblies whose {@code contig} is at least {@code end} long, e.g. {@code hg19 (135006516 bp)}. */
    static List<String> holding(String contig, long end) {
        List<String> fits = new ArrayList<>();
        String canonical = AssemblyCatalog.canonical(contig);
        for (String assembly : AssemblyCatalog.KNOWN) {
            Long size = AssemblyCatalog.sizes(assembly).get(canonical);
            if (size != null && size >= end) {
                fits.add(assembly + " (" + size + " bp)");
            }
        }
        return fits;
    }

    /** The sentence added to a past-the-end error. */
    static String pastEndHint(String fileContig, long end, String referenceAssembly) {
        List<String> fits = holding(fileContig, end);
        String reference = "the reference" + (referenceAssembly.equals("unknown") ? "" : " (" + referenceAssembly + ")");
        if (fits.isEmpty()) {
            return "; no known assembly (" + String.join(", ", AssemblyCatalog.KNOWN) + ") has a " + fileContig
                    + " that long either";
        }
        return "; " + fileContig + " is long enough in " + String.join(", ", fits) + ": the file is probably on"
                + " another assembly than " + reference + " — lift it over to the reference's assembly first";
    }

    /**
     * Refuses a whole-contig file (a segmentation or binarization) whose contigs all stop short of the
     * reference's ends but end where another known assembly's contigs end: e.g. an hg18 chr11
     * segmentation (ending at 134452200) against an hg19 reference (chr11 135006516 bp).
     */
    static void checkTails(Path file, Map<String, Long> maxEnds, Map<String, String> fileNames,
            ReferenceContigs reference) {
        Set<String> candidates = new LinkedHashSet<>(AssemblyCatalog.KNOWN);
        StringBuilder evidence = new StringBuilder();
        for (Map.Entry<String, Long> contig : maxEnds.entrySet()) {
            long refLength = reference.length(contig.getKey());
            long end = contig.getValue();
            if (refLength - end < TAIL_SLACK) {
                return;
            }
            String canonical = AssemblyCatalog.canonical(contig.getKey());
            Set<String> here = new LinkedHashSet<>();
            for (String assembly : AssemblyCatalog.KNOWN) {
                Long size = AssemblyCatalog.sizes(assembly).get(canonical);
                if (size != null && size >= end && size - end < TAIL_SLACK) {
                    here.add(assembly);
                    if (evidence.length() < 300) {
                        evidence.append(evidence.length() == 0 ? "" : "; ").append(fileNames.get(contig.getKey()))
                                .append(" ends at ").append(end).append(", ").append(size - end)
                                .append(" bp before its end in ").append(assembly).append(" (").append(size)
                                .append(") but ").append(refLength - end).append(" bp before the reference's (")
                                .append(refLength).append(")");
                    }
                }
            }
            candidates.retainAll(here);
            if (candidates.isEmpty()) {
                return;
            }
        }
        if (!maxEnds.isEmpty()) {
            throw new BadInputException(file, "this whole-genome file looks like " + String.join(" or ", candidates)
                    + ", not the reference" + (reference.assembly().equals("unknown") ? "" : " (" + reference.assembly()
                    + ")") + ": " + evidence + ". Lift it over to the reference's assembly first");
        }
    }
}
