package org.regbert.score;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a score run did, written as JSON beside its output: inputs, counts (windows scored and
 * skipped by reason, variants, REF mismatches with examples) and throughput (windows/s, variants/s).
 */
final class ScoreSummary {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Map<String, Object> entries = new LinkedHashMap<>();

    ScoreSummary put(String key, Object value) {
        entries.put(key, value);
        return this;
    }

    Object get(String key) {
        return entries.get(key);
    }

    void write(Path file) throws IOException {
        Files.write(file, JSON.writeValueAsBytes(entries));
    }

    /** {@code count / seconds} rounded to one decimal (0 when no time passed). */
    static double rate(long count, double seconds) {
        return seconds > 0 ? Math.round(count / seconds * 10) / 10.0 : 0;
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.2f s", s);
    }

    /** The file name without score's extensions: {@code gwas.scored.vcf.gz} to {@code gwas.scored}. */
    static String stem(String name) {
        String s = name;
        for (String ext : new String[] {".gz", ".bgz", ".bedGraph", ".bedgraph", ".bg", ".bed", ".vcf", ".txt", ".bw",
            ".bigWig", ".bigwig"}) {
            if (s.endsWith(ext) && s.length() > ext.length()) {
                s = s.substring(0, s.length() - ext.length());
            }
        }
        return s;
    }
}
