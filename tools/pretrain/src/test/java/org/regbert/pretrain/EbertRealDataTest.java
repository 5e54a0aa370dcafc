package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tiny EBERT on real data: hg19 chr20:30-33 Mb in 126-token windows of 6-mers (regbert tokenize),
 * each token paired with the UW/ENCODE DHS master list's accessibility (regbert align --peaks), the
 * last 300 kb held out (align --valid). 500 steps must take the held-out masked-LM loss well below
 * what a unigram k-mer model gets on the same masked tokens.
 */
class EbertRealDataTest {
    @Test
    void heldOutLossFallsWellBelowUnigramEntropy(@TempDir Path dir) throws Exception {
        Path shards = RealData.dhsShards();
        Path out = dir.resolve("ebert");
        long t0 = System.nanoTime();
        TestShards.Run run = TestShards.pretrain("--shards", shards.toString(), "--model", "ebert", "--preset", "tiny",
                "--steps", "500", "--eval-every", "250", "--checkpoint-every", "250", "--seed", "1", "--device", "cpu",
                "--output", out.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, run.exitCode(), run.stderr());

        JsonNode card = TestShards.json(out.resolve(ModelCard.JSON_FILE));
        JsonNode results = card.path("results");
        double mlm = results.path("heldOut").path("mlm").asDouble();
        double maskOnly = results.path("heldOut").path("mlmMaskOnly").asDouble();
        double accuracy = results.path("heldOut").path("mlmAccuracy").asDouble();
        double entropy = results.path("unigramKmerEntropy").asDouble();
        double unigram = results.path("unigramHeldOutCrossEntropy").asDouble();
        double dataWait = card.path("training").path("dataWaitFraction").asDouble();
        System.err.printf(Locale.ROOT, "EBERT tiny, real chr20 + DHS, 500 steps in %.1f s: held-out MLM loss %.3f"
                + " (accuracy %.3f; [MASK]-shown tokens only %.3f) vs unigram k-mer entropy %.3f and unigram held-out"
                + " cross-entropy %.3f nats; data wait %.2f%% of step time%n", seconds, mlm, accuracy, maskOnly, entropy,
                unigram, 100 * dataWait);
        assertTrue(entropy > 7 && unigram > 7, "a 6-mer unigram model of real DNA is near 8 nats: " + entropy);
        assertTrue(mlm < unigram - 0.75 && mlm < entropy - 0.75, "held-out MLM " + mlm + " vs unigram " + unigram);
        assertTrue(maskOnly < unigram - 0.5, "tokens shown as [MASK] must be inferred from context: " + maskOnly);
        assertTrue(dataWait < 0.05, "the loader must keep up: data wait " + dataWait);

        JsonNode data = card.path("data");
        assertEquals("peaks", data.path("stateArray").asText());
        assertEquals(List.of("DHS"), List.of(data.path("cellTypes").get(0).asText()));
        assertTrue(data.path("holdout").asText().startsWith("split array"), data.path("holdout").asText());
        assertEquals(500, card.path("training").path("steps").asLong());

        List<JsonNode> metrics = TestShards.jsonLines(out.resolve(MetricsLog.FILE));
        assertEquals(500, metrics.stream().filter(m -> m.path("type").asText().equals("train")).count());
        assertEquals(2, metrics.stream().filter(m -> m.path("type").asText().equals("eval")).count());
        JsonNode first = metrics.get(0);
        for (String key : List.of("loss", "mlm", "maskedTokens", "lr", "gradNorm", "tokensPerSecond", "dataSeconds")) {
            assertTrue(first.has(key), key + " in " + first);
        }
        String svg = Files.readString(out.resolve(LossPlot.FILE));
        assertTrue(svg.startsWith("<svg") && svg.contains("<polyline") && svg.contains("unigram"), svg);
        assertTrue(Files.readString(out.resolve(ModelCard.MARKDOWN_FILE)).contains("held-out mlm"));
        Path latest = Checkpoints.latest(out);
        assertEquals("step-00000500", latest.getFileName().toString());
        for (String file : List.of(Checkpoints.PARAMETERS, Checkpoints.OPTIMIZER, Checkpoints.STATE,
                Checkpoints.CONFIG, Checkpoints.VOCABULARIES, ModelCard.JSON_FILE)) {
            assertTrue(Files.isRegularFile(latest.resolve(file)), file);
        }
    }
}
