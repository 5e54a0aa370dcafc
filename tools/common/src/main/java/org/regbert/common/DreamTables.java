package org.regbert.common;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * What the ENCODE-DREAM tables share: tab-separated lines that open with a bin {@code chr start
 * stop} (0-based, end exclusive), plain or gzipped. Submissions (one probability per bin) and the
 * challenge's label files (one B/U/A column per cell type) both read through here.
 */
public final class DreamTables {
    /** A bin of a DREAM table, as written (contig names are not resolved here). */
    public record Bin(String contig, long start, long end) {
    }

    private DreamTables() {
    }

    /** A reader of {@code file}, gunzipped when its content (not its name) says gzip. */
    public static BufferedReader open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
        raw.reset();
        InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    /**
     * The bin of the first three {@code fields} of line {@code number}.
     *
     * @param format the line format, for the messages (e.g. "expected 'chr&lt;TAB&gt;start&lt;TAB&gt;stop&lt;TAB&gt;probability'")
     * @throws BadInputException naming the file and line: non-numeric coordinates, an empty
     *     chromosome name, or not {@code 0 <= start < stop}
     */
    public static Bin bin(Path file, long number, String[] fields, String format, String text) {
        String contig = fields[0].strip();
        long start;
        long end;
        try {
            start = Long.parseLong(fields[1].strip());
            end = Long.parseLong(fields[2].strip());
        } catch (NumberFormatException e) {
            throw new BadInputException(file, number, "start and stop must be whole numbers (" + format + "): '"
                    + abbreviate(text) + "'");
        }
        if (contig.isEmpty()) {
            throw new BadInputException(file, number, "empty chromosome name");
        }
        if (start < 0 || end <= start) {
            throw new BadInputException(file, number, "bin " + start + "-" + end + " needs 0 ≤ start < stop");
        }
        return new Bin(contig, start, end);
    }

    /** The first 60 characters of a line, for messages. */
    public static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
