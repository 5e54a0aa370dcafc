package org.regbert.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;

/**
 * GeneBERT (Mo et al. 2021): a sequence encoder over k-mer tokens and a region encoder over the
 * window's TF x region motif matrix. Each region (a column of T motif scores) is projected to the
 * hidden size and fused with the mean sequence-encoder state of the k-mers that start in that
 * region's bases; the sequence [CLS] state is prepended as the fusion token and a small Transformer
 * runs over [fusion, region 1..R]. Tasks: masked sequence modelling (MLM on k-mers),
 * masked region modelling (reconstruct masked motif columns, MSE on standardised scores) and
 * sequence-region matching (the window's own matrix or a negative, binary, from the mean
 * region-encoder state).
 *
 * <p>A masked region must not see its own DNA: the paper (Mo et al. 2021, arXiv 2110.05231) fuses
 * the two modalities but does not say what a masked region receives from the sequence. Here the
 * sampler hides ([MASK]) every sequence token that covers a base of a masked region, so neither
 * the region's pooled state nor any other state (attention mixes the whole window) carries those
 * bases; the masked column is predicted from the other regions' motifs and the surrounding DNA.
 * Negatives ({@link MatchNegatives}) include the window's own columns shuffled and GC-matched windows.
 */
public final class GeneBertModel extends PretrainingModel {
    private final int regions;
    private final int motifs;
    private final Layers.Dense regionProjection;
    private final Parameter regionMaskVector;
    private final Layers.Embed regionPositions;
    private final Layers.Norm regionNorm;
    private final Layers.Encoder regionEncoder;
    private final Layers.Dense reconstructTransform;
    private final Layers.Dense reconstruct;
    private final Layers.Dense matchPool;
    private final Layers.Dense match;

    GeneBertModel(PretrainConfig config, Vocabularies vocab) {
        super(config, vocab, 0, 0);
        PretrainConfig.Architecture a = config.architecture;
        regions = vocab.regions();
        motifs = vocab.motifNames().size();
        regionMaskVector = weight("region_mask", a.hidden);
        regionProjection = child("region_projection", new Layers.Dense(motifs, a.hidden));
        regionPositions = child("region_position_embedding", new Layers.Embed(regions + 1, a.hidden));
        regionNorm = child("region_norm", new Layers.Norm(a.hidden));
        regionEncoder = child("region_encoder", new Layers.Encoder(a.regionLayers, a.hidden, a.regionHeads,
                a.intermediate, a.dropout));
        reconstructTransform = child("mrm_transform", new Layers.Dense(a.hidden, a.hidden));
        reconstruct = child("mrm_output", new Layers.Dense(a.hidden, motifs));
        matchPool = child("srm_pool", new Layers.Dense(a.hidden, a.hidden));
        match = child("srm_output", new Layers.Dense(a.hidden, 1));
    }

    @Override
    Losses losses(NDManager manager, Batch batch, boolean training) {
        PretrainConfig.LossWeights w = config.genebert.weights;
        NDArray tokens = ints(manager, batch.tokens, batch.size, batch.length);
        NDArray hidden = encoder.apply(tokens, null, null, batch.padded(), training);
        Losses losses = new Losses();
        maskedTokenLoss(manager, batch, hidden, losses, "msm", w.msm, training);
        NDArray motifInput = manager.create(batch.motifInput, new Shape(batch.size, regions, motifs));
        NDArray regionMask = manager.create(batch.regionMask, new Shape(batch.size, regions, 1));
        NDArray regionHidden = regions(hidden, motifInput, regionMask, training);
        if (batch.maskedRegions.length > 0) {
            NDArray flat = regionHidden.get(":, 1:, :").reshape((long) batch.size * regions, config.architecture.hidden);
            NDArray selected = Layers.lookup(manager.create(batch.maskedRegions), flat);
            NDArray predicted = reconstruct.apply(Activation.gelu(reconstructTransform.apply(selected)));
            NDArray targets = manager.create(batch.regionTargets, new Shape(batch.maskedRegions.length, motifs));
            losses.add("mrm", predicted.sub(targets).square().mean(), w.mrm);
        }
        NDArray logits = matchLogits(regionHidden);
        NDArray labels = manager.create(batch.matchLabels);
        NDArray bce = GraphScalars.maximum(logits, 0).sub(logits.mul(labels)).add(logits.abs().neg().exp().add(1).log()).mean();
        losses.add("srm", bce, w.srm);
        losses.matchCorrect = training ? null : logits.gt(0).toType(DataType.FLOAT32, false).eq(labels).sum();
        losses.matchCount = batch.size;
        return losses;
    }

