package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.regbert.common.KillRerun;
import org.regbert.common.StageMain;

/**
 * finetune killed with SIGKILL at a seeded random point after its first checkpoint (checkpoints come
 * with every evaluation, every 5 steps, so a kill may land inside a checkpoint or model write), then
 * run with --resume: the model and its test predictions equal an uninterrupted run's, metrics.jsonl
 * reads as one run, and nothing of the killed run is left. Each run is a JVM of its own on one
 * libtorch thread. Such runs are bit-identical nearly always; libtorch's rare last-bit spread
 * between fresh JVMs is told apart from a resume defect as pretrain's ResumeTest does: when the
 * resumed run differs, the uninterrupted run is repeated, and the resumed run must then differ by no
 * more than twice what two uninterrupted runs differ by (if those are identical, resume is wrong).
 */
class FinetuneKillResumeTest {
    @Test
    void sigkilledRunResumesToTheUninterruptedRun() throws Exception {
        Path shards = KitShards.janggu();
        Path dir = Stages.tempDir("regbert-ft-kill-");
        List<String> common = List.of("--from-scratch", "--shards", shards.toString(), "--task", "oct4", "--max-steps",
                "40", "--eval-every", "5", "--batch-size", "16", "--patience", "0", "--ignore-states", "--threads", "1",
                "--quiet");
        KillRerun stage = new KillRerun(dir, FinetuneCommand.class);
        Path straight = dir.resolve("straight");
        long millis = stage.run(args(common, straight));

        Path killed = dir.resolve("killed");
        Path log = Files.createTempFile("regbert-ft-killed-", ".log");
        Process run = StageMain.start(dir, log, FinetuneCommand.class, args(common, killed));
        // Before the first checkpoint there is nothing to --resume (exit 2 says so; a rerun takes --overwrite).
        while (run.isAlive() && !Files.exists(killed.resolve("checkpoints/latest"))) {
            Thread.sleep(5);
        }
        long delay = (long) (millis * 0.3 * new Random(41).nextDouble());
        assertTrue(!run.waitFor(delay, TimeUnit.MILLISECONDS), "the run ended before the kill at +" + delay + " ms: "
                + Files.readString(log));
        run.destroyForcibly(); // SIGKILL
        assertTrue(run.waitFor(1, TimeUnit.MINUTES));
        Files.deleteIfExists(log);
        List<String> resume = new ArrayList<>(args(common, killed));
        resume.add("--resume");
        stage.run(resume);

        double resumedDiff = ModelDifference.max(straight, killed, "oct4");
        double allowed = 0;
        if (resumedDiff > 0) {
            Path again = dir.resolve("straight-again");
            stage.run(args(common, again));
            double spread = ModelDifference.max(straight, again, "oct4");
            System.err.printf(java.util.Locale.ROOT, "finetune kill/resume: resumed run differs by %.3g, two"
                    + " uninterrupted runs by %.3g%n", resumedDiff, spread);
            assertTrue(spread > 0, "uninterrupted runs are bit-identical, the resumed one differs by " + resumedDiff
                    + " (kill at +" + delay + " ms): resume does not restore the run");
            allowed = 2 * spread;
        }
        assertTrue(resumedDiff <= allowed, "kill at +" + delay + " ms: the resumed run differs by " + resumedDiff
                + " (allowed " + allowed + ")");
        assertEquals(lines(straight.resolve("metrics.jsonl")), lines(killed.resolve("metrics.jsonl")),
                "metrics.jsonl: steps and evaluations of one run");
        assertEquals(List.of(), KillRerun.leftovers(killed), "left in the output");
        assertEquals(List.of(), KillRerun.leftovers(killed.resolve("checkpoints")), "left among the checkpoints");
    }

    /** Each line's step and type: the values themselves follow the parameters (bounded above). */
    private static List<String> lines(Path metrics) throws IOException {
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            com.fasterxml.jackson.databind.JsonNode node = FinetunedModel.JSON.readTree(line);
            kept.add(node.path("type").asText() + " " + node.path("step").asLong());
        }
        return kept;
    }

    private static List<String> args(List<String> common, Path output) {
        List<String> all = new ArrayList<>(common);
        all.addAll(List.of("--output", output.toString()));
        return all;
    }
}
