package org.regbert.tokenize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import htsjdk.samtools.reference.ReferenceSequence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.regbert.common.BadInputException;
import org.regbert.common.Checksums;
import org.regbert.common.Progress;
import org.regbert.common.ProvenanceCommand;
import org.regbert.common.StagedOutput;
import org.regbert.common.Timestamps;
import org.regbert.common.ToolVersion;
import org.regbert.genome.AssemblyCatalog;
import org.regbert.genome.BedRegions;
import org.regbert.genome.ContigResolver;
import org.regbert.genome.ExcludedRegions;
import org.regbert.genome.ReferenceGenome;
import org.regbert.genome.Region;
import org.regbert.shards.KmerVocabulary;
import org.regbert.shards.SequenceRecord;
import org.regbert.shards.ShardManifest;
import org.regbert.shards.TokenShardWriter;

/**
 * One tokenize run: checks every input before any output exists, then streams windows into shards
 * in a staging folder and moves them into the output directory only when all went well.
 */
final class TokenizeRun {
    static final String SUMMARY = "tokenize-summary.json";
    static final String SKIP_SHORT_CONTIG = "contig shorter than one window";
    static final String SKIP_EMPTY_RECORD = "empty FASTA record";

    private final TokenizeSettings settings;
    private final WindowGeometry geometry;
    private final TokenizeStats stats = new TokenizeStats();

    TokenizeRun(TokenizeSettings settings) {
        this.settings = settings;
        this.geometry = settings.geometry();
    }

    TokenizeStats execute() {
        if (settings.fastaRecords()) {
            runRecords();
        } else {
            try (ReferenceGenome reference = ReferenceGenome.open(settings.reference())) {
                runIndexed(reference);
            }
        }
        return stats;
    }

    private void runIndexed(ReferenceGenome reference) {
        Map<String, Long> lengths = reference.contigLengths();
        ContigResolver resolver = new ContigResolver(reference.contigNames(),
                ContigResolver.parseAliases(settings.contigAliases()), settings.skipMissingContigs());
        List<Region> regions = settings.regions() == null ? null
                : BedRegions.read(settings.regions(), resolver, lengths);
        List<String> contigs = selectedContigs(reference.contigNames(), resolver);
        ExcludedRegions excluded = settings.exclude() == null ? null
                : ExcludedRegions.read(settings.exclude(), lengths, settings.contigAliases());
        try (StagedOutput output = openOutput()) {
            warmManifestJson(reference.contigs());
            long started = System.nanoTime();
            List<SequenceRecord> dictionary = reference.dictionaryWithMd5();
            stats.secondsChecksums = (System.nanoTime() - started) / 1e9;
            String assembly = assembly(dictionary);
            TokenShardWriter writer = new TokenShardWriter(output, manifest(dictionary, assembly),
                    settings.windowsPerShard(), reference.contigNames());
            ChunkPlanner planner = new ChunkPlanner(geometry);
            long total = regions == null ? planContigs(contigs, lengths, reference.contigNames(), planner)
                    : planRegions(regions, lengths, reference.contigNames(), planner);
            started = System.nanoTime();
            Progress progress = Progress.onStderr("tokenize", "bases", total, settings.quiet());
            WindowSink sink = new WindowSink(geometry, settings.maxNFraction(), settings.reverseComplement());
            boolean reverse = settings.reverseComplement() || planner.tasks().stream().anyMatch(t -> t.strand() < 0);
            try (ParallelTokenizer tokenizer = new ParallelTokenizer(settings.reference(), geometry, sink,
                    settings.softmaskArray(), reverse, settings.threads(), settings.strictBases(), excluded)) {
                tokenizer.run(planner.tasks(), writer, stats, progress);
            }
            progress.finish();
            stats.aliasesUsed = resolver.aliasUse();
            stats.skippedContigs = resolver.skipped();
            stats.exclude = excluded == null ? null : excluded.describe();
            finish(output, writer, started);
        }
    }

