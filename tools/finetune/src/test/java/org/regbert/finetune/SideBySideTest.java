package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Two fine-tunings side by side in one JVM (the service's tasks of one reference, or two references,
 * on two workers) each reach the parameters of the same run made alone, bit for bit: DJL collects
 * gradients for one training at a time per JVM, and the engine's generator (initialisation, dropout)
 * is shared, so they take turns for those (EngineSteps). Runs in the one-libtorch-thread execution
 * (see the pom), where runs are bit-identical nearly always; libtorch's rare last-bit spread is told
 * apart from interference by repeating the run alone ({@link ModelDifference}).
 */
class SideBySideTest {

    @Test
    void twoFineTuningsAtOnceEqualEachAloneBitForBit() throws Exception {
        Path shards = KitShards.janggu();
        Path dir = Stages.tempDir("regbert-ft-side-by-side-");
        // two different runs (seeds 1 and 2), each once alone and once at the same time as the other
        List<Path> alone = List.of(dir.resolve("alone-1"), dir.resolve("alone-2"));
        List<Path> together = List.of(dir.resolve("together-1"), dir.resolve("together-2"));
        for (int i = 0; i < 2; i++) {
            ok(Stages.finetune(args(common(shards, i + 1, alone.get(i)))));
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Stages.Run>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Object[] argv = common(shards, i + 1, together.get(i));
            runs.add(pool.submit(() -> {
                go.await();
                return Stages.finetune(args(argv));
            }));
        }
        go.countDown();
        for (Future<Stages.Run> run : runs) {
            ok(run.get());
        }
        pool.shutdown();
        for (int i = 0; i < 2; i++) {
            double difference = ModelDifference.max(alone.get(i), together.get(i), "oct4");
            double allowed = 0;
            if (difference > 0) {  // libtorch's rare last-bit spread, or interference: repeat the run alone
                Path again = dir.resolve("alone-again-" + (i + 1));
                ok(Stages.finetune(args(common(shards, i + 1, again))));
                double spread = ModelDifference.max(alone.get(i), again, "oct4");
                System.err.printf(java.util.Locale.ROOT, "finetune side by side, seed %d: differs from its run alone by"
                        + " %.3g, two runs alone by %.3g%n", i + 1, difference, spread);
                assertTrue(spread > 0, "seed " + (i + 1) + ": runs alone are bit-identical, the one side by side differs"
                        + " by " + difference + ": the two trainings interfere");
                allowed = 2 * spread;
            }
            assertTrue(difference <= allowed, "seed " + (i + 1) + ": side by side differs by " + difference + " (allowed "
                    + allowed + ")");
        }
    }

    private static Object[] common(Path shards, int seed, Path output) {
        return new Object[] {"--from-scratch", "--shards", shards, "--task", "oct4", "--max-steps", 12,
            "--eval-every", 6, "--batch-size", 16, "--patience", 0, "--ignore-states", "--seed", seed, "--quiet",
            "--output", output};
    }
}
