package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.KillRerun;

/**
 * pretrain killed with SIGKILL at random points (seeded; checkpoints every 4 steps, so kills land
 * inside checkpoint writes too) and run again with the same arguments, --resume among them: the run
 * ends with the parameters and optimiser moments of an uninterrupted run, and nothing of the killed
 * run (checkpoint temporaries, its claim) is left. Each run is a JVM of its own on one libtorch
 * thread, where runs are bit-identical; libtorch's rare last-bit spread between fresh JVMs (see
 * ResumeTest) is told apart by a second uninterrupted run.
 */
class PretrainKillResumeTest {

    @Test
    void sigkilledRunsResumeToTheUninterruptedRun(@TempDir Path dir) throws Exception {
        Path shards = TestShards.ebertShards(dir.resolve("shards"), 120, 40);
        Path config = dir.resolve("run.yaml");
        Files.writeString(config, "architecture:\n  dropout: 0.1\n  layers: 1\n  maxLength: 34\n"
                + "training:\n  batchSize: 8\n  warmupSteps: 5\n  evalEvery: 15\n"
                + "data:\n  maskStates: true\n  evalWindows: 16\n");
        // --resume on an empty output starts afresh: the same arguments serve the first run and the rerun.
        List<String> common = List.of("--shards", shards.toString(), "--model", "ebert", "--config", config.toString(),
                "--steps", "400", "--checkpoint-every", "4", "--seed", "42", "--device", "cpu", "--threads", "1",
                "--quiet", "--resume");
        KillRerun stage = new KillRerun(dir, PretrainCommand.class);
        Path whole = dir.resolve("whole");
        stage.run(args(common, whole));
        Random random = new Random(31);
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("killed-" + i);
            // Counted from the first checkpoint's staging folder (step 4 of 400), so the kill lands while it trains
            // and writes checkpoints, not in the JVM's start or after the last step.
            long delay = (long) (300 * random.nextDouble());
            KillRerun.Kill kill = stage.killWhileStagingAndRerun(args(common, out), delay, out.resolve(Checkpoints.DIR));
            assertTrue(kill.killed(), "the kill at " + delay + " ms came after the run had ended");
            double diff = CheckpointComparison.compare(Checkpoints.latest(whole), Checkpoints.latest(out))[0];
            if (diff > 0) {
                Path again = dir.resolve("whole-again-" + i);
                stage.run(args(common, again));
                double spread = CheckpointComparison.compare(Checkpoints.latest(whole), Checkpoints.latest(again))[0];
                assertTrue(spread > 0 && diff <= 2 * spread, "killed at " + delay + " ms and resumed: differs from the"
                        + " uninterrupted run by " + diff + ", two uninterrupted runs by " + spread);
            }
            assertEquals(Checkpoints.name(400), Checkpoints.latest(out).getFileName().toString());
            assertEquals(List.of(), KillRerun.leftovers(out), "left in the output");
            assertEquals(List.of(), KillRerun.leftovers(out.resolve(Checkpoints.DIR)), "left among the checkpoints");
        }
    }

    private static List<String> args(List<String> common, Path output) {
        List<String> all = new ArrayList<>(common);
        all.addAll(List.of("--output", output.toString()));
        return all;
    }
}
