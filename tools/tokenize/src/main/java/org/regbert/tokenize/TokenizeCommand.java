package org.regbert.tokenize;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.regbert.common.BadInputException;
import org.regbert.common.ContigOptions;
import org.regbert.common.ExitCodes;
import org.regbert.common.RunOptions;
import org.regbert.common.ToolVersion;
import org.regbert.shards.KmerVocabulary;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regbert tokenize}: DNA windows from a reference FASTA as k-mer token shards. */
@TopCommand
@Command(name = "tokenize", mixinStandardHelpOptions = true, versionProvider = TokenizeCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Cuts DNA into windows of overlapping k-mer tokens (DNABERT vocabulary) and writes them as",
            "NumPy-readable window shards (DIR/shard-00000.npz, ...) for align, pretrain and score.",
            "",
            "Windows tile every contig (default), the intervals of a BED file (--regions), or each record",
            "of a FASTA of short sequences (--fasta-records). Memory stays constant whatever the genome.",
        },
        footer = {
            "",
            "Examples:",
            "  regbert tokenize --reference hg19.chr20.fa.gz --kmer 6 --window 510 --stride 510 --output chr20/",
            "  regbert tokenize --reference hg19.fa.gz --regions tss.bed --contig-alias chr20=20 \\",
            "                   --window 195 --output tss/",
            "  regbert tokenize --reference peaks.fa --fasta-records --window 195 --output peaks/",
            "  regbert tokenize --reference GRCh38.fa.gz --exclude hg38-blacklist.v2.bed.gz --output grch38/",
            "",
            "Exit codes: 0 success, 2 bad usage or bad input (message on stderr), 1 internal error.",
        })
public class TokenizeCommand implements Callable<Integer> {

    @Option(names = "--reference", required = true, paramLabel = "FASTA",
            description = "Reference FASTA, plain or bgzip. An index (.fai, and .gzi for bgzip) is built beside it"
                    + " when missing and the folder is writable.")
    Path reference;

    @ArgGroup(exclusive = true)
    Source source = new Source();

    static class Source {
        @Option(names = "--regions", paramLabel = "BED",
                description = "Tile only these intervals. An interval shorter than a window gets one window centred"
                        + " on it; a '-' strand (column 6) gives reverse-complement windows.")
        Path regions;

        @Option(names = "--fasta-records",
                description = "Treat each FASTA record as a sequence of its own (no index needed); a record"
                        + " shorter than a window gives one window padded with [PAD].")
        boolean fastaRecords;
    }

    @Option(names = {"-k", "--kmer"}, defaultValue = "6", paramLabel = "K",
            description = "k-mer length, " + KmerVocabulary.MIN_K + " to " + KmerVocabulary.MAX_K + " (default: ${DEFAULT-VALUE}).")
    int kmer;

    @Option(names = "--window", defaultValue = "510", paramLabel = "TOKENS",
            description = "Tokens per window (default: ${DEFAULT-VALUE}, i.e. 512 with [CLS] and [SEP]).")
    int window;

    @Option(names = "--stride", paramLabel = "TOKENS",
            description = "Tokens between window starts (default: the window length, no overlap).")
    Integer stride;

    @Option(names = "--non-overlapping",
            description = "Step k bases between tokens instead of 1 (non-overlapping k-mers).")
    boolean nonOverlapping;

    @Option(names = "--reverse-complement",
            description = "Also write the reverse complement of every window (strand -1): augmentation.")
    boolean reverseComplement;

    @Option(names = "--max-n-fraction", defaultValue = "0.05", paramLabel = "F",
            description = "Skip windows where more than this fraction of bases is N or another IUPAC code"
                    + " (default: ${DEFAULT-VALUE}); k-mers with such bases in kept windows become [UNK]. 1 keeps all.")
    double maxNFraction;

    @Option(names = "--strict-bases",
            description = "Refuse a FASTA holding characters that are no nucleotide (not A, C, G, T/U or an IUPAC code"
                    + " such as N, R, Y): digits, '*', 'X', '-'. Default: they become [UNK] and are counted per contig"
                    + " (nonNucleotideCharacters in tokenize-summary.json, and a warning).")
    boolean strictBases;

