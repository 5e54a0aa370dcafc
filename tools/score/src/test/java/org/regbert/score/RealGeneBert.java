package org.regbert.score;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.regbert.finetune.FinetuneCommand;
import org.regbert.finetune.GeneBertShards;

/**
 * A small real GeneBERT model, made once per JVM with the real stages in-process: the kit's chr20
 * 30.0-31.5 Mb aligned with six JASPAR motifs and promoter labels ({@link GeneBertShards}), a
 * GeneBERT tiny fine-tuned from scratch for a few steps. Its predictions are not good; they are real.
 */
final class RealGeneBert {
    private static Path model;

    private RealGeneBert() {
    }

    /** The fine-tuned model (finetune's output directory). */
    static synchronized Path model() throws IOException {
        if (model == null) {
            Path work = Files.createTempDirectory("regbert-score-genebert-");
            StageRuns.deleteOnExit(work);
            StageRuns.Run run = StageRuns.run(new FinetuneCommand(), "--from-scratch", "--model", "genebert",
                    "--preset", "tiny", "--shards", shards().toString(), "--task", "promoter", "--epochs", "1",
                    "--max-steps", "6", "--device", "cpu", "--threads", "2", "--quiet", "--output",
                    work.resolve("ft").toString());
            assertEquals(0, run.exitCode(), run.stderr());
            model = work.resolve("ft");
        }
        return model;
    }

    /** The aligned shards (with motif matrices) the model was trained on. */
    static Path shards() throws IOException {
        return GeneBertShards.aligned();
    }

    /** The motif file align scanned. */
    static Path motifFile() throws IOException {
        return GeneBertShards.motifFile();
    }
}
