package org.regbert.pretrain;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.regbert.common.BadInputException;
import org.regbert.shards.KmerVocabulary;

/**
 * Turns windows into masked training sequences. Every random choice (window order, crop, cell
 * type, masking, negative pairs) comes from a generator seeded by the run's seed and the sample's
 * global index, so batch {@code s} is the same whether the run was interrupted or not.
 *
 * <p>Masked tokens: {@link SpanMasker} (spans of k tokens, 80/10/10 decided per span). GeneBERT:
 * the masked regions are chosen first and the tokens covering their bases hidden ([MASK], not
 * targets), so neither the region encoder nor the sequence encoder sees a masked region's DNA;
 * negatives for sequence-region matching come from {@link MatchNegatives}.
 */
final class Sampler {
    private final ShardCorpus corpus;
    private final PretrainConfig config;
    private final Vocabularies vocab;
    private final int content;
    private final int length;
    private final SpanMasker masker;
    private final RegionLayout layout;
    private final MatchNegatives negatives;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] permutation;

    Sampler(ShardCorpus corpus, PretrainConfig config, Vocabularies vocab) {
        this.corpus = corpus;
        this.config = config;
        this.vocab = vocab;
        this.content = Math.min(corpus.windowTokens(), config.architecture.maxLength - 2);
        this.length = content + 2;
        boolean overlapping = corpus.manifest().tokenizer().overlapping();
        int spanBases = config.data.spanBases;
        if (!overlapping && spanBases != 1) {
            throw new BadInputException("--span-bases " + spanBases + " needs overlapping k-mers: the shards in "
                    + config.data.shards + " tile non-overlapping ones, which mask one token (k bases) per span");
        }
        this.masker = new SpanMasker(config.data.maskRate, corpus.k(), overlapping, spanBases);
        if (masker.spanLength() > content) {
            throw new BadInputException("--span-bases " + spanBases + " makes spans of " + masker.spanLength()
                    + " tokens, longer than the " + content + " window tokens of " + config.data.shards);
        }
        this.layout = config.isGeneBert() ? RegionLayout.of(vocab) : null;
        this.negatives = config.isGeneBert() ? new MatchNegatives(corpus, config.genebert) : null;
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
        boolean predictDropped = ebert && config.data.predictDroppedStates;
        // {flat position, original state} of every state the state head predicts
        List<int[]> stateRows = maskStates || predictDropped ? new ArrayList<>() : null;
        int[] tokens = new int[size * length];
        int[] states = ebert ? new int[size * length] : null;
        List<int[]> masked = new ArrayList<>();
        short[] window = new short[content];
        byte[] stateBuffer = new byte[content];
        long real = 0;
        int regions = config.isGeneBert() ? vocab.regions() : 0;
        int motifs = config.isGeneBert() ? vocab.motifNames().size() : 0;
        float[] motifInput = null;
        float[] regionMask = null;
        float[] matchLabels = null;
        List<float[]> regionTargets = new ArrayList<>();
        List<Integer> maskedRegions = new ArrayList<>();
        float[] matrix = new float[regions * motifs];
        float[] own = new float[regions * motifs];
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
            // drawn only when asked for, so runs without state dropout keep their random streams; held-out
            // windows keep their states, except odd ones when the hidden states are predicted (a held-out 'state')
            boolean statesDropped = ebert && (training
                    ? config.data.stateDropout > 0 && rng.nextDouble() < config.data.stateDropout
                    : predictDropped && j % 2 == 1);
            boolean predictHere = predictDropped && statesDropped;
            if (ebert && (!statesDropped || predictHere)) {
                corpus.readStates(shard[j], row[j], cellTypes[j], offset, content, stateBuffer);
                for (int i = 0; i < n; i++) {
                    int state = Byte.toUnsignedInt(stateBuffer[i]);
                    state = state < vocab.states().size() ? state : 0;
                    if (predictHere) {
                        stateRows.add(new int[] {base + 1 + i, state});
                    } else {
                        states[base + 1 + i] = state;
                    }
                }
            }
            boolean[] regionMasked = config.isGeneBert() ? maskedRegions(rng) : null;
            if (regionMasked != null) {
                hideRegions(tokens, base, n, regionMasked);
            }
            SpanMasker.Result m = masker.apply(tokens, base + 1, base + 1 + n, rng);
            for (int i = 0; i < m.positions().length; i++) {
                int p = m.positions()[i];
                masked.add(new int[] {p, m.originals()[i]});
                // a window shown without states keeps them all "no annotation" (its states are targets
                // only with predictDroppedStates, and then all of them already are)
                if (maskStates && !statesDropped) {
                    stateRows.add(new int[] {p, states[p]});
                    states[p] = vocab.maskStateId();
                }
            }
            if (config.isGeneBert()) {
                boolean negative = training ? rng.nextDouble() < config.genebert.negativeFraction : j % 2 == 1;
                corpus.readMotifs(shard[j], row[j], own);
                MatchNegatives.Negative pair = negative
                        ? negatives.choose(shard[j], row[j], window, n, own, regionMasked, rng) : null;
                negative = pair != null;
                matchLabels[j] = negative ? 0f : 1f;
                if (negative) {
                    negatives.matrix(pair, own, matrix);
                } else {
                    System.arraycopy(own, 0, matrix, 0, matrix.length);
                }
                vocab.standardise(matrix);
                // Negatives are masked alike (else "has a masked region" would give the pairing away);
                // only positives' masked regions are reconstructed.
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
        for (int i = 0; i < positions.length; i++) {
            int[] m = masked.get(i);
            positions[i] = m[0];
            targets[i] = m[1];
        }
        int[] statePositions = stateRows == null ? null : new int[stateRows.size()];
        int[] stateTargets = stateRows == null ? null : new int[stateRows.size()];
        for (int i = 0; stateRows != null && i < stateRows.size(); i++) {
            statePositions[i] = stateRows.get(i)[0];
            stateTargets[i] = stateRows.get(i)[1];
        }
        float[] flatTargets = new float[regionTargets.size() * motifs];
        for (int i = 0; i < regionTargets.size(); i++) {
            System.arraycopy(regionTargets.get(i), 0, flatTargets, i * motifs, motifs);
        }
        return new Batch(size, length, tokens, states, ebert && vocab.cellTypes() != null ? cellTypes : null,
                positions, targets, statePositions, stateTargets, real, regions, motifs, motifInput, regionMask,
                maskedRegions.stream().mapToInt(Integer::intValue).toArray(), flatTargets, matchLabels);
    }

    /** GeneBERT: each region masked with probability regionMaskRate, at least one when the rate is above 0. */
    private boolean[] maskedRegions(SplittableRandom rng) {
        int regions = layout.regions();
        boolean[] masked = new boolean[regions];
        boolean any = false;
        for (int r = 0; r < regions; r++) {
            masked[r] = rng.nextDouble() < config.genebert.regionMaskRate;
            any |= masked[r];
        }
        if (!any && config.genebert.regionMaskRate > 0) {
            masked[rng.nextInt(regions)] = true;
        }
        return masked;
    }

    /**
     * GeneBERT: [MASK] on every token that shows a base of a masked region (positions base + 1 ..
     * base + n), so the sequence encoder's states, and with them everything the region encoder
     * reads, carry nothing of that region's DNA. These tokens are not masked-token targets.
     */
    private void hideRegions(int[] tokens, int base, int n, boolean[] regionMasked) {
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < regionMasked.length; r++) {
                if (regionMasked[r] && layout.covers(i, r)) {
                    tokens[base + 1 + i] = KmerVocabulary.MASK;
                    break;
                }
            }
        }
    }
}
