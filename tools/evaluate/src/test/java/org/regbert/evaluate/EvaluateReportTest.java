package org.regbert.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.regbert.metrics.Predictions;
import org.regbert.metrics.PredictionsFile;
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
        // Each fine-tuning validates once, at its last step: every validation scores all 16k validation windows.
        pretrained = dir.resolve("pretrained");
        ok(Stages.run(new FinetuneCommand(), args("--checkpoint", pre, "--shards", shards, "--task", "promoter",
                "--max-steps", 40, "--eval-every", 40, "--lr", "1e-3", "--quiet", "--output", pretrained)));
        scratch = dir.resolve("scratch");
        ok(Stages.run(new FinetuneCommand(), args("--from-scratch", "--shards", shards, "--task", "promoter",
                "--max-steps", 40, "--eval-every", 40, "--lr", "1e-3", "--quiet", "--output", scratch)));
    }

    @Test
    void pretrainedVersusScratchInOneReport() throws Exception {
        Path out = dir.resolve("report");
        // From the fine-tuning runs' saved test predictions (the next test shows they equal a re-scoring
        // of the shards; re-scoring both models here took 2.5 of this class's minutes).
        ok(Stages.run(new EvaluateCommand(), args("--model", "pretrained=" + pretrained, "--model", "scratch=" + scratch,
                "--bootstrap", 200, "--output", out)));
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
        // --repredict: on its own fine-tuning shards evaluate would read the saved predictions instead.
        ok(Stages.run(new EvaluateCommand(), args("--model", scratch, "--shards", KitShards.promoter(), "--repredict",
                "--bootstrap", 0, "--quiet", "--output", fromShards)));
        ok(Stages.run(new EvaluateCommand(), args("--model", scratch, "--bootstrap", 0, "--quiet", "--output",
                fromSaved)));
        JsonNode a = JSON.readTree(fromShards.resolve("report.json").toFile()).path("tasks").get(0).path("models").get(0);
        JsonNode b = JSON.readTree(fromSaved.resolve("report.json").toFile()).path("tasks").get(0).path("models").get(0);
        assertEquals(a.toString().replaceAll("\"created\":\"[^\"]*\"", ""),
                b.toString().replaceAll("\"created\":\"[^\"]*\"", ""));
    }

    /**
     * Another tool's ENCODE-DREAM submission is one more model row. Written here from the scratch
     * model's own test scores (in reverse order, contigs as "chr20", plus a line for a bin that is
     * not evaluated), it must score exactly as the scratch model and differ from it by 0 on every
     * resample (p = 1).
     */
    @Test
    void aDreamSubmissionIsAnotherModelRow() throws Exception {
        Predictions test = PredictionsFile.read(scratch.resolve("predictions/promoter.DHS.npz")).select(2);
        Path submission = dir.resolve("F.promoter.DHS.tab.gz");
        try (Writer out = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(submission)),
                StandardCharsets.US_ASCII)) {
            for (int i = test.windows() - 1; i >= 0; i--) {
                out.write("chr" + test.contigNames().get(test.contig()[i]) + "\t" + test.start()[i] + "\t"
                        + test.end()[i] + "\t" + test.scores()[i] + "\n");
            }
            out.write("chr21\t0\t200\t0.5\n");
        }
        Path out = dir.resolve("with-dream");
        ok(Stages.run(new EvaluateCommand(), args("--model", "scratch=" + scratch, "--predictions", "dream=" + submission,
                "--bootstrap", 100, "--bootstrap-block", "500kb", "--quiet", "--output", out)));
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        JsonNode task = report.path("tasks").get(0);
        assertEquals("500 kb genomic blocks", task.path("bootstrapUnit").asText());
        assertTrue(task.path("bootstrapBlocks").asInt() > 1, task.toString());
        assertEquals("scratch", task.path("models").get(0).path("model").asText());
        assertEquals("dream", task.path("models").get(1).path("model").asText());
        assertEquals(task.path("models").get(0).path("metrics"), task.path("models").get(1).path("metrics"));
        assertTrue(task.path("models").get(1).path("metrics").has("averagePrecision"));
        for (JsonNode comparison : task.path("comparisons")) {
            assertEquals(0.0, comparison.path("difference").asDouble(), comparison.toString());
            assertEquals(1.0, comparison.path("pValue").asDouble(), comparison.toString());
        }
        assertTrue(report.path("inputs").get(1).asText().contains("1 lines outside them ignored"),
                report.path("inputs").toString());
        assertTrue(Files.exists(out.resolve("predictions/dream/promoter.DHS.npz")));
        assertTrue(Files.readString(out.resolve("report.html")).contains("dream"));
    }

    @Test
    void aSubmissionWithoutAnEvaluatedWindowIsBadInputNamingIt() throws Exception {
        Predictions test = PredictionsFile.read(scratch.resolve("predictions/promoter.DHS.npz")).select(2);
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i < test.windows(); i++) {
            lines.append(test.contigNames().get(test.contig()[i])).append('\t').append(test.start()[i]).append('\t')
                    .append(test.end()[i]).append("\t0.5\n");
        }
        Path submission = Files.writeString(dir.resolve("short.tab"), lines);
        Stages.Run run = Stages.run(new EvaluateCommand(), args("--model", scratch, "--predictions", "other=" + submission,
                "--bootstrap", 0, "--output", dir.resolve("short-report")));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("short.tab") && run.stderr().contains(test.describe(0)), run.stderr());
        assertFalse(Files.exists(dir.resolve("short-report").resolve("report.json")));
    }

    @Test
    void aBadBlockLengthIsABadUsage() throws Exception {
        Stages.Run run = Stages.run(new EvaluateCommand(), args("--model", scratch, "--bootstrap-block", "1Gb",
                "--output", dir.resolve("bad-block")));
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("--bootstrap-block") && run.stderr().contains("1Gb"), run.stderr());
    }

    /**
     * The k-mer baseline in the same report: trained on the promoter shards' training split, scored
     * on the model's test windows, compared with the model by the paired bootstrap. A 3-mer logistic
     * regression reaches auROC 0.88 on these windows (finetune's KmerBaseline), so 0.75 is a floor
     * that a baseline reading the wrong labels or windows (auROC near 0.5) cannot pass.
     */
    @Test
    void kmerBaselineIsAModelRowComparedWithTheModel() throws Exception {
        Path out = dir.resolve("with-baseline");
        Stages.Run run = Stages.run(new EvaluateCommand(), args("--model", "pretrained=" + pretrained, "--shards",
                KitShards.promoter(), "--baseline", "kmer-lr", "--bootstrap", 200, "--output", out));
        ok(run);
        assertTrue(run.stderr().contains("kmer-lr promoter/DHS: k "), run.stderr());
        JsonNode task = JSON.readTree(out.resolve("report.json").toFile()).path("tasks").get(0);
        assertEquals(2, task.path("models").size());
        JsonNode baseline = task.path("models").get(1);
        assertEquals("kmer-lr", baseline.path("model").asText());
        double auroc = baseline.path("metrics").path("auroc").asDouble();
        System.err.printf("evaluate promoter chr20 test: kmer-lr auROC %.3f (k %d, l2 %s)%n", auroc,
                baseline.path("baseline").path("k").asInt(), baseline.path("baseline").path("l2").asText());
        assertTrue(auroc > 0.75, "kmer-lr auROC " + auroc);
        assertTrue(baseline.path("intervals").has("auroc"), "bootstrap interval on the baseline row");
        JsonNode fit = baseline.path("baseline");
        assertTrue(fit.path("k").asInt() >= 3 && fit.path("k").asInt() <= 6, fit.toString());
        assertTrue(fit.path("l2").asDouble() > 0, fit.toString());
        assertEquals("logistic regression", fit.path("model").asText());
        assertEquals("the validation split", fit.path("selection").path("on").asText());
        assertEquals(24, fit.path("selection").path("grid").size(), "k 3..6 x 6 penalties");
        boolean compared = false;
        for (JsonNode c : task.path("comparisons")) {
            compared |= c.path("baseline").asText().equals("pretrained") && c.path("model").asText().equals("kmer-lr")
                    && c.path("metric").asText().equals("auroc") && c.path("replicates").asInt() > 0;
        }
        assertTrue(compared, "a paired auROC comparison of kmer-lr with the model: " + task.path("comparisons"));
        assertTrue(Files.exists(out.resolve("predictions/kmer-lr/promoter.DHS.npz")));
        assertTrue(Files.readString(out.resolve("report.html")).contains("kmer-lr"));
    }

    @Test
    void theBaselineNeedsShardsAndAKnownName() throws Exception {
        Stages.Run noShards = Stages.run(new EvaluateCommand(), args("--model", scratch, "--baseline", "kmer-lr",
                "--output", dir.resolve("no-shards")));
        assertEquals(2, noShards.exitCode());
        assertTrue(noShards.stderr().contains("--baseline kmer-lr needs --shards"), noShards.stderr());
        Stages.Run unknown = Stages.run(new EvaluateCommand(), args("--model", scratch, "--shards", KitShards.promoter(),
                "--baseline", "cnn", "--output", dir.resolve("unknown")));
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.stderr().contains("the baseline offered is kmer-lr"), unknown.stderr());
        assertTrue(Files.notExists(dir.resolve("no-shards")) && Files.notExists(dir.resolve("unknown")));
    }

    @Test
    void aModelNameTwiceIsABadUsage() throws Exception {
        Stages.Run run = Stages.run(new EvaluateCommand(), args("--model", "a=" + scratch, "--model", "a=" + pretrained,
                "--output", dir.resolve("dup")));
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("the name 'a' is taken"), run.stderr());
    }
}
