package org.regbert.align;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.regbert.common.BadInputException;
import org.regbert.common.ContigOptions;
import org.regbert.common.ExitCodes;
import org.regbert.common.RunOptions;
import org.regbert.common.ToolVersion;
import org.regbert.epigenome.SignalLevels;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regbert align}: chromatin states, motif matrices and labels onto token windows. */
@TopCommand
@Command(name = "align", mixinStandardHelpOptions = true, versionProvider = AlignCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Puts what ENCODE and Roadmap users download onto the token windows of 'regbert tokenize':",
            "chromatin states per token and cell type (EBERT), a TF x region motif-score matrix per window",
            "(GeneBERT), and labels for fine-tuning with train/validation/test holdouts. Writes",
            "self-contained shards (the token arrays plus the new ones) to --output.",
            "",
            "Every input's contig names are checked against the shards' reference: 'chr20' is never taken",
            "for '20' without --contig-alias chr20=20; coordinates past a contig's end are refused with the",
            "assemblies they would fit.",
        },
        footer = {
            "",
            "Examples:",
            "  regbert align --shards chr20/ --labels promoter=RefSeqTSS.hg19.bed.gz --contig-alias chr20=20 \\",
            "                --negatives-per-positive 1 --test 20:50000000-63025520 --output chr20-promoter/",
            "  regbert align --shards chr20/ --labels ctcf=conservative.narrowPeak --ambiguous ctcf=relaxed.narrowPeak \\",
            "                --contig-alias chr20=20 --output chr20-ctcf/",
            "  regbert align --shards chr20/ --peaks uw-dhs-master.hg19.bed.gz:DHS --contig-alias chr20=20 --output dhs/",
            "  regbert align --shards chr20/ --signal K562.H3K27ac.fc.bigWig:K562.H3K27ac --signal GM12878.dnase.bw:GM12878 \\",
            "                --contig-alias chr20=20 --skip-missing-contigs --output signal/",
            "  regbert align --shards chr20/ --signal GM12878.dnase.bw:GM12878 --signal-levels 8 --contig-alias chr20=20 \\",
            "                --test 20:50000000-63025520 --output dnase-levels/   # then: pretrain --state-array signal_states",
            "",
            "  regbert align --shards hg19/ --labels CTCF=CTCF.train.labels.tsv.gz --exclude blacklist.bed.gz \\",
            "                --test chr21 --output ctcf-dream/",
            "",
            "Label values (int8 label_<task>): 1 positive/bound (splice: 1 donor, 2 acceptor), 0 negative,",
            "-1 ambiguous (relaxed peak only, DREAM 'A'), -2 negative not drawn by sampling, -3 no DREAM bin",
            "covers the window, -4 window overlaps --exclude; negative values are left out.",
            "Sampling thins the training split only (validation with --sample-validation, test with --sample-test):",
            "the test split is every window of the held-out regions, scored at the genome's class ratio.",
            "Exit codes: 0 success, 2 bad usage or bad input (message on stderr), 1 internal error.",
        })
public class AlignCommand implements Callable<Integer> {

    @Option(names = "--shards", required = true, paramLabel = "DIR",
            description = "Token shards from 'regbert tokenize' (a directory of shard-*.npz, or one shard).")
    Path shards;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Output directory.")
    Path output;

    @Option(names = "--states", paramLabel = "FILE[:CELL_TYPE]",
            description = "Chromatin-state segmentation (ChromHMM *_segments.bed, Roadmap *_dense.bed or"
                    + " *_expanded.bed, ChromHMM *_binary.txt). Cell type from the name after ':', the"
                    + " --metadata file, or the file name. Repeatable: one per cell type.")
    List<String> states = new ArrayList<>();

    @Option(names = "--peaks", paramLabel = "FILE[:CELL_TYPE]",
            description = "ENCODE peaks (narrowPeak, broadPeak, BED3+, or their bigBed: bigNarrowPeak, bigBroadPeak)"
                    + " for DNase/ATAC/histone marks, as per-token accessibility states. Repeatable.")
    List<String> peaks = new ArrayList<>();

    @Option(names = "--signal", paramLabel = "FILE[:TRACK]",
            description = "bigWig signal (ENCODE fold change, p-value, read depth) as per-token means: float16 'signal'"
                    + " [tracks, windows, tokens], the mean over each token's bases with data, NaN where none has."
                    + " TRACK names the cell type, or CELL.MARK when a cell type has several files (default: the"
                    + " --metadata biosample, else the file name). Read window by window, never whole. Repeatable.")
    List<String> signals = new ArrayList<>();

