package org.regbert.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * evaluate killed with SIGKILL at seeded random moments (once while it writes its staging folder) as
 * it predicts and bootstraps a report ({@link TinyModel}, 4,000 replicates), then run again into the
 * same output without --overwrite: the rerun is not blocked by what the killed run left (its lock
 * file, its staging folder beside the output), removes that staging folder, and writes the same
 * bytes as an uninterrupted run, every file of the report (report.json, report.html, figures/,
 * predictions/). The report has no timing keys; its 'created' is SOURCE_DATE_EPOCH, which every run
 * gets. Each run is a JVM of its own.
 */
class EvaluateKillRerunTest {
    @TempDir
    Path dir;

    @Test
    void aKilledReportRerunsToTheBytesOfAnUninterruptedOne() throws Exception {
        KillRerun stage = new KillRerun(dir, EvaluateCommand.class);
        Path reference = dir.resolve("report");
        long millis = stage.run(args(reference));
        Random random = new Random(23);
        List<String> stagingLeft = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path out = dir.resolve("report-killed-" + i);
            // Kills 0 and 1 at a random moment of the run; kill 2 once the staging folder exists, so one
            // kill surely lands while the report is written.
            long delay = i < 2 ? (long) (millis * (0.3 + 0.65 * random.nextDouble())) : random.nextInt(200);
            // (evaluate publishes by renaming its staging folder: a kill after that rename finds the report whole)
            KillRerun.Kill kill = i < 2 ? stage.killAndRerun(args(out), delay, dir, out)
                    : stage.killWhileStagingAndRerun(args(out), delay, dir, out);
            System.out.println("EvaluateKillRerunTest: kill " + i + " at " + delay + " ms" + (i < 2 ? "" : " of staging")
                    + " (run " + millis + " ms): killed " + kill.killed() + ", left " + kill.leftBehind());
            stagingLeft.addAll(kill.leftBehind());
            if (i == 2) {
                assertTrue(kill.killed() && !kill.leftBehind().isEmpty(), "killed while writing: " + kill);
            }
            List<String> files = KillRerun.files(reference);
            assertEquals(files, KillRerun.files(out), out.toString());
            for (String name : files) {
                assertArrayEquals(Files.readAllBytes(reference.resolve(name)), Files.readAllBytes(out.resolve(name)),
                        name + " of " + out + " (killed at " + delay + " ms)");
            }
        }
        assertEquals(List.of(), KillRerun.leftovers(dir), "no staging folder left beside the reports");
        // What the killed runs left were their staging folders (which the reruns removed).
        assertTrue(stagingLeft.stream().allMatch(n -> n.matches("\\.report-killed-\\d\\.staging-\\d+")), stagingLeft
                .toString());
    }

    private static List<String> args(Path out) throws Exception {
        // --repredict: the model predicts as part of the killed run (else it reads its finetune predictions).
        return List.of("--model", "m=" + TinyModel.model(), "--shards", TinyModel.shards().toString(), "--repredict",
                "--bootstrap", "4000", "--bootstrap-block", "1kb", "--quiet", "--output", out.toString());
    }
}
