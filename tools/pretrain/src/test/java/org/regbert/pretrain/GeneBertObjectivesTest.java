package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.BadInputException;
import org.regbert.shards.KmerVocabulary;

/**
 * GeneBERT's region objectives on random shards: a masked region's input does not depend on its
 * bases, and each kind of matching negative is what it says.
 *
 * <p>Windows of 40 overlapping 6-mers span 45 bases; with 4 regions, region r holds bases
 * [45 r / 4, 45 (r + 1) / 4): 0..10, 11..21, 22..32, 33..44. Token i covers bases i..i+5, so the
 * tokens showing a base of region 1 (11..21) are those with i + 5 >= 11 and i <= 21: tokens 6..21.
 */
class GeneBertObjectivesTest {
    private static final int TOKENS = 40;
    private static final int BASES = 45;
    private static final int K = 6;

    private static PretrainConfig config(double shuffled, double gcMatched) {
        ObjectNode overrides = ConfigLoader.JSON.createObjectNode();
        overrides.put("model", "genebert");
        overrides.putObject("training").put("batchSize", 16).put("seed", 7);
        // Window GC fractions are multiples of 1/45 = 0.022: a tolerance of 0.05 accepts a difference of up to 2 G/C.
        overrides.putObject("genebert").put("shuffledNegatives", shuffled).put("gcMatchedNegatives", gcMatched)
                .put("gcTolerance", 0.05);
        return ConfigLoader.resolve(ConfigLoader.JSON.createObjectNode(), overrides, null);
    }

    @Test
    void aMaskedRegionsInputDoesNotDependOnItsBases(@TempDir Path dir) throws Exception {
        byte[][] bases = TestShards.randomBases(200, BASES, 31);
        byte[][] changed = new byte[bases.length][];
        for (int w = 0; w < bases.length; w++) {
            changed[w] = bases[w].clone();
            for (int b = 11; b <= 21; b++) { // every base of region 1 becomes another base
                changed[w][b] = (byte) ((bases[w][b] + 1) % 4);
            }
        }
        Path a = TestShards.withMotifs(TestShards.tokenShards(dir.resolve("a-raw"), bases, K, 100), dir.resolve("a"));
        Path b = TestShards.withMotifs(TestShards.tokenShards(dir.resolve("b-raw"), changed, K, 100), dir.resolve("b"));
        PretrainConfig config = config(0.25, 0.5);
        int compared = 0;
        int differing = 0;
        try (ShardCorpus corpusA = new ShardCorpus(a, config); ShardCorpus corpusB = new ShardCorpus(b, config)) {
            Vocabularies vocabA = PretrainRun.vocabularies(corpusA, config);
            Vocabularies vocabB = PretrainRun.vocabularies(corpusB, config);
            assertArrayEquals(vocabA.motifMean(), vocabB.motifMean(), "the motif matrices are the same");
            Sampler samplerA = new Sampler(corpusA, config, vocabA);
            Sampler samplerB = new Sampler(corpusB, config, vocabB);
            int length = samplerA.length();
            int regions = 4;
            int motifs = 6;
            for (int step = 1; step <= 10; step++) {
                Batch x = samplerA.trainStep(step)[0];
                Batch y = samplerB.trainStep(step)[0];
                for (int j = 0; j < x.size; j++) {
                    int[] tokensX = Arrays.copyOfRange(x.tokens, j * length, (j + 1) * length);
                    int[] tokensY = Arrays.copyOfRange(y.tokens, j * length, (j + 1) * length);
                    if (x.regionMask[j * regions + 1] == 0f) {
                        differing += Arrays.equals(tokensX, tokensY) ? 0 : 1;
                        continue;
                    }
                    // Region 1 is masked: its bases are hidden from the sequence (tokens 6..21 at positions 7..22
                    // read [MASK]) and are not masked-token targets, so the batch's inputs for this window (tokens,
                    // motif columns, region mask) are identical however region 1's bases read. The model reads
                    // nothing else of a window, so its region encoder input (and every state) is unchanged.
                    for (int p = 7; p <= 22; p++) {
                        assertEquals(KmerVocabulary.MASK, tokensX[p], "position " + p);
                    }
                    for (int p : x.maskedPositions) {
                        assertFalse(p >= j * length + 7 && p <= j * length + 22, "hidden tokens are not targets");
                    }
                    assertArrayEquals(tokensX, tokensY);
                    assertEquals(x.matchLabels[j], y.matchLabels[j]);
                    if (x.matchLabels[j] == 1f) {
                        assertArrayEquals(Arrays.copyOfRange(x.motifInput, j * regions * motifs, (j + 1) * regions * motifs),
                                Arrays.copyOfRange(y.motifInput, j * regions * motifs, (j + 1) * regions * motifs));
                        compared++;
                    }
                }
                assertArrayEquals(x.regionMask, y.regionMask);
            }
        }
        assertTrue(compared >= 10, compared + " positives with region 1 masked");
        assertTrue(differing >= 10, "where region 1 is visible its change reaches the input (" + differing + ")");
    }

