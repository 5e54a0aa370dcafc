package org.regbert.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ROC and precision-recall charts of a task, every model overlaid (one pair per class for
 * multi-class tasks; none for regression), shared by the HTML report and the standalone SVG files.
 */
public final class ReportFigures {
    /** Points per curve in a chart: enough for a smooth line, small enough for a light file. */
    static final int PLOT_POINTS = 600;

    /**
     * One chart.
     *
     * @param fileName a file-system-safe name, {@code <task>_<cell>[_<class>]_{roc,pr}.svg}
     */
    public record Figure(String fileName, String title, String svg) {
    }

    private ReportFigures() {
    }

    public static List<Figure> of(TaskResult task) {
        List<Figure> figures = new ArrayList<>();
        String base = safe(task.task()) + "_" + safe(task.cellType());
        switch (task.kind()) {
            case BINARY -> addPair(figures, base, task.task() + " · " + task.cellType(),
                    task.models().stream().map(m -> new Named(m.model(), m.binary())).toList());
            case MULTICLASS -> {
                int classes = task.models().get(0).multiclass().perClass().size();
                for (int c = 0; c < classes; c++) {
                    int cls = c;
                    String name = className(task, c);
                    addPair(figures, base + "_" + c + "-" + safe(name), task.task() + " · " + task.cellType() + " · " + name,
                            task.models().stream().map(m -> new Named(m.model(), m.multiclass().perClass().get(cls)))
                                    .toList());
                }
            }
            case REGRESSION -> {
                // Correlations only: a scatter of millions of windows says little in a report.
            }
        }
        return figures;
    }

    /** Writes every chart of every task as a standalone {@code .svg} in {@code directory}. */
    public static List<Path> writeSvgFiles(EvaluationReport report, Path directory) throws IOException {
        Files.createDirectories(directory);
        List<Path> written = new ArrayList<>();
        for (TaskResult task : report.tasks()) {
            for (Figure figure : of(task)) {
                Path file = directory.resolve(figure.fileName());
                Files.writeString(file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + figure.svg());
                written.add(file);
            }
        }
        return written;
    }

    private record Named(String model, BinaryMetrics metrics) {
    }

    private static void addPair(List<Figure> figures, String base, String title, List<Named> models) {
        List<SvgPlot.Series> roc = new ArrayList<>();
        List<SvgPlot.Series> pr = new ArrayList<>();
        for (Named n : models) {
            BinaryMetrics b = n.metrics();
            roc.add(new SvgPlot.Series(n.model() + " " + value("auROC", b.auroc()), b.roc().thinned(PLOT_POINTS), false));
            // The step curve drawn is average precision's; the legend gives both areas.
            pr.add(new SvgPlot.Series(n.model() + " " + value("auPRC", b.auprc()) + " " + value("AP", b.averagePrecision()),
                    b.pr().thinned(PLOT_POINTS), true));
        }
        BinaryMetrics first = models.get(0).metrics();
        double prevalence = first.positives() + first.negatives() == 0 ? Double.NaN
                : (double) first.positives() / (first.positives() + first.negatives());
        String rocTitle = "ROC · " + title;
        String prTitle = "Precision-recall · " + title;
        figures.add(new Figure(base + "_roc.svg", rocTitle,
                SvgPlot.render(rocTitle, "False positive rate", "True positive rate", roc, "diagonal")));
        figures.add(new Figure(base + "_pr.svg", prTitle,
                SvgPlot.render(prTitle, "Recall", "Precision", pr, Double.toString(prevalence))));
    }

    /** "donor" for class 1 of a splice task; "class 1" when the predictions name no classes. */
    static String className(TaskResult task, int c) {
        return c < task.classNames().size() ? task.classNames().get(c) : "class " + c;
    }

    private static String value(String name, double v) {
        return Double.isNaN(v) ? name + " n/a" : String.format(Locale.ROOT, "%s %.3f", name, v);
    }

    /** Letters, digits, dot, dash and underscore; anything else becomes '-'. */
    static String safe(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9._-]", "-");
        return cleaned.isEmpty() ? "-" : cleaned;
    }
}
