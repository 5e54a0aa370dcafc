package org.regbert.genome;

import htsjdk.samtools.util.IOUtil;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import org.regbert.common.BadInputException;

/**
 * Checks the line layout an index ({@code .fai}) relies on: within a record every sequence line has
 * the length of its first, except the last, which may be shorter; no blank lines. htsjdk's indexer
 * reports such files as "Sequence line for {} was longer than the expected length" or
 * "String index out of range: 0", and builds a wrong index for a short line in the middle of a
 * record (reads past it then return the wrong bases). This names the file and line instead.
 */
public final class FastaLayout {
    private static final String REWRAP = "an indexed FASTA needs lines of equal length within each record"
            + " (re-wrap it, e.g. 'seqkit seq -w 60 in.fa > out.fa')";

    private FastaLayout() {
    }

    /**
     * Reads {@code fasta} (plain, gzip or bgzip) line by line.
     *
     * @throws BadInputException naming the file and the first line that breaks the layout
     */
    public static void check(Path fasta) {
        try (BufferedReader in = IOUtil.openFileForBufferedReading(fasta)) {
            String line;
            long number = 0;
            String record = null;
            int width = -1;
            long shortLine = -1;
            int shortLength = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    throw new BadInputException(fasta, number, "blank line" + (record == null ? ""
                            : " in or after record '" + record + "'") + ": a FASTA to index may hold no blank lines"
                            + " (remove them, e.g. 'grep -v \"^\\s*$\" in.fa > out.fa')");
                }
                if (line.charAt(0) == '>') {
                    record = line.substring(1).strip().split("\\s", 2)[0];
                    width = -1;
                    shortLine = -1;
                    continue;
                }
                if (record == null) {
                    throw new BadInputException(fasta, number, "sequence before the first '>' header line");
                }
                int length = line.length();
                if (shortLine > 0) {
                    throw new BadInputException(fasta, shortLine, "line of record '" + record + "' has " + shortLength
                            + " bases, fewer than the " + width + " of its first line, but is not the record's last line; "
                            + REWRAP);
                }
                if (width < 0) {
                    width = length;
                } else if (length > width) {
                    throw new BadInputException(fasta, number, "line of record '" + record + "' has " + length
                            + " bases, more than the " + width + " of its first line; " + REWRAP);
                } else if (length < width) {
                    shortLine = number;
                    shortLength = length;
                }
            }
        } catch (IOException | htsjdk.samtools.util.RuntimeIOException e) {
            throw new BadInputException(fasta, -1, "cannot read: " + e.getMessage(), e);
        }
    }
}
