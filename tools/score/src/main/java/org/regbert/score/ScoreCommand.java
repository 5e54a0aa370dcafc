package org.regbert.score;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.regbert.pretrain.EngineSettings;
import org.regbert.common.BadInputException;
import org.regbert.common.ContigOptions;
import org.regbert.common.ExitCodes;
import org.regbert.common.RunOptions;
import org.regbert.common.ToolVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code regbert score}: a fine-tuned model's predictions for regions (bedGraph) and variant effects (VCF). */
@TopCommand
@Command(name = "score", mixinStandardHelpOptions = true, versionProvider = ScoreCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Runs a fine-tuned model ('regbert finetune') over reference windows. Windows are cut and tokenized",
            "exactly as 'regbert tokenize' does (same k-mers, same N rule), with the model's window length.",
            "",
            "Regions (--regions BED or --tile CONTIG[:START-END]): an interval shorter than a window gets one",
            "window centred on it; a longer one is tiled from its start every --stride tokens, plus a last window",
            "ending at its end (BED strands are ignored: windows read the + strand). OUTPUT is a bedGraph",
            "(sorted, with a track line; UCSC and IGV load it) of each window's probability (regression: level);",
            "a line spans its window, cut at the next window's start.",
            "A model with several output columns (multiclass, multilabel) writes one bedGraph per column:",
            "OUTPUT with '.<column>' before its extension. --bgzip compresses and writes a tabix index (.tbi).",
            "OUTPUT ending in .bw (or .bigWig) writes the same intervals as a bigWig instead, with zoom levels as",
            "UCSC's bedGraphToBigWig makes them (the float scores, not their 6-digit text).",
            "--embeddings FILE.npz also saves the pooled vector of each window ([CLS] or mean, as fine-tuned).",
            "",
            "Variants (--vcf, plain or bgzipped, no index needed): per record a window centred on REF and, per",
            "ALT, one with the ALT allele in its place (SNVs, MNVs and indels; symbolic ALTs are skipped). OUTPUT",
            "is the VCF with INFO fields RB_REF, RB_ALT, RB_DIFF (ALT - REF), RB_LOGOR (log odds ratio), suffixed",
            "with the column name when the model has several, and RB_SKIP for records not scored and why. REF",
            "is checked against the reference: mismatches are counted, shown, and skipped (or fatal with",
            "--ref-mismatch error). OUTPUT ending in .gz is bgzipped with a tabix index. ALT windows of indels",
            "read the states of the reference window at the same place.",
            "",
            "EBERT models read per-token states: give the file they were aligned with (--peaks or --states,",
            "FILE[:CELL]); without it every token gets state 0 ('no annotation') and a warning says so.",
            "A task feature on that same array (finetune --feature peaks) is computed as finetune does: the",
            "window's mean state over the highest level. bigWig signal task features (finetune --feature",
            "signal) are read from --signal FILE.bw:TRACK, one file per column the model reads (TRACK CELL for",
            "'signal', CELL.MARK for 'signal:MARK'), as align --signal computed them: the per-token mean over",
            "bases with data, asinh of the mean over tokens with data, and a has-data flag. VCF: the signal at",
            "the locus, the same for REF and ALT. Other task features are refused.",
            "",
            "GeneBERT models read a motif matrix per window: it is scanned from each window's bases (REF and ALT",
            "windows alike) with the motif file and scan settings the model keeps (finetune copies them from",
            "'align --motifs'), standardised as in fine-tuning. --motifs FILE replaces the model's copy (same",
            "motif ids in the same order), e.g. for models fine-tuned before models kept it.",
            "",
            "A summary (counts, skips, throughput) goes to OUTPUT's stem + .score-summary.json. Nothing is",
            "written unless the run succeeds.",
        },
        footer = {
            "",
            "Examples:",
            "  regbert score --model ft/promoter --reference hg19.chr20.fa.gz --regions tss.bed \\",
            "                --contig-alias chr20=20 --peaks uw-dhs-master.hg19.bed.gz:DHS --output tss.bedGraph",
            "  regbert score --model ft/promoter --reference hg19.chr20.fa.gz --tile 20:30000000-31000000 \\",
            "                --bgzip --embeddings tiles.npz --output tiles.bedGraph.gz",
            "  regbert score --model ft/promoter --reference hg19.chr20.fa.gz --vcf gwas.vcf.gz \\",
            "                --contig-alias chr20=20 --skip-missing-contigs --output gwas.scored.vcf.gz",
            "",
            "Exit codes: 0 success, 2 bad usage or bad input (message on stderr), 1 internal error.",
        })
