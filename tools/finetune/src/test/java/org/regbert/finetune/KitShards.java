package org.regbert.finetune;

import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Labelled shards from the real kit, made once per JVM with the real stages: hg19 chr20 in
 * 126-token windows of 6-mers (whole chromosome: 2 s to tokenize), labelled by align.
 */
public final class KitShards {
    // Validation and test keep every window of their regions (align samples training only), and
    // finetune scores them all: 2 + 4 Mb (16k + 32k windows) keep the tests to minutes; bench/science
    // runs the full protocol (validation 45-50 Mb, test 50 Mb-end).
    static final String VALID = "20:48000000-50000000";
    static final String TEST = "20:50000000-54000000";
    /**
     * Splice sites are sparse (central 20 bp): the whole holdouts (validation 45-50 Mb, test 50 Mb-end)
     * keep donors and acceptors in both splits.
     */
    static final String SPLICE_VALID = "20:45000000-50000000";
    static final String SPLICE_TEST = "20:50000000-63025520";
    /**
     * Holdouts of the 44-51 Mb slice: validation 49.5-50 Mb (6 TSSs), test 50-51 Mb (7 TSSs); every window of
     * both is scored at each evaluation, so they are kept small (4k + 8k windows).
     */
    static final String SLICE_VALID = "20:49500000-50000000";
    static final String SLICE_TEST = "20:50000000-51000000";
    private static Path root;
    private static Path tokens;
    private static Path promoter;
    private static Path splice;
    private static Path janggu;
    private static Path sliceTokens;
    private static Path twoCellTypes;
    private static Path promoterAndDhs;

    private KitShards() {
    }

    private static synchronized Path root() throws IOException {
        if (root == null) {
            root = Stages.tempDir("regbert-finetune-kit-");
        }
        return root;
    }

    public static synchronized Path chr20Tokens() throws IOException {
        if (tokens == null) {
            tokens = root().resolve("chr20");
            ok(Stages.tokenize(args("--reference", Stages.chr20(), "--kmer", 6, "--window", 126, "--stride", 126,
                    "--threads", 2, "--quiet", "--output", tokens)));
        }
        return tokens;
    }

    /**
     * Promoter classification: windows whose central 200 bp hold a RefSeq TSS vs two sampled
     * non-TSS windows per TSS, DHS accessibility as the EBERT state ('peaks', cell type DHS),
     * validation 20:45-50 Mb, test 20:50 Mb-end.
     */
    public static synchronized Path promoter() throws IOException {
        if (promoter == null) {
            promoter = root().resolve("promoter");
            ok(Stages.align(args("--shards", chr20Tokens(), "--labels",
                    "promoter=" + Stages.kitData().resolve("chromhmm/coords-hg19/RefSeqTSS.hg19.bed.gz"), "--peaks",
                    Stages.kitData().resolve("accessibility/uw-dhs-master.hg19.bed.gz") + ":DHS", "--contig-alias",
                    "chr20=20", "--skip-missing-contigs", "--negatives-per-positive", 2, "--valid", VALID, "--test", TEST,
                    "--threads", 2, "--quiet", "--output", promoter)));
        }
        return promoter;
    }

    /** chr20:44-51 Mb in 126-token windows (validation 49.5-50 Mb, test 50-51 Mb). */
    static synchronized Path sliceTokens() throws IOException {
        if (sliceTokens == null) {
            Path bed = root().resolve("slice.bed");
            Files.writeString(bed, "20\t44000000\t51000000\n");
            sliceTokens = root().resolve("slice");
            ok(Stages.tokenize(args("--reference", Stages.chr20(), "--regions", bed, "--kmer", 6, "--window", 126,
                    "--stride", 126, "--quiet", "--output", sliceTokens)));
        }
        return sliceTokens;
    }

    /**
     * Two cell types, A and B, each with its own promoter labels (label_promoter.A / .B) and DHS
     * accessibility rows ('peaks'): the cross-cell-type and task-feature setting.
     */
    static synchronized Path twoCellTypes() throws IOException {
        if (twoCellTypes == null) {
            twoCellTypes = root().resolve("two-cell-types");
            String tss = Stages.kitData().resolve("chromhmm/coords-hg19/RefSeqTSS.hg19.bed.gz").toString();
            String dhs = Stages.kitData().resolve("accessibility/uw-dhs-master.hg19.bed.gz").toString();
            ok(Stages.align(args("--shards", sliceTokens(), "--labels", "promoter.A=" + tss, "--labels",
                    "promoter.B=" + tss, "--peaks", dhs + ":A", "--peaks", dhs + ":B", "--contig-alias", "chr20=20",
                    "--skip-missing-contigs", "--negatives-per-positive", 1, "--valid", SLICE_VALID, "--test", SLICE_TEST,
                    "--quiet", "--output", twoCellTypes)));
        }
        return twoCellTypes;
    }

