package org.regbert.motifs;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.regbert.common.BadInputException;

/** Checks shared by the motif parsers: numbers, columns, names. Line numbers are 1-based. */
final class MotifText {
    /** gimme ids repeat the JASPAR id: {@code MA0006.1_MA0006.1.Ahr::Arnt}. */
    private static final Pattern GIMME_ID = Pattern.compile("(\\S+?)_\\1\\.(.+)");

    private MotifText() {
    }

    /** A non-negative finite count or frequency. */
    static double count(String token, Path file, long line) {
        double value;
        try {
            value = Double.parseDouble(token);
        } catch (NumberFormatException e) {
            throw new BadInputException(file, line, "not a number: '" + MotifFormat.abbreviate(token)
                    + "' (expected a base count or frequency)");
        }
        if (!Double.isFinite(value) || value < 0) {
            throw new BadInputException(file, line, "a base count must be a finite number >= 0, found '" + token + "'");
        }
        return value;
    }

    /**
     * Builds the motif after checking it has positions and no column without counts.
     *
     * @param columnLines the line of each position (for JASPAR, where positions are columns, the
     *     header line)
     */
    static Motif motif(Path file, long headerLine, String id, String name, List<double[]> columns,
            List<Long> columnLines) {
        if (columns.isEmpty()) {
            throw new BadInputException(file, headerLine, "motif '" + id + "' has no positions");
        }
        for (int i = 0; i < columns.size(); i++) {
            double[] column = columns.get(i);
            if (column[0] + column[1] + column[2] + column[3] <= 0) {
                throw new BadInputException(file, columnLines.get(i), "motif '" + id + "' position " + (i + 1)
                        + " has no counts (all four are 0): cannot make probabilities from it");
            }
        }
        return new Motif(id, name, List.of(), columns.toArray(new double[0][]));
    }

    /** The display name inside a gimme id ({@code Ahr::Arnt}), or null when it has none. */
    static String nameInGimmeId(String id) {
        Matcher m = GIMME_ID.matcher(id);
        return m.matches() ? m.group(2) : null;
    }

    static String[] fields(String line) {
        String trimmed = line.trim();
        return trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
    }
}