    /** Plans genome-wide tiling; returns the bases of progress it is worth. */
    private long planContigs(List<String> contigs, Map<String, Long> lengths, List<String> names,
            ChunkPlanner planner) {
        long total = 0;
        for (String contig : contigs) {
            long length = lengths.get(contig);
            total += length;
            if (length < geometry.windowBases()) {
                stats.skip(SKIP_SHORT_CONTIG);
                continue;
            }
            planner.interval(contig, names.indexOf(contig), 0, length, 1, -1, length);
        }
        return total;
    }

    /**
     * Plans BED intervals: long ones tiled from their start, short ones given one window centred on
     * them (kept inside the contig), each on the strand of column 6 unless --ignore-strand.
     */
    private long planRegions(List<Region> regions, Map<String, Long> lengths, List<String> names,
            ChunkPlanner planner) {
        int windowBases = geometry.windowBases();
        long total = 0;
        for (int i = 0; i < regions.size(); i++) {
            Region region = regions.get(i);
            long contigLength = lengths.get(region.contig());
            long worth = Math.max(region.length(), windowBases);
            total += worth;
            if (contigLength < windowBases) {
                stats.skip(SKIP_SHORT_CONTIG);
                continue;
            }
            int strand = settings.ignoreStrand() || region.strand() == 0 ? 1 : region.strand();
            long from = region.start();
            long to = region.end();
            if (region.length() < windowBases) {
                from = Math.max(0, Math.min(contigLength - windowBases,
                        region.start() + Math.floorDiv(region.length() - windowBases, 2)));
                to = from + windowBases;
            }
            planner.interval(region.contig(), names.indexOf(region.contig()), from, to, strand, i, worth);
        }
        return total;
    }

    private void runRecords() {
        ReferenceGenome.checkFastaContent(settings.reference());
        List<SequenceRecord> dictionary = FastaRecords.dictionary(settings.reference());
        try (StagedOutput output = openOutput()) {
            String assembly = settings.assembly() != null ? settings.assembly() : "none";
            List<String> names = dictionary.stream().map(SequenceRecord::name).toList();
            TokenShardWriter writer = new TokenShardWriter(output, manifest(dictionary, assembly),
                    settings.windowsPerShard(), names);
            KmerScanner scanner = new KmerScanner(geometry.k(), settings.reverseComplement(), settings.softmaskArray());
            WindowSink sink = new WindowSink(geometry, settings.maxNFraction(), settings.reverseComplement());
            long total = dictionary.stream().mapToLong(SequenceRecord::length).sum();
            Progress progress = Progress.onStderr("tokenize", "bases", total, settings.quiet());
            long started = System.nanoTime();
            int[] index = {0};
            FastaRecords.forEach(settings.reference(), sequence -> {
                WindowBatch batch = tokenizeRecord(sequence, index[0]++, scanner, sink);
                batch.drainTo(writer);
                stats.add(batch);
                progress.advance(sequence.length());
            });
            progress.finish();
            finish(output, writer, started);
        }
    }

    private WindowBatch tokenizeRecord(ReferenceSequence sequence, int index, KmerScanner scanner, WindowSink sink) {
        byte[] bases = sequence.getBases();
        long windows = Math.max(1, geometry.windowsIn(bases.length));
        WindowBatch batch = new WindowBatch(geometry.tokens(), settings.softmaskArray(), (int) windows * sink.copies());
        batch.contigName = sequence.getName();
        batch.nonNucleotides = NonNucleotides.count(bases, bases.length);
        if (settings.strictBases() && batch.nonNucleotides > 0) {
            int first = NonNucleotides.first(bases, bases.length);
            throw NonNucleotides.refusal(settings.reference(), sequence.getName(), first, bases[first]);
        }
        if (bases.length == 0) {
            batch.skip(SKIP_EMPTY_RECORD);
            return batch;
        }
        scanner.scan(bases, bases.length);
        batch.basesScanned = bases.length;
        int windowBases = geometry.windowBases();
        if (bases.length < windowBases) {
            sink.emit(scanner, 0, bases.length, index, 0, 1, index, batch);
            return batch;
        }
        for (long w = 0; w < windows; w++) {
            int offset = (int) (w * geometry.strideBases());
            sink.emit(scanner, offset, windowBases, index, offset, 1, index, batch);
        }
        return batch;
    }