    @Option(names = "--signal-levels", paramLabel = "Q",
            description = "Also quantise each --signal track into Q levels (2 to 254) as EBERT's per-token state:"
                    + " uint8 'signal_states' [tracks, windows, tokens], 0 where the token has no data, 1 (weakest) .. Q"
                    + " (strongest) by the track's Q-quantiles of the training windows' per-token means (validation"
                    + " and test windows left out; exact up to 2^20 means, else of a reservoir sample drawn with --seed),"
                    + " kept in 'signal_level_cuts' [tracks, Q-1] for pretrain, finetune and score"
                    + " ('pretrain --state-array signal_states'). Default: none.")
    Integer signalLevels;

    @Option(names = "--peak-levels", defaultValue = "1", paramLabel = "Q",
            description = "1: open/closed (default); Q > 1: peaks binned into Q signal-value quantiles.")
    int peakLevels;

    @Option(names = "--metadata", paramLabel = "metadata.tsv",
            description = "ENCODE batch metadata: names cell types (Biosample term name) and checks File assembly.")
    Path metadata;

    @Option(names = "--motifs", paramLabel = "PFM",
            description = "Motif matrices (JASPAR .jaspar, TRANSFAC, or gimme .pfm) scanned on both strands.")
    Path motifs;

    @Option(names = "--regions-per-window", defaultValue = "4", paramLabel = "R",
            description = "Regions per window for the motif matrix [N, T, R] (default: ${DEFAULT-VALUE}).")
    int regionsPerWindow;

    @Option(names = "--motif-factors", paramLabel = "FILE",
            description = "motif2factors table naming each motif's transcription factors (e.g. JASPAR2022_vertebrates"
                    + ".motif2factors.txt), recorded in the manifest.")
    Path motifFactors;

    @Option(names = "--motif-top", defaultValue = "1", paramLabel = "N",
            description = "1: the best placement per region (default); N > 1: the sum of the N best.")
    int motifTop;

    @Option(names = "--motif-background", defaultValue = "uniform", paramLabel = "uniform|windows",
            description = "Background of the log-odds: uniform (default), or the base frequencies of the windows.")
    String motifBackground;

    @Option(names = "--labels", paramLabel = "TASK=FILE",
            description = "Positives for a task: BED/narrowPeak intervals or their bigBed (promoters: TSS; accessibility: DHSs,"
                    + " MCV-n names become levels; TF binding: conservative peaks), a .bedpe of introns"
                    + " (splice donor/acceptor, strand-aware), or an ENCODE-DREAM label table (.tsv or .tsv.gz, header"
                    + " 'chr start stop CELL...', B/U/A per bin): one array label_TASK.CELL per cell type, a window"
                    + " labelled by its own bin on DREAM's grid, else by the bin nearest its centre (-3 where no bin"
                    + " covers it). Repeatable.")
    Map<String, Path> labels = new LinkedHashMap<>();

    @Option(names = "--ambiguous", paramLabel = "TASK=FILE",
            description = "Relaxed peaks for a task: bins overlapping only these are ambiguous (ENCODE-DREAM 'A').")
    Map<String, Path> ambiguous = new LinkedHashMap<>();

    @Option(names = "--label-bin", defaultValue = "200", paramLabel = "BASES",
            description = "Bases at the centre of each window that its label describes (default: ${DEFAULT-VALUE},"
                    + " ENCODE-DREAM's bins). DREAM label tables bring their own bins.")
    int labelBin;

    @Option(names = "--negatives-per-positive", paramLabel = "R",
            description = "Thin the training split: keep R random negatives per training positive (the rest become"
                    + " -2). Validation and test keep every window unless --sample-validation / --sample-test."
                    + " Default: keep all.")
    Double negativesPerPositive;

    @Option(names = "--matched-negatives",
            description = "Draw negatives in the GC-content distribution of the positives of the same split"
                    + " (with --negatives-per-positive).")
    boolean matchedNegatives;

    @Option(names = "--sample-validation",
            description = "Thin the validation split too, R negatives per validation positive (default: validation"
                    + " keeps every window). Recorded as validationSampled.")
    boolean sampleValidation;

