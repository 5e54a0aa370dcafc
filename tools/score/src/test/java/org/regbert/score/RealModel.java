package org.regbert.score;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.regbert.align.AlignCommand;
import org.regbert.bigfiles.BigWigWriter;
import org.regbert.finetune.FinetuneCommand;
import org.regbert.pretrain.PretrainCommand;
import org.regbert.tokenize.TokenizeCommand;

/**
 * A small real model for the tests, made once per JVM with the real stages in-process: hg19 chr20
 * 30.0-31.5 Mb tokenized into 126-token windows of 6-mers (stride 126), aligned with RefSeq TSS
 * promoter labels and the UW DHS master list as 'peaks' (cell type DHS), then an EBERT tiny
 * fine-tuned from scratch for a few steps. Its predictions are not good; they are real.
 */
final class RealModel {
    static final String CONTIG = "20";
    static final long START = 30_000_000L;
    static final long END = 31_500_000L;
    private static Path dir;

    private RealModel() {
    }

    static synchronized Path dir() throws IOException {
        if (dir == null) {
            Path work = Files.createTempDirectory("regbert-score-model-");
            StageRuns.deleteOnExit(work);
            Path bed = work.resolve("region.bed");
            Files.writeString(bed, CONTIG + "\t" + START + "\t" + END + "\n");
            StageRuns.Run run = StageRuns.run(new TokenizeCommand(), "--reference", StageRuns.chr20().toString(),
                    "--regions", bed.toString(), "--kmer", "6", "--window", "126", "--stride", "126", "--threads", "2",
                    "--quiet", "--output", work.resolve("tokens").toString());
            assertEquals(0, run.exitCode(), run.stderr());
            run = StageRuns.run(new AlignCommand(), "--shards", work.resolve("tokens").toString(), "--labels",
                    "promoter=" + StageRuns.kitData().resolve("chromhmm/coords-hg19/RefSeqTSS.hg19.bed.gz"), "--peaks",
                    StageRuns.dhs() + ":DHS", "--contig-alias", "chr20=20", "--skip-missing-contigs",
                    "--negatives-per-positive", "2", "--valid", "20:31000000-31250000", "--test", "20:31250000-31500000",
                    "--threads", "2", "--quiet", "--output", work.resolve("aligned").toString());
            assertEquals(0, run.exitCode(), run.stderr());
            run = StageRuns.run(new FinetuneCommand(), "--from-scratch", "--preset", "tiny", "--shards",
                    work.resolve("aligned").toString(), "--task", "promoter", "--epochs", "1", "--max-steps", "6",
                    "--device", "cpu", "--quiet", "--output", work.resolve("ft").toString());
            assertEquals(0, run.exitCode(), run.stderr());
            dir = work;
        }
        return dir;
    }

    private static Path featureModel;

    /** A second model on the same shards reading the window's mean 'peaks' level as a task feature. */
    static synchronized Path featureModel() throws IOException {
        if (featureModel == null) {
            Path out = dir().resolve("ft-feature");
            StageRuns.Run run = StageRuns.run(new FinetuneCommand(), "--from-scratch", "--preset", "tiny", "--shards",
                    shards().toString(), "--task", "promoter", "--feature", "peaks", "--epochs", "1", "--max-steps", "4",
                    "--device", "cpu", "--quiet", "--output", out.toString());
            assertEquals(0, run.exitCode(), run.stderr());
            featureModel = out;
        }
        return featureModel;
    }

    private static Path signalModel;

    /**
     * A bigWig over the model's region ({@link #signalBigWig}), the tokens aligned again with it as
     * {@code --signal FILE:DHS} besides the DHS peaks, and a model fine-tuned on them reading the signal
     * as task features ({@code --feature signal}: columns signal, signal:has-data).
     */
    static synchronized Path signalModel() throws IOException {
        if (signalModel == null) {
            Path work = dir();
            Path bw = signalBigWig();
            StageRuns.Run run = StageRuns.run(new AlignCommand(), "--shards", work.resolve("tokens").toString(),
                    "--labels", "promoter=" + StageRuns.kitData().resolve("chromhmm/coords-hg19/RefSeqTSS.hg19.bed.gz"),
                    "--peaks", StageRuns.dhs() + ":DHS", "--signal", bw + ":DHS", "--contig-alias", "chr20=20",
                    "--skip-missing-contigs", "--negatives-per-positive", "2", "--valid", "20:31000000-31250000",
                    "--test", "20:31250000-31500000", "--threads", "2", "--quiet", "--output",
                    work.resolve("aligned-signal").toString());
            assertEquals(0, run.exitCode(), run.stderr());
            Path out = work.resolve("ft-signal");
            run = StageRuns.run(new FinetuneCommand(), "--from-scratch", "--preset", "tiny", "--shards",
                    work.resolve("aligned-signal").toString(), "--task", "promoter", "--feature", "signal", "--epochs",
                    "1", "--max-steps", "4", "--device", "cpu", "--quiet", "--output", out.toString());
            assertEquals(0, run.exitCode(), run.stderr());
            signalModel = out;
        }
        return signalModel;
    }

