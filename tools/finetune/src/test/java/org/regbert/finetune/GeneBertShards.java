package org.regbert.finetune;

import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * GeneBERT inputs from the real kit, made once per JVM with the real stages: hg19 chr20
 * 30.0-31.5 Mb in 126-token windows of 6-mers, aligned with a handful of the kit's JASPAR 2022
 * motifs (CTCF, SP1, TBP, NRF1, ELK4, NFYA: promoter and insulator factors) and RefSeq TSS
 * promoter labels (validation 31.0-31.25 Mb, test 31.25-31.5 Mb).
 */
public final class GeneBertShards {
    /** Motif ids as the kit's gimme .pfm names them, in the subset's row order. */
    public static final List<String> MOTIFS = List.of("MA0139.1_MA0139.1.CTCF", "MA0079.5_MA0079.5.SP1",
            "MA0108.2_MA0108.2.TBP", "MA0506.2_MA0506.2.Nrf1", "MA0076.2_MA0076.2.ELK4", "MA0060.3_MA0060.3.NFYA");
    private static Path root;
    private static Path tokens;
    private static Path motifs;
    private static Path aligned;

    private GeneBertShards() {
    }

    private static synchronized Path root() throws IOException {
        if (root == null) {
            root = Stages.tempDir("regbert-genebert-kit-");
        }
        return root;
    }

    /** chr20:30.0-31.5 Mb tokenized. */
    public static synchronized Path tokens() throws IOException {
        if (tokens == null) {
            Path bed = root().resolve("slice.bed");
            Files.writeString(bed, "20\t30000000\t31500000\n");
            tokens = root().resolve("tokens");
            ok(Stages.tokenize(args("--reference", Stages.chr20(), "--regions", bed, "--kmer", 6, "--window", 126,
                    "--stride", 126, "--threads", 2, "--quiet", "--output", tokens)));
        }
        return tokens;
    }

    /** The motif subset file the shards of {@link #aligned()} were scanned with. */
    public static synchronized Path motifFile() throws IOException {
        if (motifs == null) {
            motifs = writeMotifs(root().resolve("promoter-motifs.pfm"), MOTIFS);
        }
        return motifs;
    }

    /** The tokens aligned with {@link #motifFile()} and promoter labels. */
    public static synchronized Path aligned() throws IOException {
        if (aligned == null) {
            aligned = align(motifFile(), root().resolve("aligned"));
        }
        return aligned;
    }

    /** Aligns {@link #tokens()} with {@code motifFile} and the promoter labels into {@code output}. */
    public static Path align(Path motifFile, Path output) throws IOException {
        ok(Stages.align(args("--shards", tokens(), "--motifs", motifFile, "--labels",
                "promoter=" + Stages.kitData().resolve("chromhmm/coords-hg19/RefSeqTSS.hg19.bed.gz"), "--contig-alias",
                "chr20=20", "--skip-missing-contigs", "--negatives-per-positive", 2, "--valid", "20:31000000-31250000",
                "--test", "20:31250000-31500000", "--threads", 2, "--quiet", "--output", output)));
        return output;
    }

    /** Writes the kit's motifs {@code ids} (gimme .pfm ids), in that order, to {@code file}. */
    public static Path writeMotifs(Path file, List<String> ids) throws IOException {
        List<String> lines = Files.readAllLines(Stages.kitData().resolve("motifs/JASPAR2022_vertebrates.pfm"));
        StringBuilder out = new StringBuilder("# a subset of the kit's JASPAR2022_vertebrates.pfm\n");
        for (String id : ids) {
            int at = lines.indexOf(">" + id);
            if (at < 0) {
                throw new IllegalArgumentException("no motif " + id + " in the kit");
            }
            List<String> block = new ArrayList<>(List.of(lines.get(at)));
            for (int i = at + 1; i < lines.size() && !lines.get(i).startsWith(">"); i++) {
                block.add(lines.get(i));
            }
            out.append(String.join("\n", block)).append('\n');
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, out);
        return file;
    }
}
