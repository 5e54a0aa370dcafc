package org.regbert.epigenome;

import htsjdk.samtools.util.IOUtil;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.regbert.common.BadInputException;

/**
 * An ENCODE {@code metadata.tsv} (the file the portal's batch download writes beside the files):
 * maps a file accession ({@code ENCFF...}, also the downloaded file's name) to its cell type
 * ({@code Biosample term name}), assembly, assay, target and format. Columns are found by their
 * header names, so any column order and extra columns are fine.
 */
public final class EncodeMetadata {
    static final String ACCESSION = "File accession";
    static final String BIOSAMPLE = "Biosample term name";
    private static final Pattern ENCODE_ACCESSION = Pattern.compile("^(ENCFF[0-9]{3}[A-Z]{3})");

    /**
     * One file's row; {@code line} is its line in {@link #file()}. Optional columns the table lacks,
     * or leaves empty, are null.
     */
    public record Entry(String accession, String fileFormat, String outputType, String assay, String biosample,
            String target, String assembly, long line) {
    }

    private final Path file;
    private final Map<String, Entry> byAccession;

    private EncodeMetadata(Path file, Map<String, Entry> byAccession) {
        this.file = file;
        this.byAccession = byAccession;
    }

    /**
     * Reads {@code metadataTsv}.
     *
     * @throws BadInputException for a missing required column, a row of the wrong width, a repeated
     *     accession or an empty table
     */
    public static EncodeMetadata read(Path metadataTsv) {
        if (!Files.isReadable(metadataTsv)) {
            throw new BadInputException(metadataTsv, Files.exists(metadataTsv) ? "cannot read ENCODE metadata"
                    : "no such ENCODE metadata file");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        try (BufferedReader reader = IOUtil.openFileForBufferedReading(metadataTsv)) {
            String header = reader.readLine();
            if (header == null || header.isBlank()) {
                throw new BadInputException(metadataTsv, "empty file: expected ENCODE metadata.tsv with a header line");
            }
            List<String> columns = java.util.Arrays.stream(header.split("\t", -1)).map(String::strip).toList();
            int accession = required(columns, ACCESSION, metadataTsv);
            int biosample = required(columns, BIOSAMPLE, metadataTsv);
            int format = columns.indexOf("File format");
            int output = columns.indexOf("Output type");
            int assay = columns.indexOf("Assay");
            int target = columns.indexOf("Experiment target");
            int assembly = columns.indexOf("File assembly");
            String text;
            long line = 1;
            while ((text = reader.readLine()) != null) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                String[] f = text.split("\t", -1);
                if (f.length != columns.size()) {
                    throw new BadInputException(metadataTsv, line, "expected " + columns.size()
                            + " tab-separated columns as in the header, found " + f.length);
                }
                String id = f[accession].strip();
                if (!ENCODE_ACCESSION.matcher(id).find()) {
                    throw new BadInputException(metadataTsv, line, "'" + id + "' in column '" + ACCESSION
                            + "' is not an ENCODE file accession (ENCFF + 3 digits + 3 letters)");
                }
                String cell = f[biosample].strip();
                if (cell.isEmpty()) {
                    throw new BadInputException(metadataTsv, line, "empty '" + BIOSAMPLE + "' for " + id);
                }
                Entry entry = new Entry(id, cell(f, format), cell(f, output), cell(f, assay), cell,
                        cell(f, target), cell(f, assembly), line);
                Entry previous = entries.put(id, entry);
                if (previous != null) {
                    throw new BadInputException(metadataTsv, line, id + " is listed twice (also at line " + previous.line() + ")");
                }
            }
        } catch (IOException | htsjdk.samtools.util.RuntimeIOException e) {
            throw new BadInputException(metadataTsv, -1, "cannot read ENCODE metadata: " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new BadInputException(metadataTsv, "no file rows below the header");
        }
        return new EncodeMetadata(metadataTsv, Map.copyOf(entries));
    }

    public Path file() {
        return file;
    }

    public int size() {
        return byAccession.size();
    }

    /** The row for an accession, or null. */
    public Entry entry(String accession) {
        return byAccession.get(accession);
    }

    /** The row for a downloaded file named by its accession ({@code ENCFF123ABC.bed.gz}), or null. */
    public Entry entryFor(Path downloaded) {
        String accession = accessionOf(downloaded);
        return accession == null ? null : byAccession.get(accession);
    }

    /** The ENCODE accession a file name starts with, or null. */
    public static String accessionOf(Path file) {
        Matcher matcher = ENCODE_ACCESSION.matcher(file.getFileName().toString());
        return matcher.find() ? matcher.group(1) : null;
    }

    /** Accessions in table order. */
    public List<String> accessions() {
        List<Entry> entries = new ArrayList<>(byAccession.values());
        entries.sort((a, b) -> Long.compare(a.line(), b.line()));
        return entries.stream().map(Entry::accession).toList();
    }

    private static int required(List<String> columns, String name, Path file) {
        int index = columns.indexOf(name);
        if (index < 0) {
            throw new BadInputException(file, 1, "no '" + name + "' column: is this an ENCODE metadata.tsv? (header: "
                    + TabFields.abbreviate(String.join("\t", columns)) + ")");
        }
        return index;
    }

    private static String cell(String[] fields, int index) {
        if (index < 0) {
            return null;
        }
        String value = fields[index].strip();
        return value.isEmpty() ? null : value;
    }
}
