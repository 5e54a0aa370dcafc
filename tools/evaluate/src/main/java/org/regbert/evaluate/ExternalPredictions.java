package org.regbert.evaluate;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.common.BadInputException;
import org.regbert.metrics.DreamSubmission;
import org.regbert.metrics.Predictions;

/**
 * One {@code --predictions NAME=FILE}: another tool's scores in ENCODE-DREAM submission format,
 * joined to the windows the report evaluates so they enter it as one more model row.
 */
record ExternalPredictions(String name, Path file) {

    static ExternalPredictions parse(String value) {
        int eq = value.indexOf('=');
        if (eq <= 0 || eq == value.length() - 1) {
            throw new BadInputException("--predictions " + value + ": expected NAME=FILE (a DREAM submission:"
                    + " chr, start, stop, probability)");
        }
        String name = value.substring(0, eq);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.+-]*")) {
            throw new BadInputException("--predictions " + value + ": names are letters, digits, '_', '.', '+', '-'");
        }
        return new ExternalPredictions(name, Path.of(value.substring(eq + 1)));
    }

    /** What a join found, for the report's inputs and the progress line. */
    record Joined(Predictions predictions, long lines, long unmatched) {
    }

    /**
     * The submission's scores on the evaluated windows of the report's binary task: the windows
     * of {@code split} (all when negative) of the models' predictions. Every window with a label
     * needs a line; lines for other bins are counted and ignored.
     *
     * @throws BadInputException when the report has no binary task or several, or the file lacks
     *     a window or is malformed
     */
    Joined join(List<Predictions> models, int split) {
        Map<String, Predictions> binary = new LinkedHashMap<>();
        for (Predictions p : models) {
            if (p.kind() == Predictions.Kind.BINARY) {
                binary.putIfAbsent(p.task() + "/" + p.cellType(), p);
            }
        }
        if (binary.size() != 1) {
            throw new BadInputException("--predictions " + name + "=" + file + ": a DREAM submission scores one binary"
                    + " task, but the models predict " + (binary.isEmpty() ? "none" : String.join(", ", binary.keySet())));
        }
        Predictions windows = binary.values().iterator().next().select(split);
        int n = windows.windows();
        List<String> contigs = new java.util.ArrayList<>(n);
        boolean[] needed = new boolean[n];
        for (int i = 0; i < n; i++) {
            contigs.add(windows.contigNames().get(windows.contig()[i]));
            needed[i] = windows.labels()[i] >= 0;
        }
        DreamSubmission.Joined joined = DreamSubmission.join(file, contigs, windows.start(), windows.end(), needed);
        Predictions scored = new Predictions(windows.task(), windows.cellType(), name, Predictions.Kind.BINARY,
                windows.classNames(), 1, joined.scores(), windows.labels(), null, windows.split(), windows.contig(),
                windows.contigNames(), windows.start(), windows.end(), windows.coordinates());
        return new Joined(scored, joined.lines(), joined.unmatched());
    }
}