    /** GC fraction of a window, read independently: the sequence spelled by its k-mer strings. */
    private static double gc(ShardCorpus corpus, int shard, int row) {
        short[] tokens = new short[TOKENS];
        corpus.readTokens(shard, row, 0, TOKENS, tokens);
        KmerVocabulary vocab = new KmerVocabulary(K);
        StringBuilder sequence = new StringBuilder(vocab.decode(tokens[0]));
        for (int i = 1; i < TOKENS; i++) {
            sequence.append(vocab.decode(tokens[i]).charAt(K - 1));
        }
        assertEquals(BASES, sequence.length());
        long gc = sequence.chars().filter(c -> c == 'G' || c == 'C').count();
        return (double) gc / BASES;
    }

    private static float[] column(float[] matrix, int regions, int motifs, int r) {
        float[] column = new float[motifs];
        for (int t = 0; t < motifs; t++) {
            column[t] = matrix[t * regions + r];
        }
        return column;
    }

    private static List<float[]> columns(float[] matrix, int regions, int motifs) {
        List<float[]> out = new ArrayList<>();
        for (int r = 0; r < regions; r++) {
            out.add(column(matrix, regions, motifs, r));
        }
        out.sort(Comparator.comparing(Arrays::toString));
        return out;
    }

    @Test
    void eachKindOfNegativeIsWhatItSays(@TempDir Path dir) throws Exception {
        Path shards = TestShards.geneBertShards(dir, 400, TOKENS);
        PretrainConfig config = config(0.25, 0.5);
        int regions = 4;
        int motifs = 6;
        int[] kinds = new int[3];
        int draws = 3000;
        try (ShardCorpus corpus = new ShardCorpus(shards, config)) {
            MatchNegatives negatives = new MatchNegatives(corpus, config.genebert);
            short[] tokens = new short[TOKENS];
            float[] own = new float[motifs * regions];
            float[] pair = new float[motifs * regions];
            for (int d = 0; d < draws; d++) {
                int index = d % corpus.trainWindows();
                int shard = corpus.trainShard(index);
                int row = corpus.trainRow(index);
                corpus.readTokens(shard, row, 0, TOKENS, tokens);
                corpus.readMotifs(shard, row, own);
                boolean[] masked = new boolean[regions];
                masked[d % regions] = true;
                SplittableRandom rng = new SplittableRandom(1000 + d);
                MatchNegatives.Negative negative = negatives.choose(shard, row, tokens, TOKENS, own, masked, rng);
                assertNotNull(negative);
                kinds[negative.kind().ordinal()]++;
                negatives.matrix(negative, own, pair);
                switch (negative.kind()) {
                    case SHUFFLED -> {
                        // The same columns, in an order that changes at least one visible column.
                        assertEquals(columns(own, regions, motifs).stream().map(Arrays::toString).toList(),
                                columns(pair, regions, motifs).stream().map(Arrays::toString).toList());
                        boolean moved = false;
                        for (int r = 0; r < regions; r++) {
                            moved |= !masked[r] && !Arrays.equals(column(own, regions, motifs, r),
                                    column(pair, regions, motifs, r));
                        }
                        assertTrue(moved, "a visible column changed");
                    }
                    case GC_MATCHED -> {
                        int other = negative.window();
                        assertFalse(corpus.trainShard(other) == shard && corpus.trainRow(other) == row);
                        double difference = Math.abs(gc(corpus, shard, row)
                                - gc(corpus, corpus.trainShard(other), corpus.trainRow(other)));
                        assertTrue(difference <= config.genebert.gcTolerance + 1e-12, "GC differs by " + difference);
                        assertMatrixOf(corpus, other, pair);
                    }
                    case RANDOM -> {
                        int other = negative.window();
                        assertFalse(corpus.trainShard(other) == shard && corpus.trainRow(other) == row);
                        assertMatrixOf(corpus, other, pair);
                    }
                    default -> throw new AssertionError();
                }
            }
        }
        // Kinds in the configured shares (0.25 shuffled, 0.5 GC-matched, 0.25 random), within 5
        // binomial sd of 3000 draws (sd = sqrt(3000 p (1 - p)): 23.7 and 27.4). Fallbacks are too rare
        // to move them: with distinct columns and one masked, only the identity leaves the 3 visible ones in
        // place, so a shuffle fails with (1/24)^16; a GC search fails when 64 windows all miss, which
        // happens for 0.42% of draws (see gcMatchedNegativesAreCloserInGcThanRandomOnes): about 6 of the
        // 1500 GC draws move to random, well inside the bounds.
        assertEquals(750, kinds[MatchNegatives.Kind.SHUFFLED.ordinal()], 5 * 23.7);
        assertEquals(1500, kinds[MatchNegatives.Kind.GC_MATCHED.ordinal()], 5 * 27.4);
        assertEquals(750, kinds[MatchNegatives.Kind.RANDOM.ordinal()], 5 * 23.7);
    }

