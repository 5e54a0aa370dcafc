package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A run stopped after step 10 (as if killed) and resumed reaches the same parameters as one that
 * ran through. Runs in its own JVM with one libtorch thread (see the pom), where runs are bit-identical
 * nearly always; libtorch's rare last-bit spread is told apart from a resume defect by repeating the
 * uninterrupted run ({@link ModelDifference}).
 */
class ResumeTest {

    @Test
    void killedAndResumedRunEqualsUninterruptedRunBitForBit() throws Exception {
        Path shards = KitShards.janggu();
        Path dir = Stages.tempDir("regbert-ft-resume-");
        Object[] common = {"--from-scratch", "--shards", shards, "--task", "oct4", "--max-steps", 20, "--eval-every", 5,
            "--batch-size", 16, "--patience", 0, "--ignore-states", "--quiet"};
        Path straight = dir.resolve("straight");
        ok(Stages.finetune(args(concat(common, "--output", straight))));
        Path resumed = dir.resolve("resumed");
        ok(Stages.finetune(args(concat(common, "--output", resumed, "--stop-after", 10))));
        assertTrue(Files.exists(resumed.resolve("checkpoints/step-10")));
        ok(Stages.finetune(args(concat(common, "--output", resumed, "--resume"))));

        double resumedDiff = ModelDifference.max(straight, resumed, "oct4");
        double allowed = 0;
        if (resumedDiff > 0) {  // libtorch's rare last-bit spread, or a resume defect: repeat the straight run
            Path again = dir.resolve("straight-again");
            ok(Stages.finetune(args(concat(common, "--output", again))));
            double spread = ModelDifference.max(straight, again, "oct4");
            System.err.printf(java.util.Locale.ROOT, "finetune resume: resumed run differs by %.3g, two uninterrupted"
                    + " runs by %.3g%n", resumedDiff, spread);
            assertTrue(spread > 0, "uninterrupted runs are bit-identical, the resumed one differs by " + resumedDiff
                    + ": resume does not restore the run");
            allowed = 2 * spread;
        }
        assertTrue(resumedDiff <= allowed, "the resumed run differs by " + resumedDiff + " (allowed " + allowed + ")");
        assertEquals(Files.readAllLines(straight.resolve("metrics.jsonl")).size(),
                Files.readAllLines(resumed.resolve("metrics.jsonl")).size());
    }

    private static Object[] concat(Object[] a, Object... b) {
        Object[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
