package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.regbert.metrics.Predictions;
import org.regbert.metrics.PredictionsFile;

/**
 * The options the issue names besides the plain binary head: task features, cross-cell-type
 * transfer, multi-label and regression heads, balanced sampling. Short real runs (chr20 slice);
 * the assertions are on what each option must change in the model and its outputs.
 */
class HeadsAndCellTypesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void heldOutCellTypeWithAccessibilityFeature() throws Exception {
        Path out = Stages.tempDir("regbert-ft-cells-").resolve("run");
        ok(Stages.finetune(args("--from-scratch", "--shards", KitShards.twoCellTypes(), "--task", "promoter", "--feature",
                "peaks", "--test-cell-types", "B", "--balance", "sample", "--max-steps", 12, "--eval-every", 6,
                "--quiet", "--output", out)));
        JsonNode task = JSON.readTree(out.resolve("model/task.json").toFile());
        assertEquals(List.of("A"), JSON.convertValue(task.path("trainCellTypes"), List.class));
        assertEquals(List.of("B"), JSON.convertValue(task.path("testCellTypes"), List.class));
        assertEquals(List.of("peaks"), JSON.convertValue(task.path("featureNames"), List.class));
        assertTrue(task.path("perCellTypeLabels").asBoolean());
        // Validation stays in the training cell type; the test is the held-out one only.
        Predictions a = PredictionsFile.read(out.resolve("predictions/promoter.A.npz"));
        Predictions b = PredictionsFile.read(out.resolve("predictions/promoter.B.npz"));
        assertEquals(0, a.select(2).windows());
        assertEquals(b.windows(), b.select(2).windows());
        assertTrue(b.windows() > 10, "held-out windows: " + b.windows());
        JsonNode plan = JSON.readTree(out.resolve("task-plan.json").toFile());
        assertEquals("sample", plan.path("balance").asText());
        // The head reads the pooled vector plus one feature column.
        try (FinetunedModel model = FinetunedModel.load(out)) {
            long inputs = model.block().head().getParameters().get(0).getValue().getArray().getShape().get(1);
            assertEquals(model.encoder().hiddenSize() + 1, inputs);
        }
    }

    @Test
    void multiLabelHeadPredictsEveryTaskAndMasksUnknownLabels() throws Exception {
        Path out = Stages.tempDir("regbert-ft-multi-").resolve("run");
        ok(Stages.finetune(args("--from-scratch", "--shards", KitShards.promoterAndDhs(), "--task", "promoter,dhs",
                "--max-steps", 12, "--eval-every", 12, "--quiet", "--output", out)));
        JsonNode summary = JSON.readTree(out.resolve("finetune-summary.json").toFile());
        assertEquals("multilabel", summary.path("head").asText());
        assertNotNull(summary.path("test").get("promoter.auroc"));
        assertNotNull(summary.path("test").get("dhs.auroc"));
        Predictions promoter = PredictionsFile.read(out.resolve("predictions/promoter.npz"));
        Predictions dhs = PredictionsFile.read(out.resolve("predictions/dhs.npz"));
        assertEquals(promoter.windows(), dhs.windows());
        // align samples the training split only: the validation and test windows finetune predicted
        // carry a label for every task (unknown labels, from one task's sampling, are training-only).
        for (Predictions p : List.of(promoter, dhs)) {
            for (byte label : p.labels()) {
                assertTrue(label >= 0, p.task() + ": a held-out window without a label");
            }
        }
    }

    @Test
    void regressionHeadOnDhsLevels() throws Exception {
        Path out = Stages.tempDir("regbert-ft-regression-").resolve("run");
        ok(Stages.finetune(args("--from-scratch", "--shards", KitShards.promoterAndDhs(), "--task", "dhs", "--head",
                "regression", "--pooling", "mean", "--max-steps", 12, "--eval-every", 12, "--quiet", "--output", out)));
        JsonNode task = JSON.readTree(out.resolve("model/task.json").toFile());
        assertTrue(task.path("targetStd").asDouble() > 0.5, "MCV levels vary");
        Predictions p = PredictionsFile.read(out.resolve("predictions/dhs.npz"));
        assertEquals(Predictions.Kind.REGRESSION, p.kind());
        assertNotNull(p.targets());
        JsonNode summary = JSON.readTree(out.resolve("finetune-summary.json").toFile());
        assertTrue(summary.path("test").has("pearson"));
        assertFalse(Files.exists(out.resolve(".predictions.tmp")));
    }
}
