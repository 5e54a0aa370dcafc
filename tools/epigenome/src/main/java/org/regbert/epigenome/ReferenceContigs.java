package org.regbert.epigenome;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.regbert.common.BadInputException;
import org.regbert.genome.AssemblyCatalog;
import org.regbert.genome.ContigResolver;
import org.regbert.shards.SequenceRecord;

/**
 * The reference the epigenome files must fit: contig names and lengths (as in the shard manifest),
 * the {@link ContigResolver} mapping the files' names to them ({@code chr20=20} aliases), and the
 * assembly name ({@code hg19}, {@code GRCh38}, ...; guessed from the lengths with
 * {@link AssemblyCatalog} when not given).
 */
public final class ReferenceContigs {
    private final Map<String, Long> lengths;
    private final ContigResolver resolver;
    private final String assembly;
    private final Set<String> canonicalNames = new HashSet<>();

    /**
     * @param lengths reference contig lengths by reference name
     * @param resolver maps file contig names to reference names
     * @param assembly the reference's assembly name, or null/"unknown" to guess it from the lengths
     */
    public ReferenceContigs(Map<String, Long> lengths, ContigResolver resolver, String assembly) {
        if (lengths.isEmpty()) {
            throw new IllegalArgumentException("the reference has no contigs");
        }
        for (Map.Entry<String, Long> contig : lengths.entrySet()) {
            if (contig.getValue() < 0 || contig.getValue() >= Integer.MAX_VALUE) {
                throw new BadInputException("reference contig '" + contig.getKey() + "' has length " + contig.getValue()
                        + ": epigenome tracks support contigs of 0 to " + (Integer.MAX_VALUE - 1) + " bases");
            }
            canonicalNames.add(AssemblyCatalog.canonical(contig.getKey()));
        }
        this.lengths = new LinkedHashMap<>(lengths);
        this.resolver = resolver;
        this.assembly = assembly == null || assembly.isBlank() || assembly.equals("unknown") ? guess(lengths) : assembly;
    }

    /** A reference with explicit aliases ({@code FROM=TO}) and a guessed assembly. */
    public static ReferenceContigs of(Map<String, Long> lengths, Map<String, String> aliases) {
        return new ReferenceContigs(lengths, new ContigResolver(List.copyOf(lengths.keySet()), aliases), null);
    }

    /** The reference of a shard manifest: its sequence dictionary and assembly name. */
    public static ReferenceContigs fromDictionary(List<SequenceRecord> dictionary, ContigResolver resolver,
            String assembly) {
        Map<String, Long> lengths = new LinkedHashMap<>();
        dictionary.forEach(record -> lengths.put(record.name(), record.length()));
        return new ReferenceContigs(lengths, resolver, assembly);
    }

    public Map<String, Long> lengths() {
        return lengths;
    }

    public ContigResolver resolver() {
        return resolver;
    }

    /** The assembly name given or guessed; {@code unknown} when the lengths fit no known one. */
    public String assembly() {
        return assembly;
    }

    /** Length of a reference contig, or -1. */
    long length(String contig) {
        Long length = lengths.get(contig);
        return length == null ? -1 : length;
    }

    /** Whether {@code contig} could be a reference contig under another spelling (chr20 vs 20, chrM vs MT). */
    boolean nearMiss(String contig) {
        return canonicalNames.contains(AssemblyCatalog.canonical(contig));
    }

    private static String guess(Map<String, Long> lengths) {
        List<SequenceRecord> records = new ArrayList<>();
        lengths.forEach((name, length) -> records.add(new SequenceRecord(name, length, null)));
        return AssemblyCatalog.guess(records);
    }
}
