package org.regbert.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The report as JSON ({@code evaluate-report.json}). Undefined values (NaN) are written as
 * {@code null}, never as the non-standard {@code NaN} token, so every JSON parser reads it; curves
 * are thinned to at most {@link #CURVE_POINTS} points each.
 */
public final class JsonReport {
    public static final String FORMAT = "regbert-evaluate-report";
    /** 2: {@code auprc} is the Davis–Goadrich area (was average precision, now {@code averagePrecision}); block bootstrap; class counts. */
    public static final int FORMAT_VERSION = 2;
    public static final int CURVE_POINTS = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonReport() {
    }

    public static void write(EvaluationReport report, Path file) throws IOException {
        Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(report)));
    }

    public static ObjectNode toJson(EvaluationReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT).put("formatVersion", FORMAT_VERSION).put("version", report.version())
                .put("created", report.created());
        ObjectNode settings = root.putObject("settings");
        settings.put("split", report.settings().split());
        number(settings, "threshold", report.settings().threshold());
        settings.put("bootstrapIterations", report.settings().bootstrap().iterations())
                .put("bootstrapSeed", report.settings().bootstrap().seed())
                .put("bootstrapBlockBases", report.settings().bootstrap().blockBases());
        number(settings, "confidenceLevel", report.settings().bootstrap().level());
        report.inputs().forEach(root.putArray("inputs")::add);
        ArrayNode tasks = root.putArray("tasks");
        for (TaskResult task : report.tasks()) {
            ObjectNode t = tasks.addObject();
            t.put("task", task.task()).put("cellType", task.cellType()).put("kind", task.kind().id());
            task.classNames().forEach(t.putArray("classNames")::add);
            t
                    .put("windows", task.windows()).put("excluded", task.excluded())
                    .put("bootstrapUnit", task.bootstrapUnit()).put("bootstrapBlocks", task.bootstrapBlocks())
                    .put("bootstrapStrata", task.bootstrapStrata());
            classCounts(t.putObject("classCounts"), task);
            ArrayNode models = t.putArray("models");
            for (ModelResult model : task.models()) {
                models.add(model(model));
            }
            ArrayNode comparisons = t.putArray("comparisons");
            for (Comparison c : task.comparisons()) {
                ObjectNode node = comparisons.addObject();
                node.put("metric", c.metric()).put("baseline", c.baseline()).put("model", c.model());
                number(node, "baselineValue", c.baselineValue());
                number(node, "modelValue", c.modelValue());
                PairedDifference d = c.difference();
                number(node, "difference", d.estimate());
                number(node, "lower", d.lower());
                number(node, "upper", d.upper());
                number(node, "pValue", d.pValue());
                node.put("replicates", d.replicates());
            }
        }
        return root;
    }

    /** Scored windows by class and the windows left out, by reason. */
    private static void classCounts(ObjectNode node, TaskResult task) {
        ClassCounts c = task.counts();
        node.put("scored", c.scored());
        switch (task.kind()) {
            case BINARY -> node.put("positives", c.perClass()[1]).put("negatives", c.perClass()[0]);
            case MULTICLASS -> {
                ObjectNode perClass = node.putObject("perClass");
                for (int k = 0; k < c.perClass().length; k++) {
                    perClass.put(k < task.classNames().size() ? task.classNames().get(k) : "class " + k, c.perClass()[k]);
                }
            }
            case REGRESSION -> {
                // No classes: scored windows only.
            }
        }
        node.put("ambiguousExcluded", c.ambiguous()).put("notSampledExcluded", c.notSampled())
                .put("otherExcluded", c.otherExcluded());
    }

    private static ObjectNode model(ModelResult model) {
        ObjectNode m = JSON.createObjectNode();
        m.put("model", model.model());
        ObjectNode metrics = m.putObject("metrics");
        for (Map.Entry<String, Double> e : model.headline().entrySet()) {
            number(metrics, e.getKey(), e.getValue());
        }
        ObjectNode intervals = m.putObject("intervals");
        model.intervals().forEach((name, ci) -> {
            ObjectNode node = intervals.putObject(name);
            number(node, "lower", ci.lower());
            number(node, "upper", ci.upper());
            number(node, "level", ci.level());
            node.put("replicates", ci.replicates()).put("iterations", ci.iterations());
        });
        if (model.binary() != null) {
            binary(m.putObject("binary"), model.binary());
        }
        if (model.multiclass() != null) {
            MulticlassMetrics mc = model.multiclass();
            ObjectNode node = m.putObject("multiclass");
            node.put("windows", mc.windows()).put("excluded", mc.excluded());
            ArrayNode confusion = node.putArray("confusion");
            for (long[] row : mc.confusion()) {
                ArrayNode r = confusion.addArray();
                for (long v : row) {
                    r.add(v);
                }
            }
            ArrayNode perClass = node.putArray("perClass");
            for (BinaryMetrics b : mc.perClass()) {
                binary(perClass.addObject(), b);
            }
        }
        if (model.regression() != null) {
            m.putObject("regression").put("windows", model.regression().windows());
        }
        return m;
    }

    private static void binary(ObjectNode node, BinaryMetrics b) {
        node.put("windows", b.windows()).put("excluded", b.excluded()).put("positives", b.positives())
                .put("negatives", b.negatives());
        number(node, "auroc", b.auroc());
        number(node, "auprc", b.auprc());
        number(node, "averagePrecision", b.averagePrecision());
        number(node, "recallAtFdr10", b.recallAtFdr10());
        number(node, "recallAtFdr50", b.recallAtFdr50());
        number(node, "threshold", b.threshold());
        number(node, "accuracy", b.accuracy());
        number(node, "precision", b.precision());
        number(node, "recall", b.recall());
        number(node, "f1", b.f1());
        number(node, "mcc", b.mcc());
        if (b.undefinedReason() != null) {
            node.put("undefinedReason", b.undefinedReason());
        }
        curve(node.putObject("roc"), b.roc().thinned(CURVE_POINTS), "fpr", "tpr");
        curve(node.putObject("pr"), b.pr().thinned(CURVE_POINTS), "recall", "precision");
    }

    private static void curve(ObjectNode node, Curve curve, String x, String y) {
        ArrayNode xs = node.putArray(x);
        ArrayNode ys = node.putArray(y);
        ArrayNode ts = node.putArray("threshold");
        for (int i = 0; i < curve.size(); i++) {
            add(xs, curve.x()[i]);
            add(ys, curve.y()[i]);
            add(ts, curve.thresholds()[i]);
        }
    }

    private static void number(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }

    private static void add(ArrayNode array, double value) {
        if (Double.isFinite(value)) {
            array.add(value);
        } else {
            array.addNull();
        }
    }
}
