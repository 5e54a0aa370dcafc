package org.regbert.pretrain;

import java.util.SplittableRandom;
import org.regbert.shards.KmerVocabulary;

/**
 * The motif matrices GeneBERT's sequence-region matching pairs with a window as negatives
 * (label 0). Each negative is one of three kinds, drawn with the config's fractions:
 * <ul>
 *   <li>{@link Kind#SHUFFLED} ({@code genebert.shuffledNegatives}): the window's own matrix with
 *       its region columns permuted so that at least one visible (unmasked) column changes. The
 *       motif content is right, only its placement along the sequence is wrong, so the model has to
 *       match each region's motifs to that region's bases.</li>
 *   <li>{@link Kind#GC_MATCHED} ({@code genebert.gcMatchedNegatives}): the matrix of another
 *       training window whose GC fraction is within {@code genebert.gcTolerance} of this window's
 *       (the first of up to {@value #GC_TRIES} random windows). Motif scores follow base
 *       composition, so a uniformly drawn window's matrix can often be told apart by GC alone.</li>
 *   <li>{@link Kind#RANDOM} (the rest): another training window's matrix, uniformly.</li>
 * </ul>
 * A shuffle that cannot change a visible column (one region, identical columns) and a GC search
 * that finds no match fall back to {@link Kind#RANDOM}. Every draw comes from the sample's
 * generator.
 */
final class MatchNegatives {
    static final int SHUFFLE_TRIES = 16;
    static final int GC_TRIES = 64;

    enum Kind { RANDOM, SHUFFLED, GC_MATCHED }

    /**
     * A negative: its kind; the training-window index whose matrix it uses (-1 for
     * {@link Kind#SHUFFLED}, which uses the window's own); for SHUFFLED the column order (the
     * negative's column r is the own matrix's column {@code order[r]}), else null.
     */
    record Negative(Kind kind, int window, int[] order) {
    }

    private final ShardCorpus corpus;
    private final PretrainConfig.GeneBert config;
    private final int motifs;
    private final int regions;
    private final int step;
    private final short[] buffer;

    MatchNegatives(ShardCorpus corpus, PretrainConfig.GeneBert config) {
        this.corpus = corpus;
        this.config = config;
        this.motifs = corpus.motifNames().size();
        this.regions = corpus.regions();
        this.step = corpus.manifest().tokenizer().overlapping() ? 1 : corpus.k();
        this.buffer = new short[corpus.windowTokens()];
    }

    /**
     * A negative for the window at ({@code shard}, {@code row}) whose first {@code n} tokens are
     * {@code tokens} and whose raw matrix ([motifs, regions]) is {@code own}; {@code masked} marks
     * the masked regions. Null when no negative can be made (a single training window).
     */
    Negative choose(int shard, int row, short[] tokens, int n, float[] own, boolean[] masked, SplittableRandom rng) {
        double u = rng.nextDouble();
        if (u < config.shuffledNegatives) {
            int[] order = shuffledColumns(own, masked, rng);
            if (order != null) {
                return new Negative(Kind.SHUFFLED, -1, order);
            }
        } else if (u < config.shuffledNegatives + config.gcMatchedNegatives) {
            double gc = gcFraction(tokens, n, corpus.k(), step);
            int windows = corpus.trainWindows();
            for (int t = 0; t < GC_TRIES && !Double.isNaN(gc) && windows > 1; t++) {
                int other = rng.nextInt(windows);
                if (isOwn(other, shard, row)) {
                    continue;
                }
                corpus.readTokens(corpus.trainShard(other), corpus.trainRow(other), 0, buffer.length, buffer);
                if (Math.abs(gcFraction(buffer, realTokens(buffer), corpus.k(), step) - gc) <= config.gcTolerance) {
                    return new Negative(Kind.GC_MATCHED, other, null);
                }
            }
        }
        if (corpus.trainWindows() <= 1) {
            return null;
        }
        int other;
        do {
            other = rng.nextInt(corpus.trainWindows());
        } while (isOwn(other, shard, row));
        return new Negative(Kind.RANDOM, other, null);
    }

    /** The negative's raw matrix [motifs, regions] into {@code into}. */
    void matrix(Negative negative, float[] own, float[] into) {
        if (negative.kind() == Kind.SHUFFLED) {
            for (int t = 0; t < motifs; t++) {
                for (int r = 0; r < regions; r++) {
                    into[t * regions + r] = own[t * regions + negative.order()[r]];
                }
            }
        } else {
            corpus.readMotifs(corpus.trainShard(negative.window()), corpus.trainRow(negative.window()), into);
        }
    }

    /** A column order that changes some visible column, or null when tries run out. */
    private int[] shuffledColumns(float[] own, boolean[] masked, SplittableRandom rng) {
        int[] order = new int[regions];
        for (int attempt = 0; attempt < SHUFFLE_TRIES && regions > 1; attempt++) {
            for (int r = 0; r < regions; r++) {
                order[r] = r;
            }
            for (int r = regions - 1; r > 0; r--) {
                int j = rng.nextInt(r + 1);
                int t = order[r];
                order[r] = order[j];
                order[j] = t;
            }
            for (int r = 0; r < regions; r++) {
                if (!masked[r] && !sameColumn(own, r, order[r])) {
                    return order;
                }
            }
        }
        return null;
    }

    private boolean sameColumn(float[] matrix, int a, int b) {
        for (int t = 0; t < motifs; t++) {
            if (Float.compare(matrix[t * regions + a], matrix[t * regions + b]) != 0) {
                return false;
            }
        }
        return true;
    }

    private boolean isOwn(int trainIndex, int shard, int row) {
        return corpus.trainShard(trainIndex) == shard && corpus.trainRow(trainIndex) == row;
    }

    private static int realTokens(short[] window) {
        int n = 0;
        while (n < window.length && window[n] != KmerVocabulary.PAD) {
            n++;
        }
        return n;
    }

    /**
     * GC fraction of the bases the k-mer tokens {@code tokens[0, n)} show (token i covers bases
     * [i step, i step + k); [UNK] tokens show nothing); NaN when they show none.
     */
    static double gcFraction(short[] tokens, int n, int k, int step) {
        if (n == 0) {
            return Double.NaN;
        }
        byte[] base = new byte[(n - 1) * step + k];
        java.util.Arrays.fill(base, (byte) -1);
        for (int i = 0; i < n; i++) {
            int id = Short.toUnsignedInt(tokens[i]);
            if (id < KmerVocabulary.FIRST_KMER) {
                continue;
            }
            int code = id - KmerVocabulary.FIRST_KMER;
            for (int j = 0; j < k; j++) {
                base[i * step + j] = (byte) ((code >>> (2 * (k - 1 - j))) & 3);
            }
        }
        int known = 0;
        int gc = 0;
        for (byte b : base) {
            if (b >= 0) {
                known++;
                if (b >= 2) {
                    gc++; // codes 2 and 3 are C and G (KmerVocabulary: A=0, T=1, C=2, G=3)
                }
            }
        }
        return known == 0 ? Double.NaN : (double) gc / known;
    }
}