    /**
     * chr20 (hg19 size) signal over 30.00-30.10 Mb in 50-base bins: bin b has value (b mod 13) x 1.5,
     * no data in every 7th bin and in 30.02-30.03 Mb (whole windows without data), 70,000 (beyond float16:
     * align stores +inf) in every 101st bin.
     */
    static synchronized Path signalBigWig() throws IOException {
        Path bw = dir().resolve("signal.chr20.bw");
        if (!Files.exists(bw)) {
            try (BigWigWriter w = BigWigWriter.create(bw, Map.of("chr20", 63_025_520L))) {
                for (long at = START; at < START + 100_000; at += 50) {
                    long b = at / 50;
                    if (b % 7 == 0 || (at >= 30_020_000 && at < 30_030_000)) {
                        continue;
                    }
                    w.add("chr20", at, at + 50, b % 101 == 0 ? 70_000f : (b % 13) * 1.5f);
                }
            }
        }
        return bw;
    }

    private static Path signalStatesModel;

    /**
     * EBERT on quantised signal: the tokens aligned with {@link #signalBigWig} as {@code --signal FILE:DHS
     * --signal-levels 4} (same labels and holdouts), pre-trained for 2 real steps with {@code --state-array
     * signal_states} and fine-tuned from that checkpoint for 3 steps.
     */
    static synchronized Path signalStatesModel() throws IOException {
        if (signalStatesModel == null) {
            Path work = dir();
            StageRuns.Run run = StageRuns.run(new AlignCommand(), "--shards", work.resolve("tokens").toString(),
                    "--labels", "promoter=" + StageRuns.kitData().resolve("chromhmm/coords-hg19/RefSeqTSS.hg19.bed.gz"),
                    "--signal", signalBigWig() + ":DHS", "--signal-levels", "4", "--contig-alias", "chr20=20",
                    "--skip-missing-contigs", "--negatives-per-positive", "2", "--valid", "20:31000000-31250000",
                    "--test", "20:31250000-31500000", "--threads", "2", "--quiet", "--output",
                    signalStatesShards().toString());
            assertEquals(0, run.exitCode(), run.stderr());
            run = StageRuns.run(new PretrainCommand(), "--shards", signalStatesShards().toString(), "--model", "ebert",
                    "--preset", "tiny", "--state-array", "signal_states", "--steps", "2", "--batch-size", "4", "--device",
                    "cpu", "--quiet", "--output", work.resolve("pt-signal-states").toString());
            assertEquals(0, run.exitCode(), run.stderr());
            Path out = work.resolve("ft-signal-states");
            run = StageRuns.run(new FinetuneCommand(), "--checkpoint", work.resolve("pt-signal-states").toString(),
                    "--shards", signalStatesShards().toString(), "--task", "promoter", "--epochs", "1", "--max-steps",
                    "3", "--device", "cpu", "--quiet", "--output", out.toString());
            assertEquals(0, run.exitCode(), run.stderr());
            signalStatesModel = out;
        }
        return signalStatesModel;
    }

    /** The shards (with 'signal_states') the signal-states model was trained on. */
    static Path signalStatesShards() throws IOException {
        return dir().resolve("aligned-signal-states");
    }

    /** The shards the signal model was fine-tuned on. */
    static Path signalShards() throws IOException {
        return dir().resolve("aligned-signal");
    }

    /** The fine-tuned model (finetune's output directory). */
    static Path model() throws IOException {
        return dir().resolve("ft");
    }

    /** The aligned shards the model was trained on. */
    static Path shards() throws IOException {
        return dir().resolve("aligned");
    }
}
