package org.regbert.pretrain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.regbert.shards.KmerVocabulary;

/**
 * Turns windows into masked training sequences. Every random choice (window order, crop, cell
 * type, masking, negative pairs) comes from a generator seeded by the run's seed and the sample's
 * global index, so batch {@code s} is the same whether the run was interrupted or not.
 *
 * <p>Masking follows DNABERT for overlapping k-mers: masked positions come in contiguous spans of
 * k tokens (a span centred on a picked token) until the mask rate is reached, so a masked k-mer
 * cannot be read off its unmasked neighbours; of the masked tokens 80% become [MASK], 10% a random
 * k-mer and 10% stay.
 */
final class Sampler {
    private final ShardCorpus corpus;
    private final PretrainConfig config;
    private final Vocabularies vocab;
    private final int content;
    private final int length;
    private final int span;
    private final int kmers;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] permutation;

    Sampler(ShardCorpus corpus, PretrainConfig config, Vocabularies vocab) {
        this.corpus = corpus;
        this.config = config;
        this.vocab = vocab;
        this.content = Math.min(corpus.windowTokens(), config.architecture.maxLength - 2);
        this.length = content + 2;
        this.span = corpus.manifest().tokenizer().overlapping() ? corpus.k() : 1;
        this.kmers = corpus.vocabulary().size() - KmerVocabulary.FIRST_KMER;
        this.seed = config.training.seed;
    }

    /** Tokens per sequence, [CLS] and [SEP] included. */
    int length() {
        return length;
    }

    /** The micro-batches of optimiser step {@code step} (1-based). */
    Batch[] trainStep(long step) {
        int b = config.training.batchSize;
        int accumulation = config.training.accumulation;
        Batch[] micro = new Batch[accumulation];
        for (int a = 0; a < accumulation; a++) {
            long first = ((step - 1) * accumulation + a) * b;
            int[] shard = new int[b];
            int[] row = new int[b];
            SplittableRandom[] rngs = new SplittableRandom[b];
            int[] cellTypes = new int[b];
            for (int j = 0; j < b; j++) {
                long g = first + j;
                int index = windowAt(g);
                shard[j] = corpus.trainShard(index);
                row[j] = corpus.trainRow(index);
                rngs[j] = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + g);
                cellTypes[j] = vocab.cellTypes() == null ? 0 : rngs[j].nextInt(vocab.cellTypes().size());
            }
            micro[a] = build(shard, row, cellTypes, rngs, true);
        }
        return micro;
    }

    /** The fixed held-out batches: the same windows, crops, cell types and masks at every evaluation. */
    List<Batch> evalBatches() {
        int n = Math.min(config.data.evalWindows, corpus.validWindows());
        int[] order = shuffled(corpus.validWindows(), new SplittableRandom(seed ^ 0xE7A1L));
        List<Batch> batches = new ArrayList<>();
        int b = config.training.batchSize;
        for (int from = 0; from < n; from += b) {
            int size = Math.min(b, n - from);
            int[] shard = new int[size];
            int[] row = new int[size];
            int[] cellTypes = new int[size];
            SplittableRandom[] rngs = new SplittableRandom[size];
            for (int j = 0; j < size; j++) {
                int index = order[from + j];
                shard[j] = corpus.validShard(index);
                row[j] = corpus.validRow(index);
                cellTypes[j] = vocab.cellTypes() == null ? 0 : (from + j) % vocab.cellTypes().size();
                rngs[j] = new SplittableRandom(seed * 0xC2B2AE3D27D4EB4FL - 1 - from - j);
            }
            batches.add(build(shard, row, cellTypes, rngs, false));
        }
        return batches;
    }

    /** Unigram k-mer counts over (a stride sample of) the training windows. */
    long[] unigramCounts(int maxWindows) {
        long[] counts = new long[corpus.vocabulary().size()];
        int n = corpus.trainWindows();
        int windows = Math.min(maxWindows, n);
        short[] buffer = new short[corpus.windowTokens()];
        for (int j = 0; j < windows; j++) {
            int index = (int) ((long) j * n / windows);
            corpus.readTokens(corpus.trainShard(index), corpus.trainRow(index), 0, corpus.windowTokens(), buffer);
            for (short t : buffer) {
                int id = Short.toUnsignedInt(t);
                if (id >= KmerVocabulary.FIRST_KMER && id < counts.length) {
                    counts[id]++;
                }
            }
        }
        return counts;
    }

    private int windowAt(long g) {
        int n = corpus.trainWindows();
        long epoch = g / n;
        if (epoch != cachedEpoch) {
            permutation = shuffled(n, new SplittableRandom(seed * 31 + epoch * 0xBF58476D1CE4E5B9L + 7));
            cachedEpoch = epoch;
        }
        return permutation[(int) (g % n)];
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private Batch build(int[] shard, int[] row, int[] cellTypes, SplittableRandom[] rngs, boolean training) {
        int size = shard.length;
        boolean ebert = !config.isGeneBert();
        boolean maskStates = ebert && config.data.maskStates;
        int[] tokens = new int[size * length];
        int[] states = ebert ? new int[size * length] : null;
        List<int[]> masked = new ArrayList<>();
        short[] window = new short[content];
        byte[] stateBuffer = new byte[content];
        boolean[] mask = new boolean[length];
        long real = 0;
        int regions = config.isGeneBert() ? vocab.regions() : 0;
        int motifs = config.isGeneBert() ? vocab.motifNames().size() : 0;
        float[] motifInput = null;
        float[] regionMask = null;
        float[] matchLabels = null;
        List<float[]> regionTargets = new ArrayList<>();
        List<Integer> maskedRegions = new ArrayList<>();
        float[] matrix = new float[regions * motifs];
        if (config.isGeneBert()) {
            motifInput = new float[size * regions * motifs];
            regionMask = new float[size * regions];
            matchLabels = new float[size];
        }
        for (int j = 0; j < size; j++) {
            SplittableRandom rng = rngs[j];
            int offset = corpus.windowTokens() > content ? rng.nextInt(corpus.windowTokens() - content + 1) : 0;
            corpus.readTokens(shard[j], row[j], offset, content, window);
            int n = 0;
            while (n < content && window[n] != KmerVocabulary.PAD) {
                n++;
            }
            int base = j * length;
            tokens[base] = KmerVocabulary.CLS;
            for (int i = 0; i < n; i++) {
                tokens[base + 1 + i] = Short.toUnsignedInt(window[i]);
            }
            tokens[base + 1 + n] = KmerVocabulary.SEP;
            real += n + 2;
            if (ebert) {
                corpus.readStates(shard[j], row[j], cellTypes[j], offset, content, stateBuffer);
                for (int i = 0; i < n; i++) {
                    int state = Byte.toUnsignedInt(stateBuffer[i]);
                    states[base + 1 + i] = state < vocab.states().size() ? state : 0;
                }
            }
            chooseMasked(tokens, base, n, rng, mask);
            for (int p = 1; p <= n; p++) {
                if (!mask[p]) {
                    continue;
                }
                int original = tokens[base + p];
                int originalState = ebert ? states[base + p] : 0;
                masked.add(new int[] {base + p, original, originalState});
                double r = rng.nextDouble();
                if (r < 0.8) {
                    tokens[base + p] = KmerVocabulary.MASK;
                } else if (r < 0.9) {
                    tokens[base + p] = KmerVocabulary.FIRST_KMER + rng.nextInt(kmers);
                }
                if (maskStates) {
                    states[base + p] = vocab.maskStateId();
                }
            }
            if (config.isGeneBert()) {
                boolean negative = training ? rng.nextDouble() < config.genebert.negativeFraction : j % 2 == 1;
                int s = shard[j];
                int w = row[j];
                if (negative && corpus.trainWindows() > 1) {
                    int other;
                    do {
                        other = rng.nextInt(corpus.trainWindows());
                    } while (corpus.trainShard(other) == s && corpus.trainRow(other) == w);
                    s = corpus.trainShard(other);
                    w = corpus.trainRow(other);
                } else {
                    negative = false;
                }
                matchLabels[j] = negative ? 0f : 1f;
                corpus.readMotifs(s, w, matrix);
                vocab.standardise(matrix);
                boolean[] regionMasked = new boolean[regions];
                // Negatives are masked alike (else "has a masked region" would give the pairing away);
                // only positives' masked regions are reconstructed.
                boolean any = false;
                for (int r = 0; r < regions; r++) {
                    regionMasked[r] = rng.nextDouble() < config.genebert.regionMaskRate;
                    any |= regionMasked[r];
                }
                if (!any && config.genebert.regionMaskRate > 0) {
                    regionMasked[rng.nextInt(regions)] = true;
                }
                for (int r = 0; r < regions; r++) {
                    int out = (j * regions + r) * motifs;
                    if (regionMasked[r]) {
                        regionMask[j * regions + r] = 1f;
                    }
                    if (regionMasked[r] && !negative) {
                        float[] target = new float[motifs];
                        for (int t = 0; t < motifs; t++) {
                            target[t] = matrix[t * regions + r];
                        }
                        regionTargets.add(target);
                        maskedRegions.add(j * regions + r);
                    } else if (!regionMasked[r]) {
                        for (int t = 0; t < motifs; t++) {
                            motifInput[out + t] = matrix[t * regions + r];
                        }
                    }
                }
            }
        }
        int[] positions = new int[masked.size()];
        int[] targets = new int[masked.size()];
        int[] stateTargets = maskStates ? new int[masked.size()] : null;
        for (int i = 0; i < positions.length; i++) {
            int[] m = masked.get(i);
            positions[i] = m[0];
            targets[i] = m[1];
            if (stateTargets != null) {
                stateTargets[i] = m[2];
            }
        }
        float[] flatTargets = new float[regionTargets.size() * motifs];
        for (int i = 0; i < regionTargets.size(); i++) {
            System.arraycopy(regionTargets.get(i), 0, flatTargets, i * motifs, motifs);
        }
        return new Batch(size, length, tokens, states, ebert && vocab.cellTypes() != null ? cellTypes : null,
                positions, targets, stateTargets, real, regions, motifs, motifInput, regionMask,
                maskedRegions.stream().mapToInt(Integer::intValue).toArray(), flatTargets, matchLabels);
    }

    /** Marks positions 1..n to mask: spans of {@code span} k-mer tokens until the rate is reached. */
    private void chooseMasked(int[] tokens, int base, int n, SplittableRandom rng, boolean[] mask) {
        Arrays.fill(mask, false);
        int[] candidates = new int[n];
        int count = 0;
        for (int p = 1; p <= n; p++) {
            if (tokens[base + p] >= KmerVocabulary.FIRST_KMER) {
                candidates[count++] = p;
            }
        }
        if (count == 0) {
            return;
        }
        int target = Math.max(1, (int) Math.round(config.data.maskRate * count));
        int chosen = 0;
        int before = (span - 1) / 2;
        for (int tries = 0; chosen < target && tries < 4 * count; tries++) {
            int centre = candidates[rng.nextInt(count)];
            for (int p = Math.max(1, centre - before); p <= Math.min(n, centre - before + span - 1); p++) {
                if (!mask[p] && tokens[base + p] >= KmerVocabulary.FIRST_KMER) {
                    mask[p] = true;
                    chosen++;
                }
            }
        }
    }
}
