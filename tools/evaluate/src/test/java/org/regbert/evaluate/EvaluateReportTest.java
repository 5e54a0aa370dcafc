package org.regbert.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.regbert.finetune.FinetuneCommand;
import org.regbert.finetune.KitShards;
import org.regbert.finetune.Stages;

/**
 * The comparison users run most: a pre-trained model fine-tuned vs the same architecture
 * fine-tuned from scratch, on chr20 promoter classification (real kit data), in one report.
 */
class EvaluateReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path dir;
    private static Path pretrained;
    private static Path scratch;

    @BeforeAll
    static void trainBothModels() throws Exception {
        dir = Stages.tempDir("regbert-evaluate-");
        Path shards = KitShards.promoter();
        Path pre = dir.resolve("pretrain");
        ok(Stages.pretrain(args("--shards", shards, "--model", "ebert", "--preset", "tiny", "--steps", 150, "--quiet",
                "--output", pre)));
        pretrained = dir.resolve("pretrained");
        ok(Stages.run(new FinetuneCommand(), args("--checkpoint", pre, "--shards", shards, "--task", "promoter",
                "--max-steps", 40, "--eval-every", 20, "--lr", "1e-3", "--quiet", "--output", pretrained)));
        scratch = dir.resolve("scratch");
        ok(Stages.run(new FinetuneCommand(), args("--from-scratch", "--shards", shards, "--task", "promoter",
                "--max-steps", 40, "--eval-every", 20, "--lr", "1e-3", "--quiet", "--output", scratch)));
    }

    @Test
    void pretrainedVersusScratchInOneReport() throws Exception {
        Path out = dir.resolve("report");
        ok(Stages.run(new EvaluateCommand(), args("--model", "pretrained=" + pretrained, "--model", "scratch=" + scratch,
                "--shards", KitShards.promoter(), "--bootstrap", 200, "--output", out)));
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        JsonNode task = report.path("tasks").get(0);
        assertEquals("promoter", task.path("task").asText());
        assertEquals(2, task.path("models").size());
        for (JsonNode model : task.path("models")) {
            double auroc = model.path("metrics").path("auroc").asDouble(model.path("binary").path("auroc").asDouble());
            System.err.printf("evaluate promoter chr20 test: %s auROC %.3f%n", model.path("model").asText(), auroc);
        }
        assertTrue(task.path("comparisons").size() >= 1, "a paired comparison of the two models");
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<svg") && html.contains("pretrained") && html.contains("scratch"));
        assertTrue(Files.list(out.resolve("figures")).anyMatch(f -> f.toString().endsWith("_roc.svg")));
        assertTrue(Files.exists(out.resolve("predictions/pretrained/promoter.DHS.npz")));
    }

    @Test
    void withoutShardsTheFinetunePredictionsAreScoredAndAgree() throws Exception {
        Path fromShards = dir.resolve("again-shards");
        Path fromSaved = dir.resolve("again-saved");
        ok(Stages.run(new EvaluateCommand(), args("--model", scratch, "--shards", KitShards.promoter(), "--bootstrap", 0,
                "--quiet", "--output", fromShards)));
        ok(Stages.run(new EvaluateCommand(), args("--model", scratch, "--bootstrap", 0, "--quiet", "--output",
                fromSaved)));
        JsonNode a = JSON.readTree(fromShards.resolve("report.json").toFile()).path("tasks").get(0).path("models").get(0);
        JsonNode b = JSON.readTree(fromSaved.resolve("report.json").toFile()).path("tasks").get(0).path("models").get(0);
        assertEquals(a.toString().replaceAll("\"created\":\"[^\"]*\"", ""),
                b.toString().replaceAll("\"created\":\"[^\"]*\"", ""));
    }

    @Test
    void aModelNameTwiceIsABadUsage() throws Exception {
        Stages.Run run = Stages.run(new EvaluateCommand(), args("--model", "a=" + scratch, "--model", "a=" + pretrained,
                "--output", dir.resolve("dup")));
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("the name 'a' is taken"), run.stderr());
    }
}