    /** Promoter and DHS labels on the same windows (DHS: MCV levels as label_dhs_level): multi-label, regression. */
    static synchronized Path promoterAndDhs() throws IOException {
        if (promoterAndDhs == null) {
            promoterAndDhs = root().resolve("promoter-dhs");
            ok(Stages.align(args("--shards", sliceTokens(), "--labels",
                    "promoter=" + Stages.kitData().resolve("chromhmm/coords-hg19/RefSeqTSS.hg19.bed.gz"), "--labels",
                    "dhs=" + Stages.kitData().resolve("accessibility/uw-dhs-master.hg19.bed.gz"), "--contig-alias",
                    "chr20=20", "--skip-missing-contigs", "--negatives-per-positive", 1, "--valid", SLICE_VALID, "--test",
                    SLICE_TEST, "--quiet", "--output", promoterAndDhs)));
        }
        return promoterAndDhs;
    }

    /**
     * Splice sites: GENCODE (MANE) introns, strand-aware donor (1) / acceptor (2) in the central 20 bp.
     * Validation and test are thinned like training (one 'neither' window per site): scoring all
     * 40k + 102k tiled windows took five minutes of the test suite; bench/science scores every window.
     */
    public static synchronized Path splice() throws IOException {
        if (splice == null) {
            splice = root().resolve("splice");
            ok(Stages.align(args("--shards", chr20Tokens(), "--labels",
                    "splice=" + Stages.kitData().resolve("splice/gencode.v41lift37.MANE.intron.bedpe.gz"), "--label-bin",
                    20, "--contig-alias", "chr20=20", "--skip-missing-contigs", "--negatives-per-positive", 1,
                    "--sample-validation", "--sample-test", "--valid", SPLICE_VALID, "--test", SPLICE_TEST, "--threads", 2,
                    "--quiet", "--output", splice)));
        }
        return splice;
    }

    /**
     * TF binding from the janggu sample: Oct4 peak sequences (positive) vs Mafk peak sequences, as
     * FASTA records (200 bp each); the janggu *_test.fa records are the test split.
     */
    public static synchronized Path janggu() throws IOException {
        if (janggu == null) {
            Path dir = root().resolve("janggu");
            Files.createDirectories(dir);
            Path fasta = dir.resolve("oct4-mafk.fa");
            Path bed = dir.resolve("oct4.bed");
            List<String> testRecords = new ArrayList<>();
            StringBuilder fa = new StringBuilder();
            StringBuilder positives = new StringBuilder();
            String[][] parts = {{"janggu_sample.fa", "oct4_"}, {"janggu_sample2.fa", "mafk_"},
                {"janggu_sample_test.fa", "oct4t_"}, {"janggu_sample2_test.fa", "mafkt_"}};
            for (String[] part : parts) {
                int n = 0;
                for (String line : Files.readAllLines(Stages.kitData().resolve("tfbs").resolve(part[0]))) {
                    if (line.startsWith(">")) {
                        String name = part[1] + (++n);
                        fa.append('>').append(name).append('\n');
                        if (part[1].startsWith("oct4")) {
                            positives.append(name).append("\t0\t200\n");
                        }
                        if (part[1].endsWith("t_")) {
                            testRecords.add(name);
                        }
                    } else {
                        fa.append(line).append('\n');
                    }
                }
            }
            Files.writeString(fasta, fa);
            Files.writeString(bed, positives);
            Path tok = dir.resolve("tokens");
            ok(Stages.tokenize(args("--reference", fasta, "--fasta-records", "--kmer", 6, "--window", 195, "--stride",
                    195, "--quiet", "--output", tok)));
            janggu = dir.resolve("aligned");
            ok(Stages.align(args("--shards", tok, "--labels", "oct4=" + bed, "--test", String.join(",", testRecords),
                    "--quiet", "--output", janggu)));
        }
        return janggu;
    }
}
