package org.regbert.score;

import java.util.List;
import org.regbert.common.Progress;

/**
 * Scores sorted region windows: tokenizes each from the reference, adds its states, and runs the
 * model in chunks (a few batches at a time, so progress moves and memory stays bounded). Windows
 * with too many N are skipped (their row stays null) and counted.
 */
final class RegionScorer {
    private static final int CHUNK_BATCHES = 16;

    private final ReferenceWindows reference;
    private final WindowStates states;
    /** bigWig task features, or null when the model reads none. */
    private WindowSignals signals;
    private final ModelRunner runner;
    private final int batchSize;
    private long skippedN;

    RegionScorer(ReferenceWindows reference, WindowStates states, ModelRunner runner, int batchSize) {
        this.reference = reference;
        this.states = states;
        this.runner = runner;
        this.batchSize = batchSize;
    }

    /** Windows get these bigWig task features (score --signal). */
    RegionScorer withSignals(WindowSignals signals) {
        this.signals = signals;
        return this;
    }

    /** Scores [window][output] and, when {@code embeddings} is non-null, pooled vectors into it. */
    float[][] score(List<RegionWindows.Window> windows, float[][] embeddings, Progress progress) {
        int tokens = reference.windowTokens();
        WindowBuffer buffer = new WindowBuffer(tokens, states.needed(), signals == null ? 0 : signals.columns(),
                batchSize * CHUNK_BATCHES);
        int[] slot = new int[batchSize * CHUNK_BATCHES];
        byte[] scratch = new byte[tokens];
        float[][] scores = new float[windows.size()][];
        int chunk = batchSize * CHUNK_BATCHES;
        for (int from = 0; from < windows.size(); from += chunk) {
            int to = Math.min(windows.size(), from + chunk);
            buffer.clear();
            for (int i = from; i < to; i++) {
                RegionWindows.Window w = windows.get(i);
                int at = buffer.next();
                if (!reference.tokenize(reference.bases(w.contig(), w.start(), w.end()), buffer.tokens(), at)) {
                    skippedN++;
                    continue;
                }
                if (states.needed()) {
                    states.fill(w.contig(), w.start(), tokens, reference.step(), reference.k(), buffer.states(), at,
                            scratch);
                }
                if (signals != null) {
                    signals.fill(w.contig(), w.start(), tokens, reference.step(), reference.k(), buffer.features(),
                            buffer.featuresAt());
                }
                slot[buffer.size()] = i;
                buffer.commit();
            }
            float[][] rows = runner.predict(buffer);
            float[][] vectors = embeddings == null ? null : runner.embed(buffer);
            for (int j = 0; j < rows.length; j++) {
                scores[slot[j]] = rows[j];
                if (vectors != null) {
                    embeddings[slot[j]] = vectors[j];
                }
            }
            progress.advance(to - from);
        }
        progress.finish();
        return scores;
    }

    /** Windows skipped for more non-ACGT bases than --max-n-fraction. */
    long skippedN() {
        return skippedN;
    }
}
