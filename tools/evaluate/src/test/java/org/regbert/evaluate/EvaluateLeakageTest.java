package org.regbert.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.regbert.finetune.FinetuneCommand;
import org.regbert.finetune.LeakageShards;
import org.regbert.finetune.Stages;

/**
 * evaluate's leakage guard, per model, from the pre-training windows the fine-tuned model carries
 * (expected counts worked by hand in {@link LeakageShards}): a model whose encoder saw 40 of the 79
 * test windows is refused unless allowed, one that saw none passes, one without a record and one
 * from scratch are reported as not checked.
 */
class EvaluateLeakageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path dir;
    private static Path clean;
    private static Path leaky;
    private static Path unrecorded;
    private static Path scratch;

    @BeforeAll
    static void fineTuneFourModels() throws Exception {
        dir = Stages.tempDir("regbert-leakage-evaluate-");
        clean = finetune("clean", "--checkpoint", LeakageShards.clean());
        leaky = finetune("leaky", "--checkpoint", LeakageShards.shifted(), "--allow-pretraining-overlap");
        unrecorded = finetune("unrecorded", "--checkpoint", LeakageShards.unrecorded());
        scratch = finetune("scratch", "--from-scratch");
    }

    private static Path finetune(String name, Object... base) throws Exception {
        Path out = dir.resolve("ft-" + name);
        java.util.List<Object> all = new java.util.ArrayList<>(java.util.List.of(base));
        all.addAll(java.util.List.of("--shards", LeakageShards.labelled(), "--task", "dhs", "--max-steps", 2,
                "--batch-size", 16, "--device", "cpu", "--quiet", "--output", out));
        ok(Stages.run(new FinetuneCommand(), args(all.toArray())));
        return out;
    }

    private static JsonNode models(Path report) throws Exception {
        return JSON.readTree(report.resolve("report.json").toFile()).path("models");
    }

    @Test
    void aModelPretrainedOnTestWindowsIsRefusedUnlessAllowed() throws Exception {
        Path refused = dir.resolve("refused");
        Stages.Run run = Stages.run(new EvaluateCommand(), args("--model", "clean=" + clean, "--model", "leaky=" + leaky,
                "--shards", LeakageShards.labelled(), "--bootstrap", 0, "--quiet", "--output", refused));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("evaluate: leaky: " + LeakageShards.SHIFTED_OVERLAP + " of "
                + LeakageShards.TEST_WINDOWS + " test windows (5,045 bp)"), run.stderr());
        assertTrue(run.stderr().contains(LeakageShards.FIRST_TEST_WINDOW) && run.stderr().contains(
                "--allow-pretraining-overlap"), run.stderr());
        assertFalse(Files.exists(refused), "no report");
        try (java.util.stream.Stream<Path> beside = Files.list(dir)) {
            assertEquals(List.of(), beside.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".refused"))
                    .toList(), "no half-written report, no lock file left beside the output");
        }

        for (boolean onShards : new boolean[] {true, false}) {
            Path out = dir.resolve(onShards ? "allowed-shards" : "allowed-saved");
            String[] a = onShards
                    ? args("--model", "clean=" + clean, "--model", "leaky=" + leaky, "--shards", LeakageShards.labelled(),
                            "--bootstrap", 0, "--allow-pretraining-overlap", "--output", out)
                    : args("--model", "clean=" + clean, "--model", "leaky=" + leaky, "--bootstrap", 0,
                            "--allow-pretraining-overlap", "--output", out);
            ok(Stages.run(new EvaluateCommand(), a));
            JsonNode models = models(out);
            assertEquals("clean", models.get(0).path("model").asText());
            JsonNode c = models.get(0).path("pretrainingOverlap");
            assertTrue(c.path("checked").asBoolean());
            assertEquals(LeakageShards.TEST_WINDOWS, c.path("testWindows").asInt());
            assertEquals(0, c.path("overlappingWindows").asInt());
            JsonNode l = models.get(1).path("pretrainingOverlap");
            assertEquals(LeakageShards.TEST_WINDOWS, l.path("testWindows").asInt());
            assertEquals(LeakageShards.SHIFTED_OVERLAP, l.path("overlappingWindows").asInt());
            assertEquals(LeakageShards.SHIFTED_OVERLAP_BP, l.path("overlapBp").asInt());
            assertEquals(onShards ? "MD5" : "name", l.path("contigsMatchedBy").asText());
            String html = Files.readString(out.resolve("report.html"));
            assertTrue(html.contains("leaky: pre-training overlap: 40 of 79 test windows (5,045 bp)"), html);
            assertTrue(html.contains("clean: pre-training overlap: 0 of 79 test windows (0 bp)"));
        }
    }

    @Test
    void modelsWithoutARecordAreReportedAsNotChecked() throws Exception {
        Path out = dir.resolve("unchecked");
        Stages.Run run = Stages.run(new EvaluateCommand(), args("--model", "scratch=" + scratch, "--model", "old="
                + unrecorded, "--shards", LeakageShards.labelled(), "--bootstrap", 0, "--quiet", "--output", out));
        ok(run);
        assertTrue(run.stderr().contains("evaluate: old: warning: pre-training overlap not checked: the pre-trained"
                + " model records no training windows"), run.stderr());
        JsonNode models = models(out);
        assertFalse(models.get(0).path("pretrainingOverlap").path("checked").asBoolean());
        assertEquals("not pre-trained (--from-scratch)", models.get(0).path("pretrainingOverlap").path("reason").asText());
        assertFalse(models.get(1).path("pretrainingOverlap").path("checked").asBoolean());
        assertTrue(models.get(1).path("pretrainingOverlap").path("reason").asText().contains("cannot be checked"));
        assertTrue(Files.readString(out.resolve("report.html")).contains("old: pre-training overlap not checked"));
    }
}
