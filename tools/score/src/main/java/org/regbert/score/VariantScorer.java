package org.regbert.score;

import htsjdk.samtools.util.IOUtil;
import htsjdk.tribble.readers.LineIteratorImpl;
import htsjdk.tribble.readers.SynchronousLineReader;
import htsjdk.variant.variantcontext.Allele;
import htsjdk.variant.variantcontext.VariantContext;
import htsjdk.variant.variantcontext.writer.VariantContextWriter;
import htsjdk.variant.vcf.VCFCodec;
import htsjdk.variant.vcf.VCFHeader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.regbert.common.BadInputException;
import org.regbert.genome.ContigResolver;
import org.regbert.genome.ExcludedRegions;

/**
 * Scores the variants of a VCF (plain or bgzipped; no index needed): for each record a window of
 * the reference centred on the REF allele and, per ALT, the same window with the ALT allele in its
 * place, centred on it (indels included: the flanks come from the reference so every window has
 * the model's length). REF is checked against the reference first; a mismatch is counted and the
 * record written unscored (RB_SKIP=ref_mismatch), or it stops the run with {@code --ref-mismatch error}.
 * Records are written in input order, every one of them, scored or with RB_SKIP saying why not.
 * States of ALT windows are the reference's at the same coordinates (an epigenome has no ALT).
 */
final class VariantScorer {
    private static final int MAX_EXAMPLES = 5;

    private final Path vcf;
    private final ContigResolver contigs;
    private final ReferenceWindows reference;
    private final WindowStates states;
    /** bigWig task features, or null when the model reads none. */
    private WindowSignals signals;
    private final ModelRunner runner;
    private final VcfAnnotator annotator;
    private final boolean mismatchIsError;
    private final int chunk;
    private final Map<String, Long> skipped = new TreeMap<>();
    private final List<String> mismatchExamples = new ArrayList<>();
    private long records;
    private long scoredRecords;
    private long scoredAlleles;
    private long indels;
    private long mismatches;
    private ExcludedRegions excluded;

    /** A record waiting for its windows' scores: window indexes in the buffer (-1: none). */
    private record Job(VariantContext vc, int refWindow, int[] altWindows, List<String> skips) {
    }

    VariantScorer(Path vcf, ContigResolver contigs, ReferenceWindows reference, WindowStates states, ModelRunner runner,
            VcfAnnotator annotator, boolean mismatchIsError, int batchSize) {
        this.vcf = vcf;
        this.contigs = contigs;
        this.reference = reference;
        this.states = states;
        this.runner = runner;
        this.annotator = annotator;
        this.mismatchIsError = mismatchIsError;
        this.chunk = batchSize * 16;
    }

    /** Windows get these bigWig task features (score --signal). */
    VariantScorer withSignals(WindowSignals signals) {
        this.signals = signals;
        return this;
    }

    /** Leaves out (RB_SKIP=excluded) records whose REF shares a base with these regions (score --exclude). */
    VariantScorer excluding(ExcludedRegions regions) {
        this.excluded = regions;
        return this;
    }

