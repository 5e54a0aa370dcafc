package org.regbert.pretrain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.regbert.shards.KmerVocabulary;

/**
 * The masked-token objective's corruption of one sequence: which k-mer tokens become targets and
 * what the model reads in their place. Every choice comes from the generator passed in, so a
 * sequence masks the same way whenever its sample is rebuilt (resume).
 *
 * <p><b>Spans.</b> Targets come in spans of {@code k + h - 1} consecutive tokens for overlapping
 * k-mers, which hide {@code h} bases ({@code h = 1} by default, as DNABERT; 1 token for
 * non-overlapping ones). A span holds only k-mer tokens: special tokens ([PAD], [UNK],
 * [CLS], [SEP], [MASK]) are never targets and a span never crosses one. Two spans are at least one
 * unmasked token apart. Why: overlapping k-mers share k-1 bases with each neighbour, so a masked
 * run of L tokens between two visible k-mers hides only L-k+1 of its bases (worked out in
 * {@code SpanMaskerTest}); a span of exactly k tokens hides one base, and the gap keeps two spans
 * from merging into a run that hides a different number. With one hidden base, all but that base
 * of every target k-mer can be copied from the neighbours: on chr20 the copy is learnt in minutes,
 * while the hidden base stays costlier than count tables of its flanking bases price it
 * (docs/science-history.md), so {@code h > 1} makes more of the loss depend on sequence context.
 *
 * <p><b>Rate.</b> With M maskable tokens and x = rate * M / spanLength, a sequence gets floor(x)
 * spans, one more with probability x - floor(x), so the expected masked fraction is exactly the
 * rate (BERT rounds per sequence, which biases short windows). At least one span is placed when one
 * fits (a bias only for sequences with x &lt; 1). Spans are placed one by one, each uniformly among
 * the starts still free; at rates above about 0.6 with k = 6 the free starts can run out first.
 *
 * <p><b>80/10/10 per span.</b> Each span, as a whole, becomes [MASK] (80%), random (10%) or stays
 * unchanged (10%). Deciding per token inside a span would let a kept or random token show the
 * hidden base to the rest of the span (in about half of all spans).
 *
 * <p><b>Random replacement is consistent DNA.</b> The span's bases that no visible k-mer shows
 * (one base for a span between two visible k-mers; all k for non-overlapping tokens) are redrawn
 * uniformly from ACGT and the span's k-mers rebuilt from them and the shown bases. The input then
 * reads as real sequence with a substituted base, which is BERT's "random word" for a model whose
 * hidden unit is one base (it equals the original with probability 1/4 per hidden base).
 * Independent random k-mers would contradict their neighbours in k-1 bases: the model would spot
 * them as a second [MASK] symbol and never learn to doubt plausible input.
 */
final class SpanMasker {
    /** Share of spans turned into [MASK], and of spans made random (the rest stay unchanged). */
    static final double MASK_SHARE = 0.8;
    static final double RANDOM_SHARE = 0.1;

    /** What the model reads in a span's place. */
    enum Action { MASK, RANDOM, KEEP }

    /** A span of targets: sequence positions {@code [start, start + length)}. */
    record Span(int start, int length, Action action) {
    }

    /**
     * The spans (by start), every target position (ascending) and its original token.
     */
    record Result(List<Span> spans, int[] positions, int[] originals) {
    }

    private final double rate;
    private final int k;
    private final int step;
    private final int spanLength;

    /**
     * @param rate expected fraction of maskable tokens made targets
     * @param k the k-mer length
     * @param overlapping whether consecutive tokens start one base apart (else k bases apart)
     */
    SpanMasker(double rate, int k, boolean overlapping) {
        this(rate, k, overlapping, 1);
    }

    /**
     * @param hiddenBases bases each span hides between two visible overlapping k-mers (its length is
     *     {@code k + hiddenBases - 1} tokens); must be 1 for non-overlapping k-mers
     */
    SpanMasker(double rate, int k, boolean overlapping, int hiddenBases) {
        if (hiddenBases < 1 || (!overlapping && hiddenBases != 1)) {
            throw new IllegalArgumentException("hidden bases per span: " + hiddenBases);
        }
        this.rate = rate;
        this.k = k;
        this.step = overlapping ? 1 : k;
        this.spanLength = overlapping ? k + hiddenBases - 1 : 1;
    }

    int spanLength() {
        return spanLength;
    }