    private List<String> selectedContigs(List<String> all, ContigResolver resolver) {
        if (settings.contigs().isEmpty()) {
            if (settings.allContigs() || settings.regions() != null) {
                return all;
            }
            List<String> kept = new ArrayList<>();
            for (String contig : all) {
                if (ContigConventions.skippedByDefault(contig)) {
                    stats.conventionSkipped.add(contig);
                } else {
                    kept.add(contig);
                }
            }
            if (kept.isEmpty()) {
                throw new BadInputException(settings.reference(), "every contig is one genome-wide tiling skips by"
                        + " default (*_alt, *_random, chrUn*, *_decoy, HLA-*, chrEBV): pass --all-contigs to tile them");
            }
            return kept;
        }
        List<String> selected = new ArrayList<>();
        for (String contig : settings.contigs()) {
            String resolved = resolver.resolve(contig, null, -1);
            if (resolved == null) {
                throw new BadInputException("--contigs " + contig + ": not a contig of the reference " + all);
            }
            selected.add(resolved);
        }
        return selected;
    }

    private String assembly(List<SequenceRecord> dictionary) {
        List<String> matching = AssemblyCatalog.matching(dictionary);
        String declared = settings.assembly();
        if (declared == null) {
            return matching.size() == 1 ? matching.get(0) : "unknown";
        }
        if (AssemblyCatalog.KNOWN.contains(declared) && !matching.isEmpty() && !matching.contains(declared)) {
            throw new BadInputException(settings.reference(), "--assembly " + declared
                    + " contradicts the contig lengths, which match " + String.join(" or ", matching));
        }
        return declared;
    }

    private StagedOutput openOutput() {
        StagedOutput output = StagedOutput.open(settings.output());
        List<String> existing = output.existing(TokenShardWriter.SHARD_GLOB);
        if (!settings.overwrite() && (!existing.isEmpty() || Files.exists(settings.output().resolve(SUMMARY)))) {
            output.close();
            throw new BadInputException(settings.output(), "already holds tokenize output (" + (existing.isEmpty()
                    ? SUMMARY : existing.size() + " shard files") + "); choose another --output or pass --overwrite");
        }
        return output;
    }

    /**
     * Jackson builds its record serializers on first use (~0.1 s, more on a busy machine). Serializing
     * a throwaway manifest on a daemon thread does that on the core the single-threaded checksum pass
     * leaves idle, instead of in the first shard flush with the workers waiting. Best effort only.
     */
    private void warmManifestJson(List<SequenceRecord> contigs) {
        Thread warm = new Thread(() -> {
            try {
                manifest(contigs, "unknown", List.of(new ShardManifest.InputFile("reference", "", 0, "")))
                        .withShard(new ShardManifest.ShardInfo(0, 0, 0), Map.of("tokens",
                                new ShardManifest.ArraySpec("uint16", new long[] {0, 1}, "")))
                        .toJson();
            } catch (RuntimeException ignored) {
                // the real manifest, serialized later, reports any problem
            }
        }, "manifest-json-warmup");
        warm.setDaemon(true);
        warm.start();
    }

    private ShardManifest manifest(List<SequenceRecord> dictionary, String assembly) {
        List<ShardManifest.InputFile> inputs = new ArrayList<>();
        inputs.add(input("reference", settings.reference()));
        if (settings.regions() != null) {
            inputs.add(input("regions", settings.regions()));
        }
        return manifest(dictionary, assembly, inputs);
    }

    private ShardManifest manifest(List<SequenceRecord> dictionary, String assembly,
            List<ShardManifest.InputFile> inputs) {
        KmerVocabulary vocabulary = new KmerVocabulary(geometry.k());
        ShardManifest.TokenizerSpec tokenizer = new ShardManifest.TokenizerSpec(geometry.k(), geometry.overlapping(),
                geometry.tokens(), geometry.strideTokens(), geometry.windowBases(), geometry.strideBases(),
                settings.source(), settings.maxNFraction(), settings.reverseComplement(), settings.softmaskArray());
        ShardManifest.Provenance provenance = new ShardManifest.Provenance("regbert tokenize", ToolVersion.get(),
                ProvenanceCommand.withoutOutput(settings.command()), inputs, Timestamps.created());
        return new ShardManifest(ShardManifest.FORMAT, ShardManifest.FORMAT_VERSION, assembly, dictionary, tokenizer,
                KmerVocabulary.specialTokenIds(), vocabulary.tokens(), null, null, provenance, null);
    }

