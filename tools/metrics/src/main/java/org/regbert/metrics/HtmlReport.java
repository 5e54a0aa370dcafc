package org.regbert.metrics;

import static org.regbert.metrics.SvgPlot.escape;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as one self-contained HTML page: per task and cell type a metrics table with
 * bootstrap intervals, the model comparison (difference, paired interval, p-value) and the ROC and
 * PR charts inline as SVG. No JavaScript, no external CSS or fonts, so it opens offline and in
 * Galaxy's sandboxed viewer.
 */
public final class HtmlReport {
    private static final String STYLE = """
            body{font-family:Helvetica,Arial,sans-serif;margin:24px;color:#222;max-width:1150px}
            h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:32px;border-bottom:1px solid #ccc}
            h3{font-size:14px;margin:18px 0 6px}
            table{border-collapse:collapse;font-size:13px;margin:6px 0}
            th,td{border:1px solid #d0d0d0;padding:4px 8px;text-align:right}
            th{background:#f2f2f2}td.name,th.name{text-align:left}
            .ci{color:#666;font-size:11px}.better{color:#1a7f37}.worse{color:#b42318}
            .meta{color:#555;font-size:13px}.figs{display:flex;flex-wrap:wrap;gap:12px}
            .note{color:#555;font-size:12px}.swatch{display:inline-block;width:10px;height:10px;margin-right:5px}
            """;

    private HtmlReport() {
    }

    public static void write(EvaluationReport report, Path file) throws IOException {
        Files.writeString(file, render(report));
    }

    /** With {@code notes}: lines the caller adds under the inputs (evaluate: each model's pre-training overlap). */
    public static void write(EvaluationReport report, Path file, List<String> notes) throws IOException {
        Files.writeString(file, render(report, notes));
    }

    public static String render(EvaluationReport report) {
        return render(report, List.of());
    }

