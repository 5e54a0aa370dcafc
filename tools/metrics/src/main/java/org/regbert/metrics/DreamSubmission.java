package org.regbert.metrics;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.regbert.common.BadInputException;
import org.regbert.common.DreamTables;

/**
 * Predictions in the ENCODE-DREAM submission format: one line per bin, {@code chr start stop
 * probability}, tab separated, no header, plain or gzipped (detected from the content, not the
 * name). Lets any external tool's scores enter a regbert report as another model row.
 */
public final class DreamSubmission {
    private static final String FORMAT = "expected 'chr<TAB>start<TAB>stop<TAB>probability'";

    /** One line of a submission: bin {@code contig:start-end} (0-based, end exclusive) and its score. */
    public record Line(long number, String contig, long start, long end, double probability) {
    }

    /**
     * Scores of the given windows, read from a submission.
     *
     * @param scores one per window, NaN for a window that needed none and had no line
     * @param lines lines read
     * @param unmatched lines that matched no window (ignored)
     */
    public record Joined(float[] scores, long lines, long unmatched) {
    }

    private DreamSubmission() {
    }

    /**
     * Reads every line in file order.
     *
     * @return the number of lines read
     * @throws BadInputException naming the file and line of the first malformed line
     */
    public static long forEach(Path file, Consumer<Line> sink) {
        long number = 0;
        try (BufferedReader in = reader(file)) {
            String text;
            while ((text = in.readLine()) != null) {
                number++;
                if (text.isBlank()) {
                    continue; // A trailing empty line is common and harmless.
                }
                sink.accept(parse(file, number, text));
            }
        } catch (IOException e) {
            throw new BadInputException(file, number > 0 ? number + 1 : -1, "cannot read: " + e.getMessage(), e);
        }
        return number;
    }

    /**
     * Joins a submission to windows by (contig, start, end); contig names match with or without a
     * leading "chr" (a submission's {@code chr20} is the shards' {@code 20}). Lines for other bins
     * are counted and ignored.
     *
     * @param contig each window's contig name
     * @param needed which windows must have a line (the scored ones; windows left out by their
     *     label may be absent and get NaN)
     * @throws BadInputException naming the file: a needed window without a line, a window given
     *     twice (with both lines), or a malformed line
     */
    public static Joined join(Path file, List<String> contig, long[] start, long[] end, boolean[] needed) {
        int n = start.length;
        Map<String, Integer> index = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            index.put(key(contig.get(i), start[i], end[i]), i);
        }
        float[] scores = new float[n];
        Arrays.fill(scores, Float.NaN);
        long[] lineOf = new long[n];
        long[] unmatched = {0};
        long lines = forEach(file, line -> {
            Integer i = index.get(key(line.contig(), line.start(), line.end()));
            if (i == null) {
                unmatched[0]++;
                return;
            }
            if (lineOf[i] > 0) {
                throw new BadInputException(file, line.number(), "bin " + line.contig() + ":" + line.start() + "-"
                        + line.end() + " appears again (first on line " + lineOf[i] + ")");
            }
            lineOf[i] = line.number();
            scores[i] = (float) line.probability();
        });
        int missing = 0;
        int first = -1;
        for (int i = 0; i < n; i++) {
            if (needed[i] && lineOf[i] == 0) {
                missing++;
                first = first < 0 ? i : first;
            }
        }
        if (missing > 0) {
            throw new BadInputException(file, "has no line for the evaluated window " + contig.get(first) + ":"
                    + start[first] + "-" + end[first] + (missing > 1 ? " (nor for " + (missing - 1) + " more)" : "")
                    + "; its bins must be the evaluated windows (same contig, start and end)");
        }
        return new Joined(scores, lines, unmatched[0]);
    }

    private static String key(String contig, long start, long end) {
        String name = contig.regionMatches(true, 0, "chr", 0, 3) ? contig.substring(3) : contig;
        return name + '\t' + start + '\t' + end;
    }

    private static Line parse(Path file, long number, String text) {
        String[] fields = text.split("\t", -1);
        if (fields.length != 4) {
            throw new BadInputException(file, number, FORMAT + ", found " + fields.length + " tab-separated field"
                    + (fields.length == 1 ? "" : "s") + ": '" + abbreviate(text) + "'");
        }
        DreamTables.Bin bin = DreamTables.bin(file, number, fields, FORMAT + ", no header", text);
        double probability;
        try {
            probability = Double.parseDouble(fields[3].strip());
        } catch (NumberFormatException e) {
            throw new BadInputException(file, number, "probability '" + abbreviate(fields[3]) + "' is not a number");
        }
        if (!Double.isFinite(probability)) {
            throw new BadInputException(file, number, "probability '" + fields[3].strip() + "' is not finite");
        }
        return new Line(number, bin.contig(), bin.start(), bin.end(), probability);
    }

    private static BufferedReader reader(Path file) throws IOException {
        return DreamTables.open(file);
    }

    private static String abbreviate(String text) {
        return DreamTables.abbreviate(text);
    }
}
