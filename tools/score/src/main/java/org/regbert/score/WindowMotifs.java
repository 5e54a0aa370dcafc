package org.regbert.score;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.regbert.common.BadInputException;
import org.regbert.finetune.ModelMotifs;
import org.regbert.motifs.Motif;
import org.regbert.motifs.MotifScanner;
import org.regbert.pretrain.Vocabularies;
import org.regbert.shards.Half;
import org.regbert.shards.TokenBases;

/**
 * GeneBERT's motif input for scored windows, built as align and finetune build it for shard
 * windows: the window's bases read back off its tokens ({@link TokenBases}), scanned with the
 * model's motifs and scan settings ({@link ModelMotifs}), rounded to float16 as the shards store
 * them, standardised with the pre-trained model's per-motif mean and deviation, and laid out
 * regions first ([R, T] per window) as finetune feeds the encoder.
 */
final class WindowMotifs {
    private final MotifScanner scanner;
    private final Vocabularies vocab;
    private final TokenBases bases;
    private final int tokens;
    private final int threads;
    private final String description;

    private WindowMotifs(MotifScanner scanner, Vocabularies vocab, TokenBases bases, int tokens, int threads,
            String description) {
        this.scanner = scanner;
        this.vocab = vocab;
        this.bases = bases;
        this.tokens = tokens;
        this.threads = threads;
        this.description = description;
    }

    /**
     * The motif input of a GeneBERT model of {@code tokens}-token windows: the motifs its folder
     * keeps, or {@code override} (score --motifs: same ids in the same order as the model's).
     */
    static WindowMotifs open(ModelMotifs kept, Path override, Vocabularies vocab, int tokens, int threads,
            boolean quiet, PrintStream err) {
        ModelMotifs motifs = kept;
        if (motifs == null) {
            if (override == null) {
                throw new BadInputException("this GeneBERT model reads motif matrices but was fine-tuned before models"
                        + " kept their motif file: pass --motifs FILE with the motif file 'align --motifs' scanned for"
                        + " its shards");
            }
            motifs = ModelMotifs.assumed(override, vocab);
            if (!quiet) {
                err.println("score: warning: the model keeps no motif scan settings (fine-tuned by an older version):"
                        + " scanning " + override + " with align's defaults (uniform background, best placement per"
                        + " region, both strands); predictions differ from the shards' if align was run otherwise");
            }
        }
        // Checked there: the model's motif ids (its encoder's motif_names), in order.
        List<Motif> list = motifs.motifs(override);
        Path source = override != null ? override : motifs.file();
        MotifScanner scanner = motifs.scanner(list);
        if (scanner.regionCount() != vocab.regions()) {
            throw new BadInputException(source, "scans " + scanner.regionCount() + " regions per window, the"
                    + " model reads " + vocab.regions());
        }
        String description = list.size() + " motifs from " + source
                + " (" + scanner.regionCount() + " regions, " + (scanner.options().topN() == 1 ? "best placement"
                : "top " + scanner.options().topN() + " summed") + ", " + (scanner.options().bothStrands()
                ? "both strands" : "forward strand") + ")";
        return new WindowMotifs(scanner, vocab, new TokenBases(vocab.k(), vocab.overlapping(), tokens), tokens,
                threads, description);
    }

    int motifs() {
        return scanner.motifCount();
    }

    int regions() {
        return scanner.regionCount();
    }

    String description() {
        return description;
    }

    /**
     * The raw matrices [count, T, R] of the windows whose token ids start at {@code ids[from]}, one
     * window after another, as align stores them (log2 odds rounded to float16).
     */
    float[] matrices(int[] ids, int from, int count) {
        int length = bases.length();
        byte[] batch = new byte[count * length];
        int[] offsets = new int[count];
        int[] lengths = new int[count];
        for (int i = 0; i < count; i++) {
            offsets[i] = i * length;
            lengths[i] = length;
            bases.decode(ids, from + i * tokens, batch, offsets[i]);
        }
        float[] scores = scanner.scanAll(batch, offsets, lengths, threads);
        for (int i = 0; i < scores.length; i++) {
            scores[i] = Half.toFloat(Half.fromFloat(scores[i]));
        }
        return scores;
    }

    /** The encoder's motif input of those windows: standardised, regions first [count, R, T]. */
    float[] inputs(int[] ids, int from, int count) {
        float[] raw = matrices(ids, from, count);
        int t = scanner.motifCount();
        int r = scanner.regionCount();
        float[] matrix = new float[t * r];
        float[] out = new float[count * r * t];
        for (int i = 0; i < count; i++) {
            System.arraycopy(raw, i * t * r, matrix, 0, t * r);
            vocab.standardise(matrix);
            for (int m = 0; m < t; m++) {
                for (int g = 0; g < r; g++) {
                    out[(i * r + g) * t + m] = matrix[m * r + g];
                }
            }
        }
        return out;
    }
}