    /** Region encoder output [B, 1 + R, H]: the fusion token, then one state per region. */
    NDArray regions(NDArray sequenceHidden, NDArray motifInput, NDArray regionMask, boolean training) {
        NDArray projected = regionProjection.apply(motifInput);
        projected = projected.mul(regionMask.neg().add(1)).add(regionMask.mul(regionMaskVector.getArray()));
        NDArray pooling = regionPooling(sequenceHidden.getManager(), (int) sequenceHidden.getShape().get(1));
        projected = projected.add(pooling.matMul(sequenceHidden));
        NDArray fusion = sequenceHidden.get(":, 0, :").expandDims(1);
        NDArray x = fusion.concat(projected, 1);
        NDArray positions = sequenceHidden.getManager().arange(0, regions + 1, 1, DataType.INT32);
        x = Layers.dropout(regionNorm.apply(x.add(regionPositions.apply(positions))), config.architecture.dropout,
                training);
        return regionEncoder.apply(x, null, null, training);
    }

    /**
     * [R, S] weights averaging, for each region, the sequence positions whose k-mer starts in the
     * region's bases (region r holds bases [r W / R, (r + 1) W / R) of a window of W bases, as align's
     * motif scan splits it; position 0 is [CLS], window token i is at position i + 1).
     */
    NDArray regionPooling(NDManager manager, int length) {
        RegionLayout layout = RegionLayout.of(vocab);
        float[] weights = new float[regions * length];
        for (int r = 0; r < regions; r++) {
            int count = 0;
            for (int i = 0; i < layout.windowTokens() && i + 1 < length; i++) {
                if (layout.starts(i, r)) {
                    count++;
                }
            }
            for (int i = 0; i < layout.windowTokens() && i + 1 < length; i++) {
                if (layout.starts(i, r)) {
                    weights[r * length + i + 1] = 1f / count;
                }
            }
        }
        return manager.create(weights, new Shape(regions, length));
    }

    /** Sequence-region matching logits [B] from the mean of the fusion and region states. */
    NDArray matchLogits(NDArray regionHidden) {
        NDArray pooled = matchPool.apply(regionHidden.mean(new int[] {1})).tanh();
        return match.apply(pooled).reshape(-1);
    }

    /**
     * Inputs: token ids int32 [B, S] and standardised motif matrices float32 [B, R, T] (see
     * {@link Vocabularies#standardise}, transposed to regions-first). Outputs: sequence hidden
     * states [B, S, H] and region encoder states [B, 1 + R, H] (index 0 the fusion token).
     */
    @Override
    NDList encode(NDList inputs, boolean training) {
        NDArray hidden = encoder.apply(inputs.get(0), null, null, training);
        if (inputs.size() < 2) {
            return new NDList(hidden);
        }
        NDArray motifInput = inputs.get(1);
        long b = motifInput.getShape().get(0);
        NDArray noMask = motifInput.getManager().zeros(new Shape(b, regions, 1));
        return new NDList(hidden, regions(hidden, motifInput, noMask, training));
    }

    public int regionCount() {
        return regions;
    }

    public int motifCount() {
        return motifs;
    }
}
