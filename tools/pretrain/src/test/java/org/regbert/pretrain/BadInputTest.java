package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input exits 2 with a message that names the problem, and writes no run. */
class BadInputTest {
    @TempDir
    static Path dir;
    static Path tokensOnly;
    static Path ebert;
    static Path genebert;

    @BeforeAll
    static void shards() throws Exception {
        tokensOnly = TestShards.randomTokens(dir.resolve("tokens"), 20, 30, 6, 10, 1);
        ebert = TestShards.ebertShards(dir.resolve("ebert"), 20, 30);
        genebert = TestShards.geneBertShards(dir.resolve("genebert"), 20, 30);
    }

    private static void expectBadInput(String expected, String... args) {
        Path out = dir.resolve("out-" + System.nanoTime());
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
        all.addAll(java.util.List.of("--output", out.toString()));
        if (!all.contains("--device")) {
            all.addAll(java.util.List.of("--device", "cpu"));
        }
        TestShards.Run run = TestShards.pretrain(all.toArray(String[]::new));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(expected), "expected '" + expected + "' in: " + run.stderr());
        assertFalse(Files.exists(out.resolve(Checkpoints.DIR)), "no run is written");
    }

    @Test
    void anOutputAnotherRunIsWritingIsRefused() {
        Path out = dir.resolve("claimed");
        try (org.regbert.common.OutputLock other = org.regbert.common.OutputLock.acquire(out)) {
            TestShards.Run run = TestShards.pretrain("--shards", ebert.toString(), "--steps", "3", "--device", "cpu",
                    "--output", out.toString());
            assertEquals(2, run.exitCode(), run.stderr());
            assertTrue(run.stderr().contains(out + ": another regbert run"), run.stderr());
            assertFalse(run.stderr().contains("\tat "), run.stderr());
            assertFalse(Files.exists(out), "the refused run wrote nothing");
        }
    }

    @Test
    void missingOrEmptyShards() throws Exception {
        expectBadInput("no such shard file or directory", "--shards", dir.resolve("missing").toString());
        Files.createDirectories(dir.resolve("empty"));
        expectBadInput("no shard-*.npz files here", "--shards", dir.resolve("empty").toString());
        expectBadInput("--shards is required", "--steps", "3");
        Path notShard = Files.writeString(dir.resolve("shard-00000.npz"), "not a zip");
        expectBadInput("not a ZIP", "--shards", notShard.toString());
    }

    @Test
    void shardsWithoutTheArrayTheModelNeeds() {
        expectBadInput("no chromatin-state array ('states' or 'peaks', or quantised signal 'signal_states')",
                "--shards", tokensOnly.toString());
        expectBadInput("no 'motifs' array", "--shards", tokensOnly.toString(), "--model", "genebert");
        expectBadInput("no 'motifs' array", "--shards", ebert.toString(), "--model", "genebert");
        expectBadInput("use --state-array peaks", "--shards", ebert.toString(), "--state-array", "states");
        expectBadInput("'HeLa' is not in the shards (cell types: GM12878, K562)", "--shards", ebert.toString(),
                "--cell-types", "HeLa");
        expectBadInput("GeneBERT reads whole windows", "--shards", genebert.toString(), "--model", "genebert",
                "--max-length", "20");
    }

    @Test
    void badConfig() throws Exception {
        Path unknown = Files.writeString(dir.resolve("unknown.yaml"), "architecture:\n  layerz: 3\n");
        expectBadInput("unknown key 'architecture.layerz'", "--shards", ebert.toString(), "--config", unknown.toString());
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "training: [steps: 3\n");
        expectBadInput("not valid YAML", "--shards", ebert.toString(), "--config", broken.toString());
        Path brokenJson = Files.writeString(dir.resolve("broken.json"), "{\"training\": {\"steps\": }}");
        expectBadInput("not valid JSON", "--shards", ebert.toString(), "--config", brokenJson.toString());
        Path wrongType = Files.writeString(dir.resolve("type.yaml"), "training:\n  steps: many\n");
        expectBadInput("training.steps", "--shards", ebert.toString(), "--config", wrongType.toString());
        Path heads = Files.writeString(dir.resolve("heads.yaml"), "architecture:\n  hidden: 60\n  heads: 7\n");
        expectBadInput("must be a multiple of architecture.heads", "--shards", ebert.toString(), "--config",
                heads.toString());
        Path list = Files.writeString(dir.resolve("list.yaml"), "- a\n- b\n");
        expectBadInput("a config file is a mapping", "--shards", ebert.toString(), "--config", list.toString());
        expectBadInput("no such config file", "--shards", ebert.toString(), "--config", dir.resolve("nope.yaml").toString());
        expectBadInput("unknown preset 'huge'", "--shards", ebert.toString(), "--preset", "huge");
        expectBadInput("model 'gpt' is not one of", "--shards", ebert.toString(), "--model", "gpt");
        expectBadInput("data.maskRate must be between 0 and 1", "--shards", ebert.toString(), "--mask-rate", "1.5");
        expectBadInput("data.spanBases must be between 1 and 64", "--shards", ebert.toString(), "--span-bases", "0");
        // 6-mers: 30 hidden bases make spans of 35 tokens, and the windows hold 30.
        expectBadInput("--span-bases 30 makes spans of 35 tokens, longer than the 30 window tokens", "--shards",
                ebert.toString(), "--span-bases", "30");
        expectBadInput("training.steps must be at least 1", "--shards", ebert.toString(), "--steps", "0");
        expectBadInput("--device gpu: the PyTorch engine sees no GPU", "--shards", ebert.toString(), "--device", "gpu");
    }

    @Test
    void resumeRules() throws Exception {
        Path out = dir.resolve("resume-run");
        String[] base = {"--shards", ebert.toString(), "--batch-size", "4", "--device", "cpu", "--quiet",
            "--output", out.toString()};
        assertEquals(0, TestShards.pretrain(append(base, "--steps", "4")).exitCode());
        TestShards.Run again = TestShards.pretrain(append(base, "--steps", "4"));
        assertEquals(2, again.exitCode());
        assertTrue(again.stderr().contains("already holds a pre-training run"), again.stderr());
        TestShards.Run done = TestShards.pretrain(append(base, "--resume", "--steps", "4"));
        assertEquals(2, done.exitCode());
        assertTrue(done.stderr().contains("nothing to do"), done.stderr());
        // Killed after its last checkpoint, before (or while) it wrote the card and plot: --resume writes them
        // as the uninterrupted run did, instead of refusing.
        byte[] cardJson = Files.readAllBytes(out.resolve(ModelCard.JSON_FILE));
        byte[] cardMarkdown = Files.readAllBytes(out.resolve(ModelCard.MARKDOWN_FILE));
        byte[] plot = Files.readAllBytes(out.resolve(LossPlot.FILE));
        Files.delete(out.resolve(ModelCard.JSON_FILE));
        Files.delete(out.resolve(ModelCard.MARKDOWN_FILE));
        Files.write(out.resolve(LossPlot.FILE), java.util.Arrays.copyOf(plot, plot.length / 2));
        TestShards.Run finished = TestShards.pretrain(append(base, "--resume", "--steps", "4"));
        assertEquals(0, finished.exitCode(), finished.stderr());
        assertArrayEquals(cardJson, Files.readAllBytes(out.resolve(ModelCard.JSON_FILE)));
        assertArrayEquals(cardMarkdown, Files.readAllBytes(out.resolve(ModelCard.MARKDOWN_FILE)));
        assertArrayEquals(plot, Files.readAllBytes(out.resolve(LossPlot.FILE)));
        assertEquals("step-00000004", Checkpoints.latest(out).getFileName().toString());
        TestShards.Run complete = TestShards.pretrain(append(base, "--resume", "--steps", "4"));
        assertEquals(2, complete.exitCode(), complete.stderr());
        assertTrue(complete.stderr().contains("nothing to do"), complete.stderr());
        TestShards.Run changed = TestShards.pretrain(append(base, "--resume", "--steps", "8", "--lr", "0.1"));
        assertEquals(2, changed.exitCode(), changed.stderr());
        assertTrue(changed.stderr().contains("training.learningRate"), changed.stderr());
        TestShards.Run both = TestShards.pretrain(append(base, "--resume", "--overwrite"));
        assertEquals(2, both.exitCode());
        TestShards.Run more = TestShards.pretrain(append(base, "--resume", "--steps", "6"));
        assertEquals(0, more.exitCode(), "--steps may grow on --resume: " + more.stderr());
        assertEquals("step-00000006", Checkpoints.latest(out).getFileName().toString());
        TestShards.Run fresh = TestShards.pretrain(append(base, "--overwrite", "--steps", "2"));
        assertEquals(0, fresh.exitCode(), fresh.stderr());
        assertEquals("step-00000002", Checkpoints.latest(out).getFileName().toString());
    }

    private static String[] append(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
