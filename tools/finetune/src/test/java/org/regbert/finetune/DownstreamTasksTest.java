package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import ai.djl.inference.Predictor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.regbert.metrics.BinaryMetrics;
import org.regbert.metrics.MulticlassMetrics;
import org.regbert.metrics.Predictions;
import org.regbert.metrics.PredictionsFile;

/**
 * The downstream tasks on real kit data, each trained for real (tiny model, a few dozen
 * steps on 2 cores) and asserted well above chance on held-out windows.
 */
class DownstreamTasksTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void promoterClassificationOnChr20BeatsChanceAndIsComparedWithAKmerBaseline() throws Exception {
        Path shards = KitShards.promoter();
        Path out = Stages.tempDir("regbert-ft-promoter-").resolve("run");
        ok(Stages.finetune(args("--from-scratch", "--shards", shards, "--task", "promoter", "--max-steps", 60,
                "--eval-every", 20, "--lr", "1e-3", "--quiet", "--output", out)));
        JsonNode summary = JSON.readTree(out.resolve("finetune-summary.json").toFile());
        double auroc = summary.path("test").path("auroc").asDouble();
        double baseline = KmerBaseline.testAuroc(shards, "promoter");
        System.err.printf("promoter chr20 (test 20:50-54 Mb, %d windows): tiny EBERT from scratch auROC %.3f;"
                + " 3-mer logistic regression auROC %.3f%n", summary.path("test").path("windows").asInt(), auroc, baseline);
        assertTrue(auroc > 0.70, "promoter test auROC " + auroc);
        assertTrue(baseline > 0.60, "3-mer baseline auROC " + baseline);

        // The predictions file is what the model predicts for those windows, and evaluate can read it.
        Predictions saved = PredictionsFile.read(out.resolve("predictions/promoter.DHS.npz"));
        assertEquals("DHS", saved.cellType());
        assertEquals(Predictions.Coordinates.GENOME, saved.coordinates(), "tiled chr20: genomic blocks in evaluate");
        Predictions test = saved.select(2);
        assertEquals(summary.path("test").path("windows").asInt(), test.windows());
        assertEquals(auroc, BinaryMetrics.compute(test.scores(), test.labels(), 0.5).auroc(), 1e-5);
        try (FinetunedModel model = FinetunedModel.load(out);
                ShardInputs inputs = new ShardInputs(shards, model.spec(), model.encoder())) {
            TaskPlan plan = TaskPlan.forEvaluation(model.spec(), inputs);
            int[] first = java.util.Arrays.copyOf(plan.test(), 8);
            try (Predictor<InputBatch, float[][]> predictor = model.newPredictor()) {
                float[][] again = predictor.predict(plan.inputs(inputs, first));
                for (int i = 0; i < first.length; i++) {
                    assertEquals(test.scores()[i], again[i][0], 1e-5, "window " + i);
                }
            }
        }
        assertTrue(Files.readString(out.resolve("model-card.md")).contains("promoter"));
        assertTrue(Files.readAllLines(out.resolve("metrics.jsonl")).stream().anyMatch(l -> l.contains("\"eval\"")));
    }

    @Test
    void spliceDonorsAndAcceptorsFromGencodeIntrons() throws Exception {
        Path out = Stages.tempDir("regbert-ft-splice-").resolve("run");
        ok(Stages.finetune(args("--from-scratch", "--shards", KitShards.splice(), "--task", "splice", "--max-steps", 60,
                "--eval-every", 30, "--lr", "1e-3", "--quiet", "--output", out)));
        JsonNode task = JSON.readTree(out.resolve("model/task.json").toFile());
        assertEquals("multiclass", task.path("head").asText().toLowerCase());
        assertEquals(List.of("neither", "donor", "acceptor"),
                JSON.convertValue(task.path("classNames"), List.class));
        Predictions saved = PredictionsFile.read(out.resolve("predictions/splice.npz")).select(2);
        MulticlassMetrics m = MulticlassMetrics.compute(saved.scores(), 3, saved.labels(), 0.5);
        System.err.printf("splice chr20 test: macro auROC %.3f, accuracy %.3f over %d windows%n", m.macroAuroc(),
                m.accuracy(), m.windows());
        assertTrue(m.macroAuroc() > 0.6, "splice macro auROC " + m.macroAuroc());
    }

    @Test
    void tfBindingOct4VersusMafkFromFastaRecords() throws Exception {
        Path out = Stages.tempDir("regbert-ft-tfbs-").resolve("run");
        ok(Stages.finetune(args("--from-scratch", "--shards", KitShards.janggu(), "--task", "oct4", "--max-steps", 60,
                "--eval-every", 30, "--lr", "1e-3", "--pooling", "mean", "--quiet", "--output", out)));
        JsonNode summary = JSON.readTree(out.resolve("finetune-summary.json").toFile());
        double auroc = summary.path("test").path("auroc").asDouble();
        System.err.printf("janggu Oct4 vs Mafk (200 test records): auROC %.3f, auPRC %.3f%n", auroc,
                summary.path("test").path("auprc").asDouble());
        assertEquals(200, summary.path("test").path("windows").asInt());
        // Windows of FASTA records have no genomic position: evaluate resamples records instead of blocks.
        try (var files = Files.list(out.resolve("predictions"))) {
            for (Path file : files.toList()) {
                assertEquals(Predictions.Coordinates.FASTA_RECORDS, PredictionsFile.read(file).coordinates(), file.toString());
            }
        }
        assertTrue(auroc > 0.75, "Oct4/Mafk test auROC " + auroc);
    }
}