    @Option(names = "--sample-test",
            description = "Thin the test split too, R negatives per test positive, for very large genomes (default:"
                    + " test keeps every window, so measures are taken at the genome's class ratio). Recorded as"
                    + " testSampled in the manifest and align-summary.json.")
    boolean sampleTest;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed for sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--valid", split = ",", paramLabel = "CONTIG[:START-END]",
            description = "Validation holdout: contigs or regions (0-based, end exclusive), comma-separated.")
    List<String> valid = new ArrayList<>();

    @Option(names = "--test", split = ",", paramLabel = "CONTIG[:START-END]",
            description = "Test holdout: contigs or regions. Windows touching a holdout belong to it.")
    List<String> test = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "BED",
            description = "Regions to leave out (e.g. the ENCODE blacklist): windows sharing a base with them are marked"
                    + " in an 'excluded' array (uint8, 1 = excluded), their labels become -4, and finetune and evaluate"
                    + " skip them. Lines on contigs the reference lacks are skipped. Default: none.")
    Path exclude;

    @Mixin
    ContigOptions contigOptions = new ContigOptions();

    @Option(names = "--liftover", paramLabel = "CHAIN",
            description = "UCSC chain file lifting every interval input to the shards' assembly first (hg19 <-> hg38,"
                    + " hg18 -> hg19); intervals that fail to lift are counted and reported.")
    Path liftover;

    @Option(names = "--liftover-min-match", defaultValue = "0.95", paramLabel = "F",
            description = "Fraction of bases that must lift (default: ${DEFAULT-VALUE}).")
    double liftoverMinMatch;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads for motif scanning (default: cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Mixin
    RunOptions runOptions = new RunOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (labelBin < 1) {
            throw new BadInputException("--label-bin must be at least 1");
        }
        if (regionsPerWindow < 1) {
            throw new BadInputException("--regions-per-window must be at least 1");
        }
        if (motifTop < 1) {
            throw new BadInputException("--motif-top must be at least 1");
        }
        if (!motifBackground.equals("uniform") && !motifBackground.equals("windows")) {
            throw new BadInputException("--motif-background must be uniform or windows, was '" + motifBackground + "'");
        }
        if (peakLevels < 1 || peakLevels > 254) {
            throw new BadInputException("--peak-levels must be 1 to 254");
        }
        if (signalLevels != null && signals.isEmpty()) {
            throw new BadInputException("--signal-levels needs --signal FILE.bw[:TRACK]: it quantises bigWig signal");
        }
        if (signalLevels != null && (signalLevels < 2 || signalLevels > SignalLevels.MAX_LEVELS)) {
            throw new BadInputException("--signal-levels must be 2 to " + SignalLevels.MAX_LEVELS + ", was "
                    + signalLevels);
        }
        if (negativesPerPositive != null && !(negativesPerPositive > 0)) {
            throw new BadInputException("--negatives-per-positive must be positive");
        }
        if (matchedNegatives && negativesPerPositive == null) {
            throw new BadInputException("--matched-negatives needs --negatives-per-positive");
        }
        if ((sampleValidation || sampleTest) && negativesPerPositive == null) {
            throw new BadInputException((sampleTest ? "--sample-test" : "--sample-validation")
                    + " needs --negatives-per-positive");
        }
        for (String task : ambiguous.keySet()) {
            if (!labels.containsKey(task)) {
                throw new BadInputException("--ambiguous " + task + "=...: no --labels " + task + "=... to go with it");
            }
        }
        for (String task : labels.keySet()) {
            if (!task.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
                throw new BadInputException("--labels " + task + ": task names are letters, digits, '_', '.', '-'");
            }
        }
        if (states.isEmpty() && peaks.isEmpty() && signals.isEmpty() && motifs == null && labels.isEmpty()
                && exclude == null) {
            throw new BadInputException("nothing to align: give --states, --peaks, --signal, --motifs, --labels or --exclude");
        }
        if (liftover != null && !signals.isEmpty()) {
            throw new BadInputException("--liftover does not lift bigWig signal (" + signals.get(0) + "): lift it with a"
                    + " dedicated tool first (CrossMap bigwig, or bigWigToBedGraph | liftOver | sort | bedGraphToBigWig),"
                    + " or download the bigWig of the shards' assembly");
        }
        List<String> command = new ArrayList<>(List.of("regbert", "align"));
        if (spec != null) {
            command.addAll(spec.commandLine().getParseResult().originalArgs());
        }
        new AlignRun(new AlignSettings(shards, output, states, peaks, peakLevels, metadata, motifs, regionsPerWindow,
                motifFactors, motifTop, motifBackground,
                labels, ambiguous, labelBin, negativesPerPositive, matchedNegatives,
                sampleValidation, sampleTest, seed, valid, test, contigOptions.aliases(),
                contigOptions.skipMissing(),
                liftover, liftoverMinMatch, threads, runOptions.overwrite(), runOptions.quiet(), command,
                exclude, signals, signalLevels)).execute();
        return ExitCodes.OK;
    }

    /** Version for {@code --version}. */
    static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"regbert align " + ToolVersion.get()};
        }
    }
}