public class ScoreCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Fine-tuned model: a 'regbert finetune' output directory or its model/ folder.")
    Path model;

    @Option(names = "--reference", required = true, paramLabel = "FASTA",
            description = "Indexed reference FASTA (plain or bgzip, .fai/.gzi built if missing and writable).")
    Path reference;

    @Option(names = "--regions", paramLabel = "BED", description = "Score the windows of these intervals.")
    Path regions;

    @Option(names = "--tile", paramLabel = "CONTIG[:START-END]", split = ",",
            description = "Tile a contig or a range of it (0-based, end exclusive), e.g. 20:30000000-31000000."
                    + " Repeatable.")
    List<String> tiles = new ArrayList<>();

    @Option(names = "--vcf", paramLabel = "VCF", description = "Score the variants of this VCF (.vcf or .vcf.gz).")
    Path vcf;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "bedGraph (regions) or VCF (variants) to write; .gz: bgzipped; regions to .bw or .bigWig:"
                    + " a bigWig.")
    Path output;

    @Option(names = "--stride", paramLabel = "TOKENS",
            description = "Tiling step between windows of a long interval, in tokens (default: the window's"
                    + " tokens, as tokenize's default).")
    Integer stride;

    @Option(names = "--max-n-fraction", defaultValue = "0.05", paramLabel = "F",
            description = "Skip (and count) windows where more than this fraction of bases is N or another IUPAC"
                    + " code (default: ${DEFAULT-VALUE}, as tokenize).")
    double maxNFraction;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "N",
            description = "Windows per model call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--bgzip", description = "Regions: bgzip the bedGraph and write a tabix index beside it.")
    boolean bgzip;

    @Option(names = "--embeddings", paramLabel = "FILE.npz",
            description = "Regions: also write each window's pooled vector (embeddings [N, H] float32, contig,"
                    + " start, end).")
    Path embeddings;

    @Option(names = "--peaks", paramLabel = "FILE[:CELL]",
            description = "EBERT trained on 'peaks' states: the peak file the training shards were aligned with.")
    String peaks;

    @Option(names = "--states", paramLabel = "FILE[:CELL]",
            description = "EBERT trained on 'states': the chromatin-state segmentation to read states from.")
    String states;

    @Option(names = "--signal", paramLabel = "FILE.bw[:TRACK]",
            description = "Models fine-tuned with '--feature signal': a bigWig per signal column, TRACK as align"
                    + " --signal named it (CELL, or CELL.MARK). Repeat for several. Also the per-token states of EBERT"
                    + " models trained on 'signal_states' (align --signal-levels): each token's mean levelled with the"
                    + " cut points the model keeps for TRACK, as align levelled the training windows.")
    List<String> signal = new ArrayList<>();

    @Option(names = "--motifs", paramLabel = "FILE",
            description = "GeneBERT: the motif file 'align --motifs' scanned, instead of the copy the model keeps"
                    + " (checked: the model's motif ids, in order).")
    Path motifs;

    @Option(names = "--ref-mismatch", defaultValue = "skip", paramLabel = "MODE",
            description = "Variants whose REF differs from the reference, or whose POS (or REF) lies past the contig's"
                    + " end: skip (counted, RB_SKIP=ref_mismatch or position_past_contig_end) or error (exit 2)"
                    + " (default: ${DEFAULT-VALUE}).")
    String refMismatch;

    @Option(names = "--exclude", paramLabel = "BED",
            description = "Regions to leave out (e.g. the ENCODE blacklist): region windows sharing a base with them"
                    + " and variants whose REF does are not scored (variants: RB_SKIP=excluded), and are counted in"
                    + " the score summary. Lines on contigs the reference lacks are skipped. Default: none.")
    Path exclude;

    @Mixin
    ContigOptions contigs = new ContigOptions();

    @Option(names = "--threads", paramLabel = "N", description = "Engine threads (default: the engine's).")
    Integer threads;

    @Mixin
    RunOptions run = new RunOptions();

    @Override
    public Integer call() throws Exception {
        boolean regionMode = regions != null || !tiles.isEmpty();
        if (regionMode == (vcf != null)) {
            throw new BadInputException("give --regions BED and/or --tile CONTIG[:START-END], or --vcf VCF (one mode)");
        }
        if (!List.of("skip", "error").contains(refMismatch)) {
            throw new BadInputException("--ref-mismatch " + refMismatch + ": expected skip or error");
        }
        if (batchSize < 1 || (stride != null && stride < 1) || maxNFraction < 0 || maxNFraction > 1) {
            throw new BadInputException("--batch-size and --stride must be at least 1, --max-n-fraction in [0, 1]");
        }
        if (vcf != null && (embeddings != null || bgzip || stride != null)) {
            throw new BadInputException("--embeddings, --bgzip and --stride apply to regions; a VCF output ending in"
                    + " .gz is bgzipped");
        }
        if (vcf != null && BedGraphWriter.isBigWig(output.getFileName().toString())) {
            throw new BadInputException(output, "a bigWig holds region scores: score --vcf writes a VCF");
        }
        if (peaks != null && states != null) {
            throw new BadInputException("give --peaks or --states, as the model was trained (not both)");
        }
        EngineSettings.apply(threads);
        String array = peaks != null ? "peaks" : states != null ? "states" : null;
        ScoreRun scoreRun = new ScoreRun(this, array, array == null ? null : peaks != null ? peaks : states);
        scoreRun.execute();
        return ExitCodes.OK;
    }

    /** Version for {@code --version}. */
    static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"regbert score " + ToolVersion.get()};
        }
    }
}
