package org.regbert.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.regbert.finetune.Stages;
import org.regbert.common.TestTrees;

/**
 * evaluate --shards on the very shards a model was fine-tuned on reads the predictions finetune
 * wrote (the same SHA-256, which coreutils computes here independently) and reports what
 * --repredict reports; shards that differ in one label window are predicted again.
 */
class EvaluateSavedPredictionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSameShardsAreReadAndOtherShardsArePredicted() throws Exception {
        Path dir = Stages.tempDir("regbert-evaluate-saved-");
        String digest = sha256sum(TinyModel.shards());
        JsonNode summary = JSON.readTree(TinyModel.model().resolve("finetune-summary.json").toFile());
        assertEquals(digest, summary.path("predictedShards").path("sha256").asText(), summary.toString());

        Path read = dir.resolve("read");
        Stages.Run reading = Stages.run(new EvaluateCommand(), args("--model", "m=" + TinyModel.model(), "--shards",
                TinyModel.shards(), "--bootstrap", 50, "--output", read));
        ok(reading);
        assertTrue(reading.stderr().contains("m: reading the predictions its finetune run made on these same shards"
                + " (sha256 " + digest + ")"), reading.stderr());
        assertFalse(reading.stderr().contains("predicting with"), reading.stderr());
        Path predicted = dir.resolve("predicted");
        Stages.Run predicting = Stages.run(new EvaluateCommand(), args("--model", "m=" + TinyModel.model(),
                "--shards", TinyModel.shards(), "--repredict", "--bootstrap", 50, "--output", predicted));
        ok(predicting);
        assertTrue(predicting.stderr().contains("evaluate: predicting with m"), predicting.stderr());
        JsonNode a = JSON.readTree(read.resolve("report.json").toFile());
        JsonNode b = JSON.readTree(predicted.resolve("report.json").toFile());
        assertEquals(b.path("tasks").toString(), a.path("tasks").toString(), "the same windows, scores and figures");
        assertTrue(a.path("inputs").get(0).asText().endsWith("(read: the predictions its finetune run made on these"
                + " shards, sha256 " + digest + ")"), a.path("inputs").toString());
        assertFalse(b.path("inputs").get(0).asText().contains("(read:"), b.path("inputs").toString());

        // The same tokens labelled from sites one base shorter: other shards, so the model predicts.
        StringBuilder sites = new StringBuilder();
        for (String contig : new String[] {"chrA", "chrV", "chrT"}) {
            int kilobases = contig.equals("chrA") ? 20 : contig.equals("chrV") ? 4 : 12;
            for (int kb = 0; kb < kilobases; kb++) {
                sites.append(contig).append('\t').append(kb * 1000 + 351).append('\t').append(kb * 1000 + 650)
                        .append('\n');
            }
        }
        Path bed = Files.writeString(dir.resolve("sites-shifted.bed"), sites);
        Path other = dir.resolve("aligned-shifted");
        ok(Stages.align(args("--shards", TinyModel.tokens(), "--labels", "site=" + bed, "--valid", "chrV", "--test",
                "chrT", "--quiet", "--output", other)));
        assertFalse(sha256sum(other).equals(digest), "the shifted labels change the shards");
        Stages.Run elsewhere = Stages.run(new EvaluateCommand(), args("--model", "m=" + TinyModel.model(),
                "--shards", other, "--bootstrap", 0, "--output", dir.resolve("elsewhere")));
        ok(elsewhere);
        assertTrue(elsewhere.stderr().contains("evaluate: predicting with m"), elsewhere.stderr());
        assertFalse(elsewhere.stderr().contains("reading the predictions"), elsewhere.stderr());
    }

    @Test
    void aModelWhoseSummaryCannotBeReadPredicts() throws Exception {
        Path dir = Stages.tempDir("regbert-evaluate-saved-unreadable-");
        Path model = TestTrees.copy(TinyModel.model(), dir.resolve("model"));
        Files.writeString(model.resolve("finetune-summary.json"), "{\"predictedShards\": {\"sha256\": ");
        Stages.Run run = Stages.run(new EvaluateCommand(), args("--model", "m=" + model, "--shards", TinyModel.shards(),
                "--bootstrap", 0, "--output", dir.resolve("report")));
        ok(run);
        assertTrue(run.stderr().contains("evaluate: predicting with m"), run.stderr());
    }

    @Test
    void repredictWithoutShardsIsABadUsage() throws Exception {
        Path out = Stages.tempDir("regbert-evaluate-repredict-").resolve("report");
        Stages.Run run = Stages.run(new EvaluateCommand(), args("--model", "m=" + TinyModel.model(), "--repredict",
                "--output", out));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("--repredict needs --shards"), run.stderr());
        assertFalse(Files.exists(out));
    }

    /** {@code sha256sum shard-*.npz | sha256sum} in the folder: coreutils, not regbert. */
    private static String sha256sum(Path shards) throws Exception {
        Process process = new ProcessBuilder("sh", "-c", "sha256sum shard-*.npz | sha256sum").directory(shards.toFile())
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), out);
        return out.split("\\s+")[0];
    }
}
