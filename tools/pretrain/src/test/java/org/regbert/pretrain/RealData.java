package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.regbert.align.AlignCommand;
import org.regbert.tokenize.TokenizeCommand;

/**
 * Real shards for the tests, made once per JVM with the real stages in-process: hg19 chr20
 * (3 Mb of it) tokenized into 126-token windows of 6-mers, then aligned with the UW/ENCODE DHS
 * master list as the accessibility state ('peaks', cell type "DHS": open/closed per token) and a
 * validation holdout at the region's end.
 */
final class RealData {
    static final String REGION_CONTIG = "20";
    static final long REGION_START = 30_000_000L;
    static final long REGION_END = 33_000_000L;
    static final String VALID = "20:32700000-33000000";
    private static Path tokens;
    private static Path dhs;
    private static Path motifs;
    /** Motifs scanned for GeneBERT: every 13th JASPAR 2022 vertebrate matrix. */
    static final int MOTIF_STRIDE = 13;
    static final int REGIONS = 4;

    private RealData() {
    }

    static Path chr20() {
        return TestShards.kitData().resolve("genome/hg19.chr20.fa.gz");
    }

    static synchronized Path tokenShards() throws IOException {
        if (tokens == null) {
            Path dir = Files.createTempDirectory("regbert-pretrain-real-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Checkpoints.deleteTree(dir);
                } catch (IOException ignored) {
                    // best effort
                }
            }));
            Path bed = dir.resolve("region.bed");
            Files.writeString(bed, REGION_CONTIG + "\t" + REGION_START + "\t" + REGION_END + "\n");
            Path out = dir.resolve("tokens");
            TestShards.Run run = TestShards.run(new TokenizeCommand(), "--reference", chr20().toString(), "--regions",
                    bed.toString(), "--kmer", "6", "--window", "126", "--stride", "126", "--windows-per-shard", "8000",
                    "--threads", "2", "--quiet", "--output", out.toString());
            assertEquals(0, run.exitCode(), run.stderr());
            tokens = out;
        }
        return tokens;
    }

    /** The token shards aligned with the DHS master list ('peaks') and a 'split' array. */
    static synchronized Path dhsShards() throws IOException {
        if (dhs == null) {
            Path out = tokenShards().getParent().resolve("dhs");
            TestShards.Run run = TestShards.run(new AlignCommand(), "--shards", tokenShards().toString(), "--peaks",
                    TestShards.kitData().resolve("accessibility/uw-dhs-master.hg19.bed.gz") + ":DHS", "--contig-alias",
                    "chr20=20", "--skip-missing-contigs", "--valid", VALID, "--threads", "2", "--quiet", "--output",
                    out.toString());
            assertEquals(0, run.exitCode(), run.stderr());
            dhs = out;
        }
        return dhs;
    }

    /**
     * The token shards with GeneBERT's motif matrix from {@code regbert align --motifs}: every 13th
     * JASPAR 2022 vertebrate matrix (65 of 838), best log-odds score per motif and region, 4 regions.
     */
    static synchronized Path motifShards() throws IOException {
        if (motifs != null) {
            return motifs;
        }
        Path jaspar = TestShards.kitData().resolve("motifs/JASPAR2022_vertebrates.pfm");
        List<String> lines = Files.readAllLines(jaspar);
        StringBuilder subset = new StringBuilder();
        int motif = -1;
        for (String line : lines) {
            if (line.startsWith(">")) {
                motif++;
            }
            if (motif >= 0 && motif % MOTIF_STRIDE == 0) {
                subset.append(line).append('\n');
            }
        }
        motifCount = (motif + MOTIF_STRIDE) / MOTIF_STRIDE;
        Path pfm = tokenShards().getParent().resolve("subset.pfm");
        Files.writeString(pfm, subset);
        Path out = tokenShards().getParent().resolve("motifs");
        TestShards.Run run = TestShards.run(new AlignCommand(), "--shards", tokenShards().toString(), "--motifs",
                pfm.toString(), "--regions-per-window", Integer.toString(REGIONS), "--valid", VALID, "--threads", "2",
                "--quiet", "--output", out.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        motifs = out;
        return motifs;
    }

    /** Motifs in {@link #motifShards()}. */
    static int motifCount;
}
