package org.regbert.motifs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.regbert.common.BadInputException;

/**
 * JASPAR's format: {@code >MA0139.1 CTCF}, then four rows {@code A [ 87 167 ... ]} (one per base,
 * one value per position). Rows without a letter are taken as A, C, G, T in that order.
 */
final class JasparParser {
    private JasparParser() {
    }

    static List<Motif> parse(Path file, List<String> lines) {
        List<Motif> motifs = new ArrayList<>();
        int i = MotifFormat.nextContent(lines, 0);
        while (i >= 0) {
            String header = lines.get(i).trim();
            long headerLine = i + 1;
            if (!header.startsWith(">")) {
                throw new BadInputException(file, headerLine, "expected a '>' motif header, found '"
                        + MotifFormat.abbreviate(header) + "'");
            }
            String[] names = MotifText.fields(header.substring(1));
            if (names.length == 0) {
                throw new BadInputException(file, headerLine, "a '>' header without a motif id");
            }
            String id = names[0];
            String name = names.length > 1 ? String.join(" ", List.of(names).subList(1, names.length)) : id;
            double[][] rows = new double[4][];
            int width = -1;
            long widthLine = -1;
            int row = 0;
            i = MotifFormat.nextContent(lines, i + 1);
            while (i >= 0 && !lines.get(i).trim().startsWith(">")) {
                long lineNumber = i + 1;
                if (row == 4) {
                    throw new BadInputException(file, lineNumber, "motif '" + id
                            + "' has a fifth row; the JASPAR format has four (A, C, G, T)");
                }
                String text = lines.get(i).trim();
                int base = row;
                char first = Character.toUpperCase(text.charAt(0));
                if (Character.isLetter(first)) {
                    base = Bases.ALPHABET.indexOf(first);
                    if (base < 0 || text.length() > 1 && Character.isLetterOrDigit(text.charAt(1))) {
                        throw new BadInputException(file, lineNumber, "motif '" + id + "' row starts with '"
                                + MotifFormat.abbreviate(text.split("[\\s\\[]")[0]) + "'; expected A, C, G or T");
                    }
                    if (rows[base] != null) {
                        throw new BadInputException(file, lineNumber, "motif '" + id + "' has two rows for "
                                + first);
                    }
                    text = text.substring(1);
                }
                String[] fields = MotifText.fields(text.replace('[', ' ').replace(']', ' '));
                if (width >= 0 && fields.length != width) {
                    throw new BadInputException(file, lineNumber, "motif '" + id + "' row for "
                            + Bases.ALPHABET.charAt(base) + " has " + fields.length + " values but line " + widthLine
                            + " has " + width + " (ragged matrix)");
                }
                width = fields.length;
                widthLine = lineNumber;
                double[] values = new double[width];
                for (int k = 0; k < width; k++) {
                    values[k] = MotifText.count(fields[k], file, lineNumber);
                }
                rows[base] = values;
                row++;
                i = MotifFormat.nextContent(lines, i + 1);
            }
            if (row < 4) {
                throw new BadInputException(file, headerLine, "motif '" + id + "' has " + row
                        + " rows; the JASPAR format needs four (A, C, G, T)");
            }
            List<double[]> columns = new ArrayList<>();
            List<Long> columnLines = new ArrayList<>();
            for (int k = 0; k < width; k++) {
                columns.add(new double[] {rows[0][k], rows[1][k], rows[2][k], rows[3][k]});
                columnLines.add(headerLine);
            }
            motifs.add(MotifText.motif(file, headerLine, id, name, columns, columnLines));
        }
        return motifs;
    }
}
