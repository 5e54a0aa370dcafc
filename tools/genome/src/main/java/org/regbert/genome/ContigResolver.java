package org.regbert.genome;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.regbert.common.BadInputException;

/**
 * Maps contig names found in inputs to the reference's names. Only exact names and explicit
 * aliases ({@code --contig-alias chr20=20}) are accepted: {@code chr20} is never silently taken for
 * {@code 20}. When the names differ only by a {@code chr} prefix (or chrM/MT) the error says so
 * and shows the alias to pass. Every alias used is counted for the run's report.
 */
public final class ContigResolver {
    private final Set<String> referenceNames;
    private final Map<String, String> aliases;
    private final Map<String, Long> aliasUse = new TreeMap<>();
    private final Map<String, Long> skipped = new TreeMap<>();
    private final boolean skipMissing;

    public ContigResolver(List<String> referenceNames, Map<String, String> aliases) {
        this(referenceNames, aliases, false);
    }

    /**
     * With {@code skipMissing}, intervals on contigs the reference lacks entirely (chr1 in a genome-wide
     * BED against a chr20-only reference) are skipped and counted instead of refused; a contig that
     * differs from a reference contig only by naming ({@code chr20} vs {@code 20}) is still an error.
     */
    public ContigResolver(List<String> referenceNames, Map<String, String> aliases, boolean skipMissing) {
        this.skipMissing = skipMissing;
        this.referenceNames = Set.copyOf(referenceNames);
        this.aliases = new LinkedHashMap<>(aliases);
        for (Map.Entry<String, String> alias : aliases.entrySet()) {
            if (!this.referenceNames.contains(alias.getValue())) {
                throw new BadInputException("--contig-alias " + alias.getKey() + "=" + alias.getValue() + ": '"
                        + alias.getValue() + "' is not a contig of the reference " + sample(referenceNames));
            }
        }
    }

    /** Parses {@code FROM=TO} alias options. */
    public static Map<String, String> parseAliases(List<String> options) {
        Map<String, String> aliases = new LinkedHashMap<>();
        for (String option : options) {
            int eq = option.indexOf('=');
            if (eq <= 0 || eq == option.length() - 1) {
                throw new BadInputException("--contig-alias expects FROM=TO (e.g. chr20=20), got '" + option + "'");
            }
            aliases.put(option.substring(0, eq), option.substring(eq + 1));
        }
        return aliases;
    }

    /**
     * The reference name for {@code contig} as written at {@code file:line}; null when the contig is
     * skipped (only with {@code skipMissing}).
     *
     * @throws BadInputException when the contig is not in the reference, with a hint where one helps
     */
    public String resolve(String contig, Path file, long line) {
        if (referenceNames.contains(contig)) {
            return contig;
        }
        String alias = aliases.get(contig);
        if (alias != null) {
            aliasUse.merge(contig + "=" + alias, 1L, Long::sum);
            return alias;
        }
        String canonical = AssemblyCatalog.canonical(contig);
        for (String name : referenceNames) {
            if (AssemblyCatalog.canonical(name).equals(canonical)) {
                throw new BadInputException(file, line, "contig '" + contig + "' is not in the reference, which calls it '"
                        + name + "'; pass --contig-alias " + contig + "=" + name + " to map it");
            }
        }
        if (skipMissing) {
            skipped.merge(contig, 1L, Long::sum);
            return null;
        }
        throw new BadInputException(file, line, "contig '" + contig + "' is not in the reference "
                + sample(List.copyOf(referenceNames)) + (file == null ? ""
                : "; pass --skip-missing-contigs to ignore intervals on contigs the reference does not have"));
    }

    /** Intervals skipped per contig the reference does not have (with {@code skipMissing}). */
    public Map<String, Long> skipped() {
        return Map.copyOf(skipped);
    }

    /** How often each alias was used, e.g. {@code chr20=20 -> 1822}. */
    public Map<String, Long> aliasUse() {
        return Map.copyOf(aliasUse);
    }

    private static String sample(List<String> names) {
        List<String> sorted = names.stream().sorted().limit(8).toList();
        return "(contigs: " + String.join(", ", sorted) + (names.size() > 8 ? ", ..." : "") + ")";
    }
}