    private static ShardManifest.InputFile input(String role, Path file) {
        try {
            // the path as given (as the recorded command has it): a workflow engine's work folder, where a
            // relative path points, must not make the same inputs' shards differ (checksums identify the file)
            return new ShardManifest.InputFile(role, file.normalize().toString(), Files.size(file),
                    Checksums.sha256(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    private void finish(StagedOutput output, TokenShardWriter writer, long started) {
        List<String> shards = writer.finish();
        stats.secondsTokenizing = (System.nanoTime() - started) / 1e9;
        stats.shards = shards.size();
        if (shards.isEmpty()) {
            throw new BadInputException(settings.reference(), "no window was written: " + describeSkips()
                    + " (window = " + geometry.windowBases() + " bases)");
        }
        Map<String, Object> summary = new LinkedHashMap<>(stats.toMap());
        summary.put("shardFiles", shards);
        // Paths belong here, not in the shards (which must not depend on where they were written).
        summary.put("output", settings.output().toAbsolutePath().normalize().toString());
        summary.put("command", settings.command());
        try {
            Files.write(output.stage(SUMMARY), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(summary));
            if (settings.overwrite()) {
                for (String stale : output.existing(TokenShardWriter.SHARD_GLOB)) {
                    Files.delete(output.outputDir().resolve(stale));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        output.commit();
        if (!settings.quiet()) {
            System.err.printf(Locale.ROOT, "regbert tokenize: %,d windows (%,d tokens) in %d shard%s -> %s%n",
                    stats.windowsWritten, stats.tokensWritten, shards.size(), shards.size() == 1 ? "" : "s",
                    settings.output());
            if (!stats.skipped.isEmpty()) {
                System.err.println("  skipped " + describeSkips());
            }
            if (!stats.nonNucleotides.isEmpty()) {
                System.err.println("regbert tokenize: warning: " + describeNonNucleotides());
            }
            if (!stats.conventionSkipped.isEmpty()) {
                System.err.printf(Locale.ROOT, "  %,d contigs not tiled (alt, random, chrUn, decoy, HLA, EBV; see %s,"
                        + " --all-contigs keeps them)%n", stats.conventionSkipped.size(), SUMMARY);
            }
            stats.aliasesUsed.forEach((alias, n) -> System.err.printf(Locale.ROOT,
                    "  contig alias %s used for %,d intervals%n", alias, n));
            System.err.printf(Locale.ROOT, "  tokenized %,d bases in %.2f s (%.1f Mb/s); reference checksums %.2f s%n",
                    stats.basesScanned, stats.secondsTokenizing,
                    stats.basesScanned / Math.max(stats.secondsTokenizing, 1e-9) / 1e6, stats.secondsChecksums);
        }
    }

    /** The non-nucleotide characters per contig (the first five contigs), for the warning. */
    private String describeNonNucleotides() {
        List<String> parts = new ArrayList<>();
        stats.nonNucleotides.entrySet().stream().limit(5).forEach(e -> parts.add(String.format(Locale.ROOT, "%s %,d",
                e.getKey(), e.getValue())));
        int more = stats.nonNucleotides.size() - parts.size();
        return String.format(Locale.ROOT, "%,d characters that are neither A, C, G, T/U nor an IUPAC code (digits,"
                + " '*', 'X', ...) became [UNK]: %s%s (nonNucleotideCharacters in %s; --strict-bases refuses them)",
                stats.nonNucleotideTotal(), String.join(", ", parts), more > 0 ? " and " + more + " more contigs" : "",
                SUMMARY);
    }

    private String describeSkips() {
        if (stats.skipped.isEmpty()) {
            return "no windows skipped";
        }
        List<String> parts = new ArrayList<>();
        stats.skipped.forEach((reason, n) -> parts.add(String.format(Locale.ROOT, "%,d windows: %s", n, reason)));
        return String.join("; ", parts);
    }
}
