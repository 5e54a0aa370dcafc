package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.regbert.shards.KmerVocabulary;

/**
 * The masked-token corruption, with expectations worked out by hand (in the comments) and an
 * independent reading of which bases the unmasked tokens show (k-mer strings from
 * {@link KmerVocabulary#decode}, laid over a base ruler).
 *
 * <p>Overlapping 6-mers: window token i covers bases i..i+5. A span masks tokens a..a+5 and leaves
 * tokens a-1 and a+6 visible. The masked tokens cover bases a..a+10. Token a-1 shows bases
 * a-1..a+4, token a+6 shows bases a+6..a+11. Of a..a+10, only base a+5 is in neither: one hidden
 * base per span, under the span's last token. In general a masked run of L tokens between two
 * visible k-mers hides bases a+k-1..a+L-1, that is L-k+1 of them.
 */
class SpanMaskerTest {
    private static final int K = 6;
    private static final KmerVocabulary VOCAB = new KmerVocabulary(K);

    /** [CLS] + the overlapping 6-mers of {@code bases} + [SEP], as token ids. */
    private static int[] sequence(String bases) {
        int n = bases.length() - K + 1;
        int[] tokens = new int[n + 2];
        tokens[0] = KmerVocabulary.CLS;
        for (int i = 0; i < n; i++) {
            tokens[i + 1] = VOCAB.encode(bases.substring(i, i + K));
        }
        tokens[n + 1] = KmerVocabulary.SEP;
        return tokens;
    }

