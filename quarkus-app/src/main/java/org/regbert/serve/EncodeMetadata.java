package org.regbert.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Rows of ENCODE batch {@code metadata.tsv} files, by File accession. */
final class EncodeMetadata {
    static final String ACCESSION = "File accession";
    static final String FORMAT = "File format";
    static final String OUTPUT_TYPE = "Output type";
    static final String ASSAY = "Assay";
    static final String BIOSAMPLE = "Biosample term name";
    static final String TARGET = "Experiment target";
    static final String ASSEMBLY = "File assembly";

    private final Map<String, Map<String, String>> rows = new HashMap<>();

    synchronized int read(Path tsv) throws IOException {
        List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return 0;
        }
        String[] header = lines.get(0).split("\t", -1);
        int acc = List.of(header).indexOf(ACCESSION);
        if (acc < 0) {
            throw new IllegalArgumentException(tsv.getFileName() + ": no '" + ACCESSION + "' column");
        }
        int n = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            if (f.length <= acc || f[acc].isBlank()) {
                continue;
            }
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length && i < f.length; i++) {
                row.put(header[i], f[i]);
            }
            rows.put(f[acc].strip(), row);
            n++;
        }
        return n;
    }

    synchronized Map<String, String> row(String accession) {
        return rows.get(accession);
    }
}
