package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tiny GeneBERT on real data: the chr20 windows of {@link RealData} with a 65-motif x 4-region
 * JASPAR 2022 matrix per window (regbert align --motifs). On held-out windows masked sequence
 * modelling must beat the unigram k-mer model by 0.75 nats, masked region modelling must be no
 * worse than predicting the training mean and sequence-region matching no worse than a coin (ln 2).
 *
 * <p>Since a masked region's bases are hidden from the sequence (and negatives include shuffled and
 * GC-matched ones), only masked sequence modelling learns clearly within this budget (1000 steps).
 * Masked region modelling predicts a column from the other regions and the surrounding DNA; held
 * out on 2048 windows it was measured at 0.964-0.996 of the mean predictor's error after 1000 steps
 * (seeds 1, 2, 3, 42 on one thread; 0.973 for seed 1 on two). Earlier figures (0.92) came from 256
 * held-out windows and were noise: a CI machine with another CPU measured 1.0006 there. So the test
 * holds MRM to "not worse than the mean predictor" (1 % slack: a diverging head fails it), as it
 * holds sequence-region matching (measured at chance, 0.693) to "not worse than a coin". Both
 * objectives' mechanics (masking, negatives, targets) are unit-tested in {@link GeneBertObjectivesTest}.
 */
class GeneBertRealDataTest {
    @Test
    void sequenceModellingLearnsAndTheRegionTasksAreNoWorseThanTheirBaselines(@TempDir Path dir) throws Exception {
        Path shards = RealData.motifShards();
        Path out = dir.resolve("genebert");
        long t0 = System.nanoTime();
        TestShards.Run run = TestShards.pretrain("--shards", shards.toString(), "--model", "genebert", "--preset",
                "tiny", "--steps", "1000", "--eval-every", "0", "--config", evalOn2048(dir).toString(), "--checkpoint-every",
                "1000", "--device", "cpu", "--output", out.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode card = TestShards.json(out.resolve(ModelCard.JSON_FILE));
        JsonNode held = card.path("results").path("heldOut");
        double msm = held.path("msm").asDouble();
        double unigram = card.path("results").path("unigramHeldOutCrossEntropy").asDouble();
        double mrm = held.path("mrm").asDouble();
        double mrmBaseline = held.path("mrmBaseline").asDouble();
        double srm = held.path("srm").asDouble();
        System.err.printf(Locale.ROOT, "GeneBERT tiny, real chr20 + %d JASPAR motifs, 1000 steps in %.1f s: held-out MSM %.3f vs"
                + " unigram %.3f (entropy %.3f); MRM MSE %.3f vs mean-predictor %.3f; SRM %.3f (accuracy %.3f) vs"
                + " ln 2 = 0.693%n", RealData.motifCount, seconds, msm, unigram,
                card.path("results").path("unigramKmerEntropy").asDouble(), mrm, mrmBaseline, srm,
                held.path("srmAccuracy").asDouble());
        assertTrue(msm < unigram - 0.75, "held-out MSM " + msm + " vs unigram " + unigram);
        assertTrue(mrm < 1.01 * mrmBaseline, "held-out MRM " + mrm + " vs mean predictor " + mrmBaseline);
        assertTrue(srm <= Math.log(2) + 0.01, "held-out SRM " + srm + " is worse than a coin");
        JsonNode data = card.path("data");
        assertEquals(RealData.motifCount, data.path("motifs").asInt());
        assertEquals(RealData.REGIONS, data.path("regionsPerWindow").asInt());
        List<JsonNode> metrics = TestShards.jsonLines(out.resolve(MetricsLog.FILE));
        JsonNode step = metrics.get(metrics.size() - 2);
        for (String key : List.of("msm", "mrm", "srm", "loss")) {
            assertTrue(step.has(key), "each task's loss is logged: " + key + " in " + step);
        }
    }

    /** A config that evaluates on 2048 held-out windows (the default 256 measure MRM too coarsely). */
    private static Path evalOn2048(Path dir) throws java.io.IOException {
        return java.nio.file.Files.writeString(dir.resolve("eval.yaml"), "data:\n  evalWindows: 2048\n");
    }
}