    @Option(names = "--softmask-array",
            description = "Keep a 'softmask' array marking k-mers with soft-masked (lower-case, repeat) bases."
                    + " Tokens are always upper-case k-mers.")
    boolean softmaskArray;

    @Option(names = "--contigs", split = ",", paramLabel = "NAME",
            description = "Tile only these contigs (comma-separated; genome-wide mode).")
    List<String> contigs = new ArrayList<>();

    @Option(names = "--all-contigs",
            description = "Genome-wide tiling: keep every contig. By default contigs named *_alt, *_random, chrUn*,"
                    + " *_decoy, HLA-* and chrEBV (GRCh38's alternate haplotypes, unplaced and decoy sequences) are"
                    + " skipped and listed as skippedContigs in tokenize-summary.json. --contigs keeps what it names.")
    boolean allContigs;

    @Option(names = "--exclude", paramLabel = "BED",
            description = "Drop windows that share a base with these regions (e.g. the ENCODE blacklist); counted in"
                    + " tokenize-summary.json. Lines on contigs the reference lacks are skipped. Default: none.")
    Path exclude;

    @Mixin
    ContigOptions contigOptions = new ContigOptions();

    @Option(names = "--ignore-strand", description = "Tokenize BED intervals on the forward strand whatever column 6 says.")
    boolean ignoreStrand;

    @Option(names = "--assembly", paramLabel = "NAME",
            description = "Assembly name for the manifest (default: detected from contig lengths: hg18, hg19, hg38).")
    String assembly;

    @Option(names = "--windows-per-shard", defaultValue = "8192", paramLabel = "N",
            description = "Windows per shard file (default: ${DEFAULT-VALUE}).")
    int windowsPerShard;

    @Option(names = {"-t", "--threads"}, paramLabel = "N",
            description = "Worker threads reading and tokenizing chunks (default: the number of cores)."
                    + " Output is identical for any value.")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
            description = "Output directory for shard-NNNNN.npz and tokenize-summary.json.")
    Path output;

    @Mixin
    RunOptions runOptions = new RunOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        TokenizeSettings settings = validate();
        new TokenizeRun(settings).execute();
        return ExitCodes.OK;
    }

    private TokenizeSettings validate() {
        if (kmer < KmerVocabulary.MIN_K || kmer > KmerVocabulary.MAX_K) {
            throw new BadInputException("--kmer " + kmer + " is out of range: k must be " + KmerVocabulary.MIN_K + " to "
                    + KmerVocabulary.MAX_K + " (ids are stored as uint16)");
        }
        int strideTokens = stride == null ? window : stride;
        if (window < 1 || strideTokens < 1) {
            throw new BadInputException("--window and --stride must be at least 1 token");
        }
        if (!(maxNFraction >= 0 && maxNFraction <= 1)) {
            throw new BadInputException("--max-n-fraction must be between 0 and 1, was " + maxNFraction);
        }
        if (threads < 1) {
            throw new BadInputException("--threads must be at least 1");
        }
        if (windowsPerShard < 1) {
            throw new BadInputException("--windows-per-shard must be at least 1");
        }
        if (!contigs.isEmpty() && (source.regions != null || source.fastaRecords)) {
            throw new BadInputException("--contigs applies to genome-wide tiling, not with --regions or --fasta-records");
        }
        if (exclude != null && source.fastaRecords) {
            throw new BadInputException("--exclude needs genome coordinates: not with --fasta-records");
        }
        WindowGeometry geometry = new WindowGeometry(kmer, !nonOverlapping, window, strideTokens);
        List<String> command = new ArrayList<>(List.of("regbert", "tokenize"));
        if (spec != null) {
            command.addAll(spec.commandLine().getParseResult().originalArgs());
        }
        return new TokenizeSettings(reference, source.regions, source.fastaRecords, geometry, reverseComplement,
                maxNFraction, softmaskArray, List.copyOf(contigs), contigOptions.aliases(), contigOptions.skipMissing(), ignoreStrand, assembly,
                windowsPerShard, threads, output, runOptions.overwrite(), runOptions.quiet(), command, strictBases, allContigs, exclude);
    }

    /** Version for {@code --version}. */
    static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"regbert tokenize " + ToolVersion.get()};
        }
    }
}
