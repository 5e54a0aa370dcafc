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

    public ContigResolver(List<String> referenceNames, Map<String, String> aliases) {
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
     * The reference name for {@code contig} as written at {@code file:line}.
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
        throw new BadInputException(file, line, "contig '" + contig + "' is not in the reference "
                + sample(List.copyOf(referenceNames)));
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
