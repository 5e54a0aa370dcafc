package org.regbert.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.regbert.finetune.LeakageShards;
import org.regbert.finetune.SignalShards;
import org.regbert.finetune.Stages;
import org.regbert.metrics.Predictions;
import org.regbert.metrics.PredictionsFile;

/**
 * A model fine-tuned with {@code --feature signal} (bigWig signal as task features) is scored by
 * evaluate from the shards: the features are rebuilt from the shards' signal array as the model's
 * task.json says, so evaluate's test scores are finetune's own.
 */
class EvaluateSignalTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path dir;
    private static Path model;

    @BeforeAll
    static void fineTune() throws Exception {
        dir = Stages.tempDir("regbert-evaluate-signal-");
        model = dir.resolve("ft-signal");
        ok(Stages.run(new FinetuneCommand(), args("--from-scratch", "--shards", SignalShards.shards(), "--task", "dhs",
                "--feature", "signal", "--max-steps", 2, "--batch-size", 16, "--device", "cpu", "--quiet", "--output",
                model)));
    }

    @Test
    void evaluateRebuildsTheSignalFeaturesFromTheShards() throws Exception {
        Path out = dir.resolve("report");
        ok(Stages.run(new EvaluateCommand(), args("--model", "signal=" + model, "--shards", SignalShards.shards(),
                "--bootstrap", 0, "--quiet", "--output", out)));
        JsonNode task = JSON.readTree(out.resolve("report.json").toFile()).path("tasks").get(0);
        assertEquals("dhs", task.path("task").asText());
        assertEquals("signal", task.path("models").get(0).path("model").asText());
        Predictions evaluated = PredictionsFile.read(out.resolve("predictions/signal/dhs.DHS.npz")).select(2);
        Predictions finetuned = PredictionsFile.read(model.resolve("predictions/dhs.DHS.npz")).select(2);
        assertTrue(evaluated.windows() > 50, "test windows: " + evaluated.windows());
        assertEquals(null, evaluated.windowMismatch(finetuned));
        assertArrayEquals(finetuned.scores(), evaluated.scores(), 1e-5f);
    }

    @Test
    void shardsWithoutTheSignalArrayAreRefused() throws Exception {
        Path out = dir.resolve("refused");
        Stages.Run run = Stages.run(new EvaluateCommand(), args("--model", "signal=" + model, "--shards",
                LeakageShards.labelled(), "--bootstrap", 0, "--quiet", "--output", out));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("has no 'signal' array") && run.stderr().contains("align --signal"),
                run.stderr());
        assertFalse(Files.exists(out), "no report");
    }
}
