package org.regbert.motifs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.regbert.common.BadInputException;

/** gimmemotifs {@code .pfm}: {@code >id [description]}, then one "A C G T" line per position. */
final class PfmParser {
    private PfmParser() {
    }

    static List<Motif> parse(Path file, List<String> lines) {
        List<Motif> motifs = new ArrayList<>();
        String id = null;
        String name = null;
        long headerLine = 0;
        List<double[]> columns = new ArrayList<>();
        List<Long> columnLines = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).trim();
            long lineNumber = i + 1;
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            if (text.startsWith(">")) {
                if (id != null) {
                    motifs.add(MotifText.motif(file, headerLine, id, name, columns, columnLines));
                }
                String[] header = MotifText.fields(text.substring(1));
                if (header.length == 0) {
                    throw new BadInputException(file, lineNumber, "a '>' header without a motif id");
                }
                id = header[0];
                String inId = MotifText.nameInGimmeId(id);
                name = header.length > 1 ? String.join(" ", List.of(header).subList(1, header.length))
                        : inId != null ? inId : id;
                headerLine = lineNumber;
                columns = new ArrayList<>();
                columnLines = new ArrayList<>();
                continue;
            }
            if (id == null) {
                throw new BadInputException(file, lineNumber, "counts before the first '>' motif header");
            }
            String[] fields = MotifText.fields(text);
            if (fields.length != 4) {
                throw new BadInputException(file, lineNumber, "motif '" + id + "' row has " + fields.length
                        + " values; a .pfm row holds 4 (A C G T counts for one position)");
            }
            double[] column = new double[4];
            for (int b = 0; b < 4; b++) {
                column[b] = MotifText.count(fields[b], file, lineNumber);
            }
            columns.add(column);
            columnLines.add(lineNumber);
        }
        if (id != null) {
            motifs.add(MotifText.motif(file, headerLine, id, name, columns, columnLines));
        }
        return motifs;
    }
}