    /**
     * Reads the VCF (plain or gzip/bgzip; an index is never required) line by line, decoding each
     * record itself rather than through htsjdk's reader, which reads one record ahead (its errors
     * came one record late) and counts lines its own way: errors name the record's line in the file.
     * Hands the header to {@code open}, which returns the writer.
     */
    void run(Function<VCFHeader, VariantContextWriter> open, Runnable tick) {
        if (!Files.isReadable(vcf)) {
            throw new BadInputException(vcf, Files.exists(vcf) ? "cannot read VCF" : "no such VCF file");
        }
        VCFCodec codec = new VCFCodec();
        try (BufferedReader in = IOUtil.openFileForBufferedReading(vcf)) {
            List<String> headerLines = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null && line.startsWith("#")) {
                headerLines.add(line);
            }
            VCFHeader header = header(codec, headerLines);
            long number = headerLines.size() + 1;
            try (VariantContextWriter writer = open.apply(header)) {
                WindowBuffer buffer = new WindowBuffer(reference.windowTokens(), states.needed(),
                        signals == null ? 0 : signals.columns(), chunk + 8);
                List<Job> pending = new ArrayList<>();
                for (; line != null; line = in.readLine(), number++) {
                    VariantContext vc;
                    try {
                        vc = codec.decode(line);
                    } catch (RuntimeException e) {
                        throw new BadInputException(vcf, number, "malformed VCF record: " + withoutLineNumber(e), e);
                    }
                    if (vc == null) {
                        continue; // a comment line among the records
                    }
                    records++;
                    pending.add(plan(vc, number, buffer));
                    if (buffer.size() >= chunk) {
                        flush(pending, buffer, writer);
                        tick.run();
                    }
                }
                flush(pending, buffer, writer);
            }
        } catch (IOException | htsjdk.samtools.util.RuntimeIOException e) {
            throw new BadInputException(vcf, -1, "cannot read VCF: " + e.getMessage(), e);
        }
    }

    private VCFHeader header(VCFCodec codec, List<String> lines) {
        if (lines.isEmpty()) {
            throw new BadInputException(vcf, 1, "not a VCF: no '##fileformat' / '#CHROM' header");
        }
        try {
            Object header = codec.readActualHeader(new LineIteratorImpl(new SynchronousLineReader(
                    new StringReader(String.join("\n", lines)))));
            return (VCFHeader) header;
        } catch (RuntimeException e) {
            throw new BadInputException(vcf, -1, "not a readable VCF header (lines 1-" + lines.size() + "): "
                    + withoutLineNumber(e), e);
        }
    }

    /** htsjdk's message without its own line count, which need not match the file's lines. */
    private static String withoutLineNumber(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        return message.replaceAll("(?i)^\\s*line \\d+:\\s*", "")
                .replaceAll("(?i)\\s*at approximately line number \\d+", "");
    }

    private Job plan(VariantContext vc, long line, WindowBuffer buffer) {
        List<String> skips = new ArrayList<>();
        int[] alts = new int[vc.getAlternateAlleles().size()];
        Arrays.fill(alts, -1);
        String contig = contigs.resolve(vc.getContig(), vcf, line);
        if (contig == null) {
            return skip(vc, alts, skips, "contig_not_in_reference");
        }
        if (vc.getStart() < 1) {
            // VCF 4.3 lets POS 0 mark a telomere (a breakend before the first base): there is no
            // reference base there to compare REF with or to centre a window on.
            throw new BadInputException(vcf, line, "POS " + vc.getStart() + " is before the first base of "
                    + vc.getContig() + ": positions are 1-based, and score needs the reference base at POS");
        }
        String ref = vc.getReference().getBaseString();
        long pos = vc.getStart() - 1L;
        long end = pos + ref.length();
        if (excluded != null && excluded.overlaps(contig, pos, end)) {
            return skip(vc, alts, skips, "excluded");
        }
        long length = reference.contigLength(contig);
        if (end > length) {
            // Not a REF mismatch: there is no reference base to compare with (wrong assembly or contig?).
            if (mismatchIsError) {
                throw new BadInputException(vcf, line, "POS " + vc.getStart() + (ref.length() > 1 ? " (REF of "
                        + ref.length() + " bases)" : "") + " is past the end of " + vc.getContig() + " (" + length
                        + " bases in the reference); wrong assembly? (pass --ref-mismatch skip to skip such records)");
            }
            return skip(vc, alts, skips, "position_past_contig_end");
        }
        String found = new String(reference.bases(contig, pos, end), StandardCharsets.US_ASCII);
        if (!found.equalsIgnoreCase(ref)) {
            mismatches++;
            String example = vc.getContig() + ":" + vc.getStart() + " REF " + ref + ", reference "
                    + found.toUpperCase(Locale.ROOT) + " (line " + line + ")";
            if (mismatchExamples.size() < MAX_EXAMPLES) {
                mismatchExamples.add(example);
            }
            if (mismatchIsError) {
                throw new BadInputException(vcf, line, "REF does not match the reference: " + example
                        + "; wrong assembly? (pass --ref-mismatch skip to skip such records)");
            }
            return skip(vc, alts, skips, "ref_mismatch");
        }
        int refWindow = window(contig, pos, end, vc.getReference(), buffer, skips);
        if (refWindow < 0) {
            return skip(vc, alts, skips, null);
        }
        boolean any = false;
        for (int a = 0; a < alts.length; a++) {
            Allele allele = vc.getAlternateAllele(a);
            if (allele.isSymbolic() || allele.isNoCall() || allele.getBaseString().isEmpty()
                    || allele.equals(Allele.SPAN_DEL)) {
                skips.add("symbolic_allele");
                continue;
            }
            if (allele.length() != ref.length()) {
                indels++;
            }
            alts[a] = window(contig, pos, end, allele, buffer, skips);
            any |= alts[a] >= 0;
        }
        if (any) {
            scoredRecords++;
        }
        for (String reason : skips) {
            skipped.merge(reason, 1L, Long::sum);
        }
        return new Job(vc, refWindow, alts, skips);
    }

    private Job skip(VariantContext vc, int[] alts, List<String> skips, String reason) {
        if (reason != null) {
            skips.add(reason);
        }
        for (String r : skips) {
            skipped.merge(r, 1L, Long::sum);
        }
        return new Job(vc, -1, alts, skips);
    }

    /**
     * Adds the window with {@code allele} in place of the reference's {@code [pos, end)}, centred on
     * the allele; returns its index in the buffer, or -1 (reason added to {@code skips}).
     */
    private int window(String contig, long pos, long end, Allele allele, WindowBuffer buffer, List<String> skips) {
        byte[] seq = allele.getBases();
        if (seq.length > reference.windowBases()) {
            skips.add("allele_longer_than_window");
            return -1;
        }
        long from = windowStart(reference, pos, seq.length);
        byte[] window = alleleWindow(reference, contig, pos, end, seq);
        if (window == null) {
            skips.add("window_past_contig_end");
            return -1;
        }
        int at = buffer.next();
        if (!reference.tokenize(window, buffer.tokens(), at)) {
            skips.add("too_many_n");
            return -1;
        }
        if (states.needed()) {
            states.fill(contig, from, reference.windowTokens(), reference.step(), reference.k(), buffer.states(), at,
                    new byte[reference.windowTokens()]);
        }
        if (signals != null) {
            // the signal measured at the locus: the same for REF and ALT windows
            signals.fill(contig, from, reference.windowTokens(), reference.step(), reference.k(), buffer.features(),
                    buffer.featuresAt());
        }
        buffer.commit();
        scoredAlleles++;
        return buffer.size() - 1;
    }

    /** Where the window centred on an allele of {@code alleleLength} bases at {@code pos} starts. */
    static long windowStart(ReferenceWindows reference, long pos, int alleleLength) {
        return pos - (reference.windowBases() - alleleLength) / 2;
    }

    /**
     * The window's bases with {@code allele} in place of the reference's {@code [pos, end)}, centred
     * on the allele (flanks from the reference); null when it would reach past the contig.
     */
    static byte[] alleleWindow(ReferenceWindows reference, String contig, long pos, long end, byte[] allele) {
        int bases = reference.windowBases();
        long from = windowStart(reference, pos, allele.length);
        int left = Math.toIntExact(pos - from);
        int right = bases - left - allele.length;
        long to = end + right;
        if (from < 0 || to > reference.contigLength(contig)) {
            return null;
        }
        byte[] window = new byte[bases];
        System.arraycopy(reference.bases(contig, from, pos), 0, window, 0, left);
        System.arraycopy(allele, 0, window, left, allele.length);
        System.arraycopy(reference.bases(contig, end, to), 0, window, left + allele.length, right);
        return window;
    }

    private void flush(List<Job> pending, WindowBuffer buffer, VariantContextWriter writer) {
        float[][] scores = runner.predict(buffer);
        for (Job job : pending) {
            float[] ref = job.refWindow() < 0 ? null : scores[job.refWindow()];
            float[][] alts = new float[job.altWindows().length][];
            for (int a = 0; a < alts.length; a++) {
                alts[a] = job.altWindows()[a] < 0 ? null : scores[job.altWindows()[a]];
            }
            try {
                writer.add(annotator.annotate(job.vc(), ref, alts, job.skips()));
            } catch (IllegalArgumentException e) {
                // htsjdk's on-the-fly tabix index needs records sorted by contig and position.
                if (String.valueOf(e.getMessage()).contains("order")) {
                    throw new BadInputException(vcf, "is not sorted by position (" + job.vc().getContig() + ":"
                            + job.vc().getStart() + " comes after a later record); a bgzipped, indexed output needs"
                            + " sorted records: sort it (bcftools sort) or write a plain .vcf");
                }
                throw e;
            }
        }
        pending.clear();
        buffer.clear();
    }

    long records() {
        return records;
    }

    /** Records with at least one ALT scored. */
    long scoredRecords() {
        return scoredRecords;
    }

    /** Windows (REF and ALT alleles) scored. */
    long scoredAlleles() {
        return scoredAlleles;
    }

    long indels() {
        return indels;
    }

    long mismatches() {
        return mismatches;
    }

    List<String> mismatchExamples() {
        return mismatchExamples;
    }

    /** Records (or ALTs) not scored, by reason. */
    Map<String, Long> skipped() {
        return skipped;
    }
}
