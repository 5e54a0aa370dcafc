package org.regbert.motifs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.regbert.common.BadInputException;

/**
 * Reads motif files (gimme {@code .pfm}, JASPAR, TRANSFAC; plain or gzip) and gimme
 * {@code motif2factors} tables. Every problem is a {@link BadInputException} naming the file and,
 * where there is one, the 1-based line.
 */
public final class MotifReader {
    /** The JASPAR id gimme puts before factor names: {@code MA0006.1.Ahr} is factor {@code Ahr}. */
    private static final Pattern FACTOR_PREFIX = Pattern.compile("^[A-Z]{2}\\d+\\.\\d+\\.");

    private MotifReader() {
    }

    /** Reads {@code file}, deciding its format from the content ({@link MotifFormat#detect}). */
    public static List<Motif> read(Path file) {
        List<String> lines = lines(file);
        return read(file, lines, MotifFormat.detect(file, lines));
    }

    /** Reads {@code file} in the given format. */
    public static List<Motif> read(Path file, MotifFormat format) {
        List<String> lines = lines(file);
        MotifFormat.nextContentOrFail(file, lines);
        return read(file, lines, format);
    }

    /** Reads {@code motifs} (any format) and attaches the factor names of {@code motif2factors}. */
    public static List<Motif> read(Path motifs, Path motif2factors) {
        return withFactors(read(motifs), readFactors(motif2factors));
    }

    private static List<Motif> read(Path file, List<String> lines, MotifFormat format) {
        List<Motif> motifs = switch (format) {
            case PFM -> PfmParser.parse(file, lines);
            case JASPAR -> JasparParser.parse(file, lines);
            case TRANSFAC -> TransfacParser.parse(file, lines);
        };
        if (motifs.isEmpty()) {
            throw new BadInputException(file, "no motifs found (read as " + format + ")");
        }
        Set<String> ids = new HashSet<>();
        for (Motif motif : motifs) {
            if (!ids.add(motif.id())) {
                throw new BadInputException(file, "motif id '" + motif.id() + "' appears twice; ids name the"
                        + " rows of the motif matrix and must be unique");
            }
        }
        return List.copyOf(motifs);
    }

    /**
     * Reads a gimme {@code motif2factors} table (tab-separated {@code Motif Factor [Evidence
     * Curated]}, an optional header): motif id to its factor names, in file order without
     * repeats, with gimme's JASPAR-id prefix removed ({@code MA0006.1.Ahr} becomes {@code Ahr}).
     */
    public static Map<String, List<String>> readFactors(Path motif2factors) {
        List<String> lines = lines(motif2factors);
        Map<String, Set<String>> factors = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (text.isEmpty() || text.startsWith("#") || i == 0 && text.toLowerCase().startsWith("motif\t")) {
                continue;
            }
            String[] fields = text.split("\t");
            if (fields.length < 2 || fields[0].isBlank() || fields[1].isBlank()) {
                throw new BadInputException(motif2factors, i + 1, "expected tab-separated 'motif<TAB>factor',"
                        + " found '" + MotifFormat.abbreviate(text) + "'");
            }
            String factor = FACTOR_PREFIX.matcher(fields[1].strip()).replaceFirst("");
            factors.computeIfAbsent(fields[0].strip(), k -> new LinkedHashSet<>()).add(factor);
        }
        if (factors.isEmpty()) {
            throw new BadInputException(motif2factors, "no motif-to-factor rows");
        }
        Map<String, List<String>> result = new LinkedHashMap<>();
        factors.forEach((motif, names) -> result.put(motif, List.copyOf(names)));
        return result;
    }

    /** The motifs with the factor names the table gives them (motifs it lacks keep theirs). */
    public static List<Motif> withFactors(List<Motif> motifs, Map<String, List<String>> factors) {
        List<Motif> named = new ArrayList<>(motifs.size());
        for (Motif motif : motifs) {
            List<String> names = factors.get(motif.id());
            named.add(names == null ? motif : motif.withFactors(names));
        }
        return List.copyOf(named);
    }

    private static List<String> lines(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file, Files.exists(file) ? "not a regular file" : "no such file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
            if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1f && (bytes[1] & 0xFF) == 0x8b) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                    bytes = in.readAllBytes();
                }
            }
        } catch (IOException e) {
            throw new BadInputException(file, -1, "cannot read: " + e.getMessage(), e);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return text.isEmpty() ? List.of() : text.lines().toList();
    }
}