    private static String randomBases(Random random, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append("ACGT".charAt(random.nextInt(4)));
        }
        return s.toString();
    }

    /**
     * The bases of the window (sequence positions 1..n are window tokens 0..n-1) that the visible
     * tokens show: each k-mer token that is not a target writes its letters at bases i..i+k-1;
     * '?' where none does.
     */
    private static char[] shownBases(int[] tokens, int n, Set<Integer> targets) {
        char[] shown = new char[n + K - 1];
        java.util.Arrays.fill(shown, '?');
        for (int i = 0; i < n; i++) {
            int id = tokens[i + 1];
            if (targets.contains(i + 1) || id < KmerVocabulary.FIRST_KMER) {
                continue;
            }
            String kmer = VOCAB.decode(id);
            for (int j = 0; j < K; j++) {
                assertTrue(shown[i + j] == '?' || shown[i + j] == kmer.charAt(j), "visible tokens disagree");
                shown[i + j] = kmer.charAt(j);
            }
        }
        return shown;
    }

    private static Set<Integer> targets(SpanMasker.Result result) {
        Set<Integer> set = new HashSet<>();
        for (int p : result.positions()) {
            set.add(p);
        }
        return set;
    }

    @Test
    void aMaskedSpanInTheMiddleHidesExactlyOneBaseWorkedByHand() {
        // 25 bases, 20 tokens. Span = window tokens 7..12 (sequence positions 8..13): by the rule
        // above (a = 7) the hidden base is base 12 ('T' below); every other base is shown.
        //              base: 0123456789012345678901234
        String bases = "ACGTTGCAAGCTTAGGCATCCGATG";
        String expected = "ACGTTGCAAGCT?AGGCATCCGATG";
        // rate 0.15 of 20 tokens is 0.5 spans: one span (at least one is placed). Try seeds until the
        // span lands on tokens 7..12 and becomes [MASK] (15 possible starts, 80% [MASK]).
        for (long seed = 0; seed < 10_000; seed++) {
            int[] tokens = sequence(bases);
            SpanMasker.Result result = new SpanMasker(0.15, K, true).apply(tokens, 1, 21, new SplittableRandom(seed));
            assertEquals(1, result.spans().size());
            SpanMasker.Span span = result.spans().get(0);
            if (span.start() != 8 || span.action() != SpanMasker.Action.MASK) {
                continue;
            }
            assertArrayEquals(new int[] {8, 9, 10, 11, 12, 13}, result.positions());
            assertEquals(expected, new String(shownBases(tokens, 20, targets(result))));
            return;
        }
        throw new AssertionError("no seed put a [MASK] span on tokens 7..12");
    }

    @Test
    void everyInteriorSpanHidesOnlyTheBaseUnderItsLastToken() {
        Random random = new Random(11);
        int interior = 0;
        int edge = 0;
        for (int w = 0; w < 2000; w++) {
            String bases = randomBases(random, 131);
            int[] tokens = sequence(bases);
            int n = tokens.length - 2;
            SpanMasker.Result result = new SpanMasker(0.15, K, true).apply(tokens, 1, n + 1, new SplittableRandom(w));
            Set<Integer> targets = targets(result);
            char[] shown = shownBases(tokens, n, targets);
            for (SpanMasker.Span span : result.spans()) {
                int a = span.start() - 1; // window token index of the span's first token
                List<Integer> hidden = new ArrayList<>();
                for (int b = a; b < a + 2 * K - 1; b++) { // the span's tokens cover bases a..a+10
                    if (shown[b] == '?') {
                        hidden.add(b);
                    }
                }
                boolean atEdge = a == 0 || a + K == n;
                if (atEdge) {
                    // No visible token on one side: the K bases on that side of the span are hidden.
                    assertEquals(K, hidden.size(), "span at window token " + a);
                    edge++;
                } else {
                    assertEquals(List.of(a + K - 1), hidden, "span at window token " + a);
                    interior++;
                }
            }
            // Everything the spans do not hide is shown correctly.
            for (int b = 0; b < shown.length; b++) {
                assertTrue(shown[b] == '?' || shown[b] == bases.charAt(b));
            }
        }
        assertTrue(interior > 5000 && edge > 50, interior + " interior, " + edge + " edge spans");
    }

    @Test
    void spanBasesFourMakesSpansOfNineTokensThatHideFourBases() {
        // h = 4 hidden bases: spans of L = k + h - 1 = 9 tokens. By the rule in the class comment an
        // interior span at window token a hides bases a+5..a+8 (L-k+1 = 4 of them); at an edge, with
        // no visible token on one side, it hides the L = 9 bases on that side (a..a+8 at the start,
        // a+5..a+13 at the end). A random span redraws exactly those bases: the window still reads as
        // one consistent DNA sequence, equal to the original outside them.
        int h = 4;
        int length = K + h - 1;
        Random random = new Random(17);
        int interior = 0;
        int edge = 0;
        int redrawn = 0;
        for (int w = 0; w < 2000; w++) {
            String bases = randomBases(random, 131);
            int[] tokens = sequence(bases);
            int n = tokens.length - 2;
            SpanMasker.Result result = new SpanMasker(0.15, K, true, h).apply(tokens, 1, n + 1, new SplittableRandom(w));
            Set<Integer> targets = targets(result);
            char[] shown = shownBases(tokens, n, targets);
            for (SpanMasker.Span span : result.spans()) {
                assertEquals(length, span.length());
                int a = span.start() - 1;
                List<Integer> hidden = new ArrayList<>();
                for (int b = a; b < a + length + K - 1; b++) {
                    if (shown[b] == '?') {
                        hidden.add(b);
                    }
                }
                List<Integer> expected = new ArrayList<>();
                if (a == 0) {
                    for (int b = a; b < a + length; b++) {
                        expected.add(b);
                    }
                    edge++;
                } else if (a + length == n) {
                    for (int b = a + K - 1; b < a + length + K - 1; b++) {
                        expected.add(b);
                    }
                    edge++;
                } else {
                    for (int b = a + K - 1; b < a + length; b++) {
                        expected.add(b);
                    }
                    interior++;
                }
                assertEquals(expected, hidden, "span at window token " + a);
                if (span.action() == SpanMasker.Action.RANDOM) {
                    // Read every token (the span's too): consecutive k-mers must overlap in k-1 bases,
                    // and only hidden bases may differ from the original.
                    for (int t = 0; t < length; t++) {
                        String kmer = VOCAB.decode(tokens[span.start() + t]);
                        for (int j = 0; j < K; j++) {
                            int b = a + t + j;
                            if (shown[b] != '?') {
                                assertEquals(shown[b], kmer.charAt(j), "redrawn span contradicts a visible base");
                            }
                            if (t > 0 && j < K - 1) {
                                assertEquals(VOCAB.decode(tokens[span.start() + t - 1]).charAt(j + 1), kmer.charAt(j),
                                        "redrawn k-mers disagree");
                            }
                        }
                    }
                    redrawn++;
                }
            }
        }
        assertTrue(interior > 3000 && edge > 30 && redrawn > 300,
                interior + " interior, " + edge + " edge, " + redrawn + " redrawn spans");
        // Rate: x = 0.15 * 126 / 9 = 2.1 spans: 18 or (p = 0.1) 27 tokens; mean 9 * 2.1 / 126 = 0.15;
        // per window sd (9 / 126) sqrt(0.1 * 0.9) = 0.0214, over 4000 windows 3.39e-4; 5 sd 1.7e-3.
        checkRate(true, h, 18, 27, 1.7e-3);
    }

    @Test
    void spansAreRunsOfKKmerTokensThatNeverTouchSpecialTokens() {
        Random random = new Random(5);
        for (int w = 0; w < 2000; w++) {
            int[] tokens = sequence(randomBases(random, 100));
            int n = tokens.length - 2;
            // Sprinkle [UNK]s (k-mers with an N) and pad the tail of a longer sequence.
            for (int i = 1; i <= n; i++) {
                if (random.nextInt(25) == 0) {
                    tokens[i] = KmerVocabulary.UNK;
                }
            }
            int[] padded = java.util.Arrays.copyOf(tokens, tokens.length + 10); // [PAD] is 0
            int[] before = padded.clone();
            SpanMasker.Result result = new SpanMasker(0.15, K, true).apply(padded, 0, padded.length,
                    new SplittableRandom(w));
            List<Integer> positions = new ArrayList<>();
            int previousEnd = -2;
            for (SpanMasker.Span span : result.spans()) {
                assertEquals(K, span.length());
                assertTrue(span.start() >= previousEnd + 1, "spans are at least one token apart");
                for (int p = span.start(); p < span.start() + K; p++) {
                    assertTrue(before[p] >= KmerVocabulary.FIRST_KMER, "only k-mers are masked");
                    positions.add(p);
                }
                previousEnd = span.start() + K;
            }
            assertEquals(positions, java.util.Arrays.stream(result.positions()).boxed().toList(),
                    "the targets are exactly the spans' tokens");
            for (int i = 0; i < result.positions().length; i++) {
                assertEquals(before[result.positions()[i]], result.originals()[i]);
            }
            for (int p = 0; p < padded.length; p++) {
                if (before[p] < KmerVocabulary.FIRST_KMER) {
                    assertEquals(before[p], padded[p], "special token at " + p + " untouched");
                }
            }
        }
    }

    @Test
    void realisedRateIsTheTargetWithinAFiveSigmaBound() {
        // Overlapping: M = 126 maskable tokens, rate 0.15, spans of 6: x = 0.15 * 126 / 6 = 3.15,
        // so each window gets 3 spans (18 tokens) or, with probability 0.15, 4 (24 tokens). Mean rate
        // 6 * 3.15 / 126 = 0.15; per window sd = (6 / 126) sqrt(0.15 * 0.85) = 0.0170; over 4000
        // windows sd 0.0170 / sqrt(4000) = 2.69e-4, so the mean lies within 5 sd = 1.35e-3 of 0.15.
        checkRate(true, 1, 18, 24, 1.35e-3);
        // Non-overlapping: spans of 1, x = 18.9: 18 or 19 tokens (p = 0.9); per window
        // sd = sqrt(0.9 * 0.1) / 126 = 2.38e-3, over 4000 windows 3.77e-5; 5 sd = 1.9e-4.
        checkRate(false, 1, 18, 19, 1.9e-4);
    }

    private static void checkRate(boolean overlapping, int hiddenBases, int low, int high, double bound) {
        Random random = new Random(3);
        double sum = 0;
        int windows = 4000;
        for (int w = 0; w < windows; w++) {
            int[] tokens = new int[128];
            tokens[0] = KmerVocabulary.CLS;
            for (int i = 1; i <= 126; i++) {
                tokens[i] = KmerVocabulary.FIRST_KMER + random.nextInt(1 << (2 * K));
            }
            tokens[127] = KmerVocabulary.SEP;
            int masked = new SpanMasker(0.15, K, overlapping, hiddenBases).apply(tokens, 1, 127, new SplittableRandom(w))
                    .positions().length;
            assertTrue(masked == low || masked == high, "masked " + masked);
            sum += masked / 126.0;
        }
        double mean = sum / windows;
        assertTrue(Math.abs(mean - 0.15) <= bound, "mean rate " + mean);
    }

    @Test
    void eightyTenTenIsDecidedOncePerSpan() {
        // Read off the tokens alone, an interior span is all [MASK] with p = 0.8; reads exactly as
        // before with p = 0.1 (kept) + 0.1 * 1/4 (random, redrawing its one hidden base to the
        // same letter) = 0.125; and reads as different but consistent DNA with p = 0.1 * 3/4 = 0.075.
        // Bounds: 5 binomial sd. A span mixing [MASK] and k-mers fails outright.
        Random random = new Random(21);
        int spans = 0;
        int allMask = 0;
        int unchanged = 0;
        int changed = 0;
        int[] byAction = new int[3];
        for (int w = 0; w < 4000; w++) {
            String bases = randomBases(random, 131);
            int[] tokens = sequence(bases);
            int[] before = tokens.clone();
            int n = tokens.length - 2;
            SpanMasker.Result result = new SpanMasker(0.15, K, true).apply(tokens, 1, n + 1, new SplittableRandom(w));
            for (SpanMasker.Span span : result.spans()) {
                byAction[span.action().ordinal()]++;
                int a = span.start();
                if (a == 1 || a + K == n + 1) {
                    continue;
                }
                spans++;
                int masks = 0;
                int same = 0;
                for (int p = a; p < a + K; p++) {
                    masks += tokens[p] == KmerVocabulary.MASK ? 1 : 0;
                    same += tokens[p] == before[p] ? 1 : 0;
                }
                if (masks == K) {
                    allMask++;
                    assertEquals(SpanMasker.Action.MASK, span.action());
                    continue;
                }
                assertEquals(0, masks, "a span is [MASK] as a whole or not at all");
                // Not [MASK]: the span with its visible neighbours reads as one DNA string that
                // differs from the original at most at the hidden base a-1+5 (window coordinates).
                StringBuilder read = new StringBuilder(VOCAB.decode(tokens[a - 1]));
                for (int p = a; p <= a + K; p++) {
                    String kmer = VOCAB.decode(tokens[p]);
                    assertEquals(read.substring(read.length() - (K - 1)), kmer.substring(0, K - 1),
                            "overlapping k-mers agree at " + p);
                    read.append(kmer.charAt(K - 1));
                }
                String original = bases.substring(a - 2, a - 2 + read.length());
                int hidden = a - 1 + K - 1 - (a - 2); // index of the hidden base within read
                for (int b = 0; b < read.length(); b++) {
                    if (b != hidden) {
                        assertEquals(original.charAt(b), read.charAt(b));
                    }
                }
                if (same == K) {
                    unchanged++;
                } else {
                    changed++;
                    assertEquals(SpanMasker.Action.RANDOM, span.action());
                }
            }
        }
        check(allMask, spans, 0.8);
        check(unchanged, spans, 0.125);
        check(changed, spans, 0.075);
        int all = byAction[0] + byAction[1] + byAction[2];
        check(byAction[SpanMasker.Action.MASK.ordinal()], all, 0.8);
        check(byAction[SpanMasker.Action.RANDOM.ordinal()], all, 0.1);
        check(byAction[SpanMasker.Action.KEEP.ordinal()], all, 0.1);
    }

    private static void check(int count, int n, double p) {
        double sd = Math.sqrt(n * p * (1 - p));
        assertTrue(Math.abs(count - n * p) <= 5 * sd, count + " of " + n + ", expected " + n * p + " +- " + 5 * sd);
    }

    @Test
    void nonOverlappingRandomReplacementIsAUniformKmer() {
        // Spans of one token; no neighbour shares its bases, so all 6 are redrawn: a uniform 6-mer.
        // Of 4096 possible ids the first base's letter is uniform: each in 1/4 of replacements.
        Random random = new Random(8);
        int[] firstBase = new int[4];
        int replaced = 0;
        for (int w = 0; w < 20000 && replaced < 8000; w++) {
            int[] tokens = new int[22];
            tokens[0] = KmerVocabulary.CLS;
            for (int i = 1; i <= 20; i++) {
                tokens[i] = KmerVocabulary.FIRST_KMER + random.nextInt(1 << (2 * K));
            }
            tokens[21] = KmerVocabulary.SEP;
            SpanMasker.Result result = new SpanMasker(0.15, K, false).apply(tokens, 1, 21, new SplittableRandom(w));
            for (SpanMasker.Span span : result.spans()) {
                assertEquals(1, span.length());
                if (span.action() == SpanMasker.Action.RANDOM) {
                    assertTrue(tokens[span.start()] >= KmerVocabulary.FIRST_KMER);
                    firstBase["ATCG".indexOf(VOCAB.decode(tokens[span.start()]).charAt(0))]++;
                    replaced++;
                }
            }
        }
        for (int count : firstBase) {
            check(count, replaced, 0.25);
        }
    }

    @Test
    void theSameGeneratorMasksTheSameWay() {
        String bases = randomBases(new Random(2), 131);
        int[] a = sequence(bases);
        int[] b = sequence(bases);
        SpanMasker.Result ra = new SpanMasker(0.15, K, true).apply(a, 1, a.length - 1, new SplittableRandom(99));
        SpanMasker.Result rb = new SpanMasker(0.15, K, true).apply(b, 1, b.length - 1, new SplittableRandom(99));
        assertArrayEquals(a, b);
        assertEquals(ra.spans(), rb.spans());
        assertNotEquals(0, ra.positions().length);
    }
}