    /**
     * Masks {@code tokens[from, to)} in place (positions outside are only read, as neighbours) and
     * returns what was masked.
     */
    Result apply(int[] tokens, int from, int to, SplittableRandom rng) {
        int maskable = 0;
        for (int p = from; p < to; p++) {
            if (tokens[p] >= KmerVocabulary.FIRST_KMER) {
                maskable++;
            }
        }
        if (maskable == 0) {
            return new Result(List.of(), new int[0], new int[0]);
        }
        double expected = rate * maskable / spanLength;
        int wanted = (int) Math.floor(expected);
        if (rng.nextDouble() < expected - wanted) {
            wanted++;
        }
        wanted = Math.max(1, wanted);
        boolean[] chosen = new boolean[to - from];
        int[] free = new int[to - from];
        List<Integer> starts = new ArrayList<>();
        for (int s = 0; s < wanted; s++) {
            int count = 0;
            for (int p = from; p + spanLength <= to; p++) {
                if (fits(tokens, chosen, from, to, p)) {
                    free[count++] = p;
                }
            }
            if (count == 0) {
                break;
            }
            int start = free[rng.nextInt(count)];
            for (int p = start; p < start + spanLength; p++) {
                chosen[p - from] = true;
            }
            starts.add(start);
        }
        Collections.sort(starts);
        int[] positions = new int[starts.size() * spanLength];
        int[] originals = new int[positions.length];
        List<Span> spans = new ArrayList<>(starts.size());
        int i = 0;
        for (int start : starts) {
            for (int p = start; p < start + spanLength; p++) {
                positions[i] = p;
                originals[i++] = tokens[p];
            }
            double r = rng.nextDouble();
            spans.add(new Span(start, spanLength,
                    r < MASK_SHARE ? Action.MASK : r < MASK_SHARE + RANDOM_SHARE ? Action.RANDOM : Action.KEEP));
        }
        for (Span span : spans) {
            if (span.action() == Action.MASK) {
                for (int p = span.start(); p < span.start() + spanLength; p++) {
                    tokens[p] = KmerVocabulary.MASK;
                }
            } else if (span.action() == Action.RANDOM) {
                redraw(tokens, chosen, from, to, span.start(), rng);
            }
        }
        return new Result(List.copyOf(spans), positions, originals);
    }

    /** Whether a span can start at {@code p}: k-mers only, none taken, and a free token on each side. */
    private boolean fits(int[] tokens, boolean[] chosen, int from, int to, int p) {
        for (int q = p; q < p + spanLength; q++) {
            if (tokens[q] < KmerVocabulary.FIRST_KMER || chosen[q - from]) {
                return false;
            }
        }
        return !(p - 1 >= from && chosen[p - 1 - from]) && !(p + spanLength < to && chosen[p + spanLength - from]);
    }

    /**
     * Redraws the bases of the span at {@code start} that no visible k-mer shows and rebuilds its
     * k-mers. Bases are numbered from the span's first base: token q covers [(q - start) step,
     * (q - start) step + k). Codes are the vocabulary's (2 bits a base, first base most significant).
     */
    private void redraw(int[] tokens, boolean[] chosen, int from, int to, int start, SplittableRandom rng) {
        int bases = (spanLength - 1) * step + k;
        int[] base = new int[bases];
        boolean[] shown = new boolean[bases];
        for (int t = 0; t < spanLength; t++) {
            int code = tokens[start + t] - KmerVocabulary.FIRST_KMER;
            for (int j = 0; j < k; j++) {
                base[t * step + j] = (code >>> (2 * (k - 1 - j))) & 3;
            }
        }
        for (int q = Math.max(from, start - k); q < Math.min(to, start + bases + 1); q++) {
            boolean inSpan = q >= start && q < start + spanLength;
            if (inSpan || chosen[q - from] || tokens[q] < KmerVocabulary.FIRST_KMER) {
                continue;
            }
            int first = (q - start) * step;
            for (int b = Math.max(0, first); b < Math.min(bases, first + k); b++) {
                shown[b] = true;
            }
        }
        for (int b = 0; b < bases; b++) {
            if (!shown[b]) {
                base[b] = rng.nextInt(4);
            }
        }
        for (int t = 0; t < spanLength; t++) {
            int code = 0;
            for (int j = 0; j < k; j++) {
                code = (code << 2) | base[t * step + j];
            }
            tokens[start + t] = KmerVocabulary.FIRST_KMER + code;
        }
    }
}
