package org.regbert.genome;

import htsjdk.samtools.util.IOUtil;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;

/** Maps a base of a FASTA record back to its line in the file, for messages that name the line. */
public final class FastaLines {
    private FastaLines() {
    }

    /**
     * The 1-based line of {@code fasta} (plain, gzip or bgzip) holding base {@code position}
     * (0-based) of record {@code name}, or -1 when the file has no such record or base. Reads the
     * file up to that line: meant for error messages, not for hot paths.
     */
    public static long lineOf(Path fasta, String name, long position) {
        try (BufferedReader in = IOUtil.openFileForBufferedReading(fasta)) {
            String line;
            long number = 0;
            boolean inRecord = false;
            long bases = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.startsWith(">")) {
                    if (inRecord) {
                        return -1;
                    }
                    inRecord = line.substring(1).strip().split("\\s", 2)[0].equals(name);
                    continue;
                }
                if (inRecord) {
                    bases += line.strip().length();
                    if (position < bases) {
                        return number;
                    }
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1; // only a message loses its line number
        }
    }
}