    private static void assertMatrixOf(ShardCorpus corpus, int trainIndex, float[] pair) {
        float[] expected = new float[pair.length];
        corpus.readMotifs(corpus.trainShard(trainIndex), corpus.trainRow(trainIndex), expected);
        assertArrayEquals(expected, pair);
    }

    @Test
    void gcMatchedNegativesAreCloserInGcThanRandomOnes(@TempDir Path dir) throws Exception {
        // The point of GC matching: GC-matched pairs differ by at most the tolerance (0.05), while random
        // pairs differ by E|D| / 45 on average: D, the difference of two G/C counts Binomial(45, 1/2), has
        // sd sqrt(2 * 45 / 4) = 4.74, so E|D| ~ 4.74 sqrt(2 / pi) = 3.78 and the mean difference ~ 0.084.
        Path shards = TestShards.geneBertShards(dir, 400, TOKENS);
        // A window with extreme GC finds no match among 64 windows more often: with G/C counts
        // Binomial(45, 1/2), the chance of a fallback is sum_c P(c) (1 - P(|c' - c| <= 2))^64 = 0.0042,
        // about 2 of 500 draws; at most 25 are allowed.
        double[] sum = new double[2];
        int fallbacks = 0;
        int[] count = new int[2];
        for (int kind = 0; kind < 2; kind++) {
            PretrainConfig config = kind == 0 ? config(0, 1) : config(0, 0);
            try (ShardCorpus corpus = new ShardCorpus(shards, config)) {
                MatchNegatives negatives = new MatchNegatives(corpus, config.genebert);
                short[] tokens = new short[TOKENS];
                float[] own = new float[24];
                for (int d = 0; d < 500; d++) {
                    int index = d % corpus.trainWindows();
                    corpus.readTokens(corpus.trainShard(index), corpus.trainRow(index), 0, TOKENS, tokens);
                    MatchNegatives.Negative negative = negatives.choose(corpus.trainShard(index),
                            corpus.trainRow(index), tokens, TOKENS, own, new boolean[4], new SplittableRandom(d));
                    if (kind == 0 && negative.kind() == MatchNegatives.Kind.RANDOM) {
                        fallbacks++;
                        continue;
                    }
                    assertEquals(kind == 0 ? MatchNegatives.Kind.GC_MATCHED : MatchNegatives.Kind.RANDOM,
                            negative.kind());
                    int other = negative.window();
                    sum[kind] += Math.abs(gc(corpus, corpus.trainShard(index), corpus.trainRow(index))
                            - gc(corpus, corpus.trainShard(other), corpus.trainRow(other)));
                    count[kind]++;
                }
            }
        }
        double matched = sum[0] / count[0];
        double random = sum[1] / count[1];
        assertTrue(fallbacks <= 25, fallbacks + " GC searches found no match");
        assertTrue(matched <= 0.05, "GC-matched mean difference " + matched);
        assertTrue(random > 0.06 && random < 0.11, "random mean difference " + random);
        assertTrue(matched < random / 2, matched + " vs " + random);
    }

    @Test
    void negativeSharesAboveOneAreBadInput() {
        BadInputException e = assertThrows(BadInputException.class, () -> config(0.6, 0.5));
        assertTrue(e.getMessage().contains("genebert.shuffledNegatives + genebert.gcMatchedNegatives must be at most 1"),
                e.getMessage());
        ObjectNode overrides = ConfigLoader.JSON.createObjectNode();
        overrides.put("model", "genebert");
        overrides.putObject("genebert").put("gcTolerance", 0);
        e = assertThrows(BadInputException.class,
                () -> ConfigLoader.resolve(ConfigLoader.JSON.createObjectNode(), overrides, null));
        assertTrue(e.getMessage().contains("genebert.gcTolerance must be in (0, 1]"), e.getMessage());
    }
}
