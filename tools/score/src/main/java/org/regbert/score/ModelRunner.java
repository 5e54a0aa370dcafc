package org.regbert.score;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.util.Arrays;
import org.regbert.finetune.FinetunedModel;
import org.regbert.finetune.InputBatch;

/**
 * Runs a fine-tuned model over buffered windows in batches of {@code --batch-size} through the
 * DJL predictor (probabilities, or levels for regression) or the pooled encoder vectors
 * (embeddings). Windows are scored one batch at a time, so memory stays one batch of tensors.
 * GeneBERT's motif matrices are scanned per batch from the windows' tokens, so every window kind
 * (regions, tiles, REF and ALT alleles) gets them the same way.
 */
final class ModelRunner implements AutoCloseable {
    private final FinetunedModel model;
    private final Predictor<InputBatch, float[][]> predictor;
    private final int batchSize;
    private final int cellTypeId;
    /** Highest state level when the model reads the window's mean state as a task feature, else 0. */
    private final int featureLevels;
    /** GeneBERT: the motif matrices of each window, else null. */
    private final WindowMotifs motifs;
    private long windows;
    private long nanos;

    ModelRunner(FinetunedModel model, int batchSize, int cellTypeId, int featureLevels, WindowMotifs motifs) {
        this.model = model;
        this.featureLevels = featureLevels;
        this.motifs = motifs;
        this.predictor = model.newPredictor();
        this.batchSize = batchSize;
        this.cellTypeId = cellTypeId;
    }

    /** Scores of every window in {@code buffer}: [window][output]. */
    float[][] predict(WindowBuffer buffer) {
        return run(buffer, false);
    }

    /** Pooled vectors of every window in {@code buffer}: [window][H]. */
    float[][] embed(WindowBuffer buffer) {
        return run(buffer, true);
    }

    private float[][] run(WindowBuffer buffer, boolean embed) {
        int n = buffer.size();
        int length = buffer.length();
        float[][] out = new float[n][];
        long begin = System.nanoTime();
        for (int from = 0; from < n; from += batchSize) {
            int size = Math.min(batchSize, n - from);
            int[] tokens = Arrays.copyOfRange(buffer.tokens(), from * length, (from + size) * length);
            int[] states = buffer.states() == null ? null
                    : Arrays.copyOfRange(buffer.states(), from * length, (from + size) * length);
            int[] cellTypes = null;
            if (cellTypeId >= 0) {
                cellTypes = new int[size];
                Arrays.fill(cellTypes, cellTypeId);
            }
            int columns = buffer.features() != null ? buffer.featureColumns() : featureLevels > 0 ? 1 : 0;
            float[] features = buffer.features() != null
                    ? Arrays.copyOfRange(buffer.features(), from * columns, (from + size) * columns)
                    : featureLevels > 0 ? meanStates(states, size, length) : null;
            float[] matrices = motifs == null ? null : motifs.inputs(buffer.tokens(), from * length, size);
            InputBatch batch = new InputBatch(size, length, tokens, states, cellTypes, features,
                    columns, matrices, motifs == null ? 0 : motifs.regions(),
                    motifs == null ? 0 : motifs.motifs());
            float[][] rows;
            try {
                rows = embed ? model.embed(batch) : predictor.predict(batch);
            } catch (TranslateException e) {
                throw new IllegalStateException("inference failed: " + e.getMessage(), e);
            }
            System.arraycopy(rows, 0, out, from, size);
        }
        nanos += System.nanoTime() - begin;
        windows += n;
        return out;
    }

    /** Each window's mean state over its tokens, scaled to [0, 1] by the highest level (finetune's feature). */
    private float[] meanStates(int[] states, int size, int length) {
        float[] features = new float[size];
        for (int i = 0; i < size; i++) {
            long sum = 0;
            for (int j = 0; j < length; j++) {
                sum += states[i * length + j];
            }
            features[i] = (float) sum / length / featureLevels;
        }
        return features;
    }

    /** Windows run through the model so far. */
    long windows() {
        return windows;
    }

    /** Seconds spent in the model so far. */
    double seconds() {
        return nanos / 1e9;
    }

    @Override
    public void close() {
        predictor.close();
    }
}
