package org.regbert.motifs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.regbert.common.BadInputException;

/**
 * TRANSFAC matrices as JASPAR exports them: {@code AC}, {@code ID}, {@code NA} lines, a {@code P0}
 * (or {@code PO}) header naming the base columns, rows {@code 01 87 291 76 459 [consensus]}, and
 * {@code //} closing each motif. The id is AC (else ID, else NA); the name is ID when AC is given
 * (JASPAR's use), else NA. Records with neither a matrix nor an id (a {@code VV} version block)
 * are skipped.
 */
final class TransfacParser {
    private TransfacParser() {
    }

    private static final class Record {
        long firstLine;
        String ac;
        String id;
        String na;
        int[] order;
        long matrixLine;
        boolean inMatrix;
        final List<double[]> columns = new ArrayList<>();
        final List<Long> columnLines = new ArrayList<>();

        boolean isEmpty() {
            return ac == null && id == null && na == null && order == null;
        }
    }

    static List<Motif> parse(Path file, List<String> lines) {
        List<Motif> motifs = new ArrayList<>();
        Record record = new Record();
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            String text = raw.trim();
            long lineNumber = i + 1;
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            if (record.firstLine == 0) {
                record.firstLine = lineNumber;
            }
            if (text.startsWith("//")) {
                finish(file, record, motifs);
                record = new Record();
                continue;
            }
            String[] fields = MotifText.fields(text);
            String code = fields[0].toUpperCase(Locale.ROOT);
            if (record.inMatrix && Character.isDigit(fields[0].charAt(0))) {
                row(file, lineNumber, fields, record);
                continue;
            }
            record.inMatrix = false;
            String value = text.length() > 2 ? text.substring(2).trim() : "";
            switch (code) {
                case "AC" -> record.ac = firstWord(value);
                case "ID" -> record.id = firstWord(value);
                case "NA" -> record.na = value.isEmpty() ? null : value;
                case "P0", "PO" -> {
                    if (record.order != null) {
                        throw new BadInputException(file, lineNumber, "a second " + code + " matrix header in one"
                                + " motif record (a missing '//' line before it?)");
                    }
                    record.order = columnOrder(file, lineNumber, fields);
                    record.matrixLine = lineNumber;
                    record.inMatrix = true;
                }
                default -> {
                    // XX, DE, CC, BF and other annotation lines carry nothing the scan needs.
                }
            }
        }
        finish(file, record, motifs);
        return motifs;
    }

    private static void row(Path file, long lineNumber, String[] fields, Record record) {
        int position;
        try {
            position = Integer.parseInt(fields[0]);
        } catch (NumberFormatException e) {
            throw new BadInputException(file, lineNumber, "not a position number: '"
                    + MotifFormat.abbreviate(fields[0]) + "' (a TRANSFAC row starts with 01, 02, ...)");
        }
        int expected = record.columns.size() + 1;
        if (position != expected) {
            throw new BadInputException(file, lineNumber, "row numbered " + position + " where position "
                    + expected + " was expected");
        }
        int width = record.order.length;
        int values = fields.length - 1;
        if (values < width || values > width && isNumber(fields[width + 1])) {
            throw new BadInputException(file, lineNumber, "row " + position + " has "
                    + (values > width ? "more than " + width : Integer.toString(values)) + " counts; the P0 header"
                    + " on line " + record.matrixLine + " names " + width + " bases (ragged matrix)");
        }
        double[] column = new double[4];
        for (int k = 0; k < width; k++) {
            column[record.order[k]] = MotifText.count(fields[k + 1], file, lineNumber);
        }
        record.columns.add(column);
        record.columnLines.add(lineNumber);
    }

    private static int[] columnOrder(Path file, long lineNumber, String[] fields) {
        if (fields.length != 5) {
            throw new BadInputException(file, lineNumber, "the " + fields[0] + " header names " + (fields.length - 1)
                    + " columns; expected the four bases A C G T");
        }
        int[] order = new int[4];
        boolean[] seen = new boolean[4];
        for (int k = 0; k < 4; k++) {
            String letter = fields[k + 1].toUpperCase(Locale.ROOT);
            int base = letter.length() == 1 ? Bases.ALPHABET.indexOf(letter.charAt(0)) : -1;
            if (base < 0 || seen[base]) {
                throw new BadInputException(file, lineNumber, "the " + fields[0] + " header must name A, C, G and"
                        + " T once each, found '" + fields[k + 1] + "'");
            }
            seen[base] = true;
            order[k] = base;
        }
        return order;
    }

    private static void finish(Path file, Record record, List<Motif> motifs) {
        if (record.isEmpty()) {
            return;
        }
        String id = record.ac != null ? record.ac : record.id != null ? record.id : record.na;
        if (id == null) {
            throw new BadInputException(file, record.firstLine, "a TRANSFAC matrix without an AC, ID or NA line");
        }
        if (record.order == null) {
            throw new BadInputException(file, record.firstLine, "motif '" + id + "' has no P0 matrix");
        }
        String name = record.ac != null && record.id != null ? record.id : record.na != null ? record.na : id;
        motifs.add(MotifText.motif(file, record.matrixLine, id, name, record.columns, record.columnLines));
    }

    private static String firstWord(String value) {
        String[] words = MotifText.fields(value);
        return words.length == 0 ? null : words[0];
    }

    private static boolean isNumber(String token) {
        try {
            Double.parseDouble(token);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
