package org.regbert.metrics;

import java.util.List;

/**
 * Everything the {@code evaluate} stage reports: settings, provenance and one
 * {@link TaskResult} per task and cell type. Written by {@link JsonReport} and {@link HtmlReport}.
 */
public record EvaluationReport(Evaluator.Settings settings, String version, String created, List<String> inputs,
        List<TaskResult> tasks) {
}
