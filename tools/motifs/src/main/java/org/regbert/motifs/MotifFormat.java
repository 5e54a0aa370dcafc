package org.regbert.motifs;

import java.nio.file.Path;
import java.util.List;
import org.regbert.common.BadInputException;

/** The motif file formats regbert reads. */
public enum MotifFormat {
    /**
     * gimmemotifs {@code .pfm}: {@code >id} then one line per position with the A, C, G, T counts
     * (or frequencies), whitespace-separated.
     */
    PFM,
    /**
     * JASPAR's own format: {@code >MA0139.1 CTCF} then four lines {@code A [ 87 167 ... ]} for A, C,
     * G and T (letters and brackets optional; without letters the rows are A, C, G, T in order).
     */
    JASPAR,
    /**
     * TRANSFAC matrices: {@code AC}/{@code ID}/{@code NA} lines, a {@code P0} (or {@code PO}) header
     * naming the base columns, numbered rows, {@code XX} separators, {@code //} ending each motif.
     */
    TRANSFAC;

    private static final List<String> TRANSFAC_CODES = List.of("AC", "ID", "NA", "DE", "P0", "PO", "VV", "XX",
            "BF", "//", "CC", "BA", "BS", "SD", "DT", "CO", "RN", "RA", "RT", "RL", "TY", "HC", "HP", "OV");

    /**
     * Decides the format from the first content lines ({@code #} comments and blank lines skipped).
     *
     * @throws BadInputException when the file is empty or looks like none of the formats
     */
    public static MotifFormat detect(Path file, List<String> lines) {
        int first = nextContentOrFail(file, lines);
        String line = lines.get(first).trim();
        if (line.startsWith(">")) {
            int second = nextContent(lines, first + 1);
            if (second < 0 || lines.get(second).trim().startsWith(">")) {
                return PFM; // the parser reports the empty motif with its line
            }
            String row = lines.get(second).trim();
            if (row.contains("[") || Character.isLetter(row.charAt(0))) {
                return JASPAR;
            }
            return row.split("\\s+").length == 4 ? PFM : JASPAR;
        }
        String code = line.length() >= 2 ? line.substring(0, 2).toUpperCase(java.util.Locale.ROOT) : line;
        if (TRANSFAC_CODES.contains(code) && (line.length() == 2 || Character.isWhitespace(line.charAt(2)))) {
            return TRANSFAC;
        }
        throw new BadInputException(file, first + 1, "not a motif file: expected '>' (gimme .pfm or JASPAR) or a"
                + " TRANSFAC line code such as 'AC', 'ID' or 'P0', found '" + abbreviate(line) + "'");
    }

    /** Index of the first content line; an empty or comment-only file is bad input. */
    static int nextContentOrFail(Path file, List<String> lines) {
        int first = nextContent(lines, 0);
        if (first < 0) {
            throw new BadInputException(file, lines.isEmpty() ? "empty file: no motifs"
                    : "no motifs: only blank lines and comments");
        }
        return first;
    }

    /** Index of the first non-blank, non-comment line at or after {@code from}, or -1. */
    static int nextContent(List<String> lines, int from) {
        for (int i = from; i < lines.size(); i++) {
            String text = lines.get(i).trim();
            if (!text.isEmpty() && !text.startsWith("#")) {
                return i;
            }
        }
        return -1;
    }

    static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
