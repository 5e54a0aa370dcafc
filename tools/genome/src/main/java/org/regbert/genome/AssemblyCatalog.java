package org.regbert.genome;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.shards.SequenceRecord;

/**
 * Known assemblies' primary chromosome sizes (hg18, hg19, hg38), used to name the assembly of a
 * reference and to refuse inputs from another one. Names compare after {@link #canonical}, so
 * {@code 20} and {@code chr20}, {@code MT} and {@code chrM} meet.
 */
public final class AssemblyCatalog {
    public static final List<String> KNOWN = List.of("hg18", "hg19", "hg38");
    private static final Map<String, Map<String, Long>> SIZES = load();

    private AssemblyCatalog() {
    }

    /** {@code chr20} and {@code 20} both become {@code 20}; {@code chrM} and {@code MT} become {@code MT}. */
    public static String canonical(String contig) {
        String name = contig.startsWith("chr") ? contig.substring(3) : contig;
        return name.equals("M") ? "MT" : name;
    }

    /** The canonical-name to length table of a known assembly. */
    public static Map<String, Long> sizes(String assembly) {
        Map<String, Long> sizes = SIZES.get(assembly);
        if (sizes == null) {
            throw new IllegalArgumentException("unknown assembly " + assembly + " (known: " + KNOWN + ")");
        }
        return sizes;
    }

    /**
     * The known assemblies every contig of which (among those the assembly lists) has the length the
     * assembly gives it; empty when none of the contigs is a known primary chromosome or none fits.
     */
    public static List<String> matching(List<SequenceRecord> dictionary) {
        List<String> matches = new ArrayList<>();
        for (String assembly : KNOWN) {
            Map<String, Long> sizes = SIZES.get(assembly);
            int compared = 0;
            boolean consistent = true;
            for (SequenceRecord record : dictionary) {
                Long length = sizes.get(canonical(record.name()));
                if (length != null) {
                    compared++;
                    consistent &= length == record.length();
                }
            }
            if (compared > 0 && consistent) {
                matches.add(assembly);
            }
        }
        return matches;
    }

    /** The one known assembly the dictionary fits, or {@code "unknown"}. */
    public static String guess(List<SequenceRecord> dictionary) {
        List<String> matches = matching(dictionary);
        return matches.size() == 1 ? matches.get(0) : "unknown";
    }

    private static Map<String, Map<String, Long>> load() {
        Map<String, Map<String, Long>> all = new LinkedHashMap<>();
        for (String assembly : KNOWN) {
            Map<String, Long> sizes = new LinkedHashMap<>();
            try (InputStream in = AssemblyCatalog.class.getResourceAsStream("assemblies/" + assembly + ".sizes");
                    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    String[] fields = line.split("\t");
                    sizes.put(canonical(fields[0]), Long.parseLong(fields[1]));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            all.put(assembly, Map.copyOf(sizes));
        }
        return all;
    }
}