    public static String render(EvaluationReport report, List<String> notes) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>regbert evaluate report</title><style>").append(STYLE).append("</style></head><body>\n");
        h.append("<h1>regbert evaluate</h1>\n<p class=\"meta\">");
        Evaluator.Settings s = report.settings();
        h.append("split: ").append(splitName(s.split())).append(" · decision threshold ").append(num(s.threshold()))
                .append(" · ").append(s.bootstrap().iterations()).append(" bootstrap resamples, ")
                .append(Math.round(s.bootstrap().level() * 100)).append("% percentile intervals, seed ")
                .append(s.bootstrap().seed()).append(" · regbert ").append(escape(report.version())).append(" · ")
                .append(escape(report.created())).append("</p>\n");
        if (!report.inputs().isEmpty()) {
            h.append("<p class=\"note\">inputs: ").append(escape(String.join(", ", report.inputs()))).append("</p>\n");
        }
        for (String note : notes) {
            h.append("<p class=\"note\">").append(escape(note)).append("</p>\n");
        }
        for (TaskResult task : report.tasks()) {
            task(h, task);
        }
        h.append("<p class=\"note\">auROC: trapezoid area = Mann–Whitney U/(P·N), ties ½. auPRC: the Davis–Goadrich "
                + "interpolated area under the precision-recall curve, as the ENCODE-DREAM challenge scored it (R PRROC's "
                + "auc.davis.goadrich). Average precision: the area under the step-wise curve (scikit-learn's "
                + "average_precision_score; the PR charts draw this step curve). Recall at FDR q: the largest recall "
                + "among thresholds with 1 − precision ≤ q (DREAM's recall_at_fdr). Intervals: percentile bootstrap "
                + "over contiguous genomic blocks, drawn with replacement within each held-out contig (FASTA records "
                + "when the windows have no genomic position). p: two-sided paired bootstrap p-value of the "
                + "difference, all models on the same resamples.</p>\n");
        return h.append("</body></html>\n").toString();
    }

    private static void task(StringBuilder h, TaskResult task) {
        h.append("<h2>").append(escape(task.task())).append(" · ").append(escape(task.cellType())).append(" <span class=\"meta\">(")
                .append(task.kind().id()).append(")</span></h2>\n");
        counts(h, task);
        metricsTable(h, task);
        if (!task.comparisons().isEmpty()) {
            comparisonTable(h, task);
        }
        undefined(h, task);
        List<ReportFigures.Figure> figures = ReportFigures.of(task);
        if (!figures.isEmpty()) {
            h.append("<div class=\"figs\">\n");
            for (ReportFigures.Figure figure : figures) {
                h.append(figure.svg());
            }
            h.append("</div>\n");
        }
        for (ModelResult m : task.models()) {
            if (m.multiclass() != null) {
                confusion(h, task, m);
            }
        }
    }

    /** The header line: windows scored by class, windows left out and why, and the bootstrap's units. */
    private static void counts(StringBuilder h, TaskResult task) {
        ClassCounts c = task.counts();
        h.append("<p class=\"meta\">").append(task.windows()).append(" windows: ").append(c.scored()).append(" scored");
        switch (task.kind()) {
            case BINARY -> h.append(" (").append(c.perClass()[1]).append(" positive, ").append(c.perClass()[0])
                    .append(" negative)");
            case MULTICLASS -> {
                h.append(" (");
                for (int k = 0; k < c.perClass().length; k++) {
                    h.append(k == 0 ? "" : ", ").append(c.perClass()[k]).append(' ')
                            .append(escape(ReportFigures.className(task, k)));
                }
                h.append(')');
            }
            case REGRESSION -> {
                // No classes.
            }
        }
        h.append("; excluded: ").append(c.ambiguous()).append(" ambiguous, ").append(c.notSampled()).append(" not sampled");
        if (c.otherExcluded() > 0) {
            h.append(", ").append(c.otherExcluded()).append(task.kind() == Predictions.Kind.REGRESSION
                    ? " without a finite target" : " with another negative label");
        }
        h.append(" · bootstrap unit: ").append(escape(task.bootstrapUnit())).append(" (").append(task.bootstrapBlocks());
        if (task.bootstrapUnit().endsWith("genomic blocks")) {
            h.append(" blocks, drawn within each of ").append(task.bootstrapStrata())
                    .append(task.bootstrapStrata() == 1 ? " held-out contig" : " held-out contigs");
        }
        h.append(")</p>\n");
        if (task.bootstrapBlocks() < 10) {
            h.append("<p class=\"note\">Only ").append(task.bootstrapBlocks()).append(task.bootstrapBlocks() == 1
                    ? " unit was" : " units were").append(" resampled: the intervals are coarse (a contig with one block "
                    + "adds no variation). Smaller blocks (--bootstrap-block) give more units, but more correlated ones.</p>\n");
        }
    }

    private static void metricsTable(StringBuilder h, TaskResult task) {
        h.append("<h3>Metrics</h3>\n<table><tr><th class=\"name\">model</th>");
        for (String metric : task.models().get(0).headline().keySet()) {
            h.append("<th>").append(label(metric)).append("</th>");
        }
        h.append("</tr>\n");
        for (int i = 0; i < task.models().size(); i++) {
            ModelResult m = task.models().get(i);
            h.append("<tr><td class=\"name\"><span class=\"swatch\" style=\"background:")
                    .append(SvgPlot.PALETTE[i % SvgPlot.PALETTE.length]).append("\"></span>").append(escape(m.model()))
                    .append(i == 0 && task.models().size() > 1 ? " <span class=\"ci\">(baseline)</span>" : "")
                    .append("</td>");
            for (Map.Entry<String, Double> e : m.headline().entrySet()) {
                h.append("<td>").append(num(e.getValue()));
                ConfidenceInterval ci = m.intervals().get(e.getKey());
                if (ci != null) {
                    h.append("<br><span class=\"ci\">[").append(num(ci.lower())).append(", ").append(num(ci.upper()))
                            .append("]</span>");
                }
                h.append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void comparisonTable(StringBuilder h, TaskResult task) {
        h.append("<h3>Paired comparisons (model − baseline on the same windows, paired bootstrap)</h3>\n"
                        + "<table><tr><th class=\"name\">model</th><th class=\"name\">baseline</th>"
                        + "<th class=\"name\">metric</th><th>baseline</th><th>model</th><th>difference</th>"
                        + "<th>interval</th><th>p</th></tr>\n");
        for (Comparison c : task.comparisons()) {
            PairedDifference d = c.difference();
            boolean significant = d.lower() > 0 || d.upper() < 0;
            String css = !significant ? "" : d.estimate() > 0 ? " class=\"better\"" : " class=\"worse\"";
            h.append("<tr><td class=\"name\">").append(escape(c.model())).append("</td><td class=\"name\">")
                    .append(escape(c.baseline())).append("</td><td class=\"name\">")
                    .append(label(c.metric())).append("</td><td>").append(num(c.baselineValue())).append("</td><td>")
                    .append(num(c.modelValue())).append("</td><td").append(css).append('>')
                    .append(signed(d.estimate())).append("</td><td>[").append(signed(d.lower())).append(", ")
                    .append(signed(d.upper())).append("]</td><td>").append(pValue(d)).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void undefined(StringBuilder h, TaskResult task) {
        for (ModelResult m : task.models()) {
            List<BinaryMetrics> all = m.binary() != null ? List.of(m.binary())
                    : m.multiclass() != null ? m.multiclass().perClass() : List.of();
            for (int c = 0; c < all.size(); c++) {
                if (all.get(c).undefinedReason() != null) {
                    h.append("<p class=\"note\">").append(escape(m.model()))
                            .append(all.size() > 1 ? " · " + escape(ReportFigures.className(task, c)) : "").append(": ranking metrics undefined, ")
                            .append(escape(all.get(c).undefinedReason())).append(".</p>\n");
                }
            }
        }
    }

    private static void confusion(StringBuilder h, TaskResult task, ModelResult m) {
        long[][] confusion = m.multiclass().confusion();
        h.append("<h3>Confusion matrix · ").append(escape(m.model()))
                .append(" <span class=\"ci\">(rows: label, columns: arg-max class)</span></h3>\n<table><tr><th></th>");
        for (int c = 0; c < confusion.length; c++) {
            h.append("<th>").append(escape(ReportFigures.className(task, c))).append("</th>");
        }
        h.append("</tr>\n");
        for (int r = 0; r < confusion.length; r++) {
            h.append("<tr><th>").append(escape(ReportFigures.className(task, r))).append("</th>");
            for (long v : confusion[r]) {
                h.append("<td>").append(v).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static String label(String metric) {
        return switch (metric) {
            case "auroc" -> "auROC";
            case "auprc" -> "auPRC (Davis–Goadrich, as ENCODE-DREAM)";
            case "averagePrecision" -> "average precision";
            case "recallAtFdr10" -> "recall at 10% FDR";
            case "recallAtFdr50" -> "recall at 50% FDR";
            case "f1" -> "F1";
            case "mcc" -> "MCC";
            case "macroAuroc" -> "macro auROC";
            case "macroAuprc" -> "macro auPRC (Davis–Goadrich)";
            case "macroAveragePrecision" -> "macro average precision";
            case "macroF1" -> "macro F1";
            case "pearson" -> "Pearson r";
            case "spearman" -> "Spearman ρ";
            default -> escape(metric);
        };
    }

    private static String splitName(int split) {
        return switch (split) {
            case 0 -> "train";
            case 1 -> "validation";
            case 2 -> "test";
            default -> "all windows";
        };
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String signed(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%+.4f", v);
    }

    private static String pValue(PairedDifference d) {
        if (Double.isNaN(d.pValue())) {
            return "n/a";
        }
        // With R resamples the smallest p a bootstrap can show is about 1/R.
        return d.pValue() == 0 ? "&lt; " + num(1.0 / Math.max(1, d.replicates())) : num(d.pValue());
    }
}
