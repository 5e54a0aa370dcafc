package org.regbert.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.regbert.finetune.PretrainingOverlap;

/**
 * The leakage check in the report: per model, its scored windows' overlap with the windows its
 * encoder was pre-trained on ({@code "models": [{"model", "pretrainingOverlap"}]} in report.json,
 * one line per model in report.html). The metrics library writes the rest of the report.
 */
final class OverlapSection {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OverlapSection() {
    }

    /** report.json: the metrics library's report with the models section added. */
    static byte[] json(ObjectNode report, Map<String, PretrainingOverlap> overlaps) throws IOException {
        ArrayNode models = report.putArray("models");
        overlaps.forEach((name, overlap) -> {
            ObjectNode m = models.addObject();
            m.put("model", name);
            m.set("pretrainingOverlap", JSON.valueToTree(overlap.toJson()));
        });
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report);
    }

    /** report.html: one line per model. */
    static List<String> htmlNotes(Map<String, PretrainingOverlap> overlaps) {
        List<String> lines = new ArrayList<>();
        overlaps.forEach((name, overlap) -> lines.add(name + ": " + overlap.describe()));
        return lines;
    }
}
