package org.regbert.align;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.common.BadInputException;
import org.regbert.common.Checksums;
import org.regbert.epigenome.EncodeMetadata;
import org.regbert.epigenome.EpigenomeLoader;
import org.regbert.epigenome.EpigenomeTracks;
import org.regbert.epigenome.FormatDetector;
import org.regbert.epigenome.PeakLevels;
import org.regbert.epigenome.ReferenceContigs;
import org.regbert.epigenome.SignalTracks;
import org.regbert.epigenome.TrackFormat;
import org.regbert.epigenome.TrackSpec;
import org.regbert.genome.ContigResolver;
import org.regbert.genome.ExcludedRegions;
import org.regbert.genome.Liftover;
import org.regbert.motifs.Background;
import org.regbert.motifs.Motif;
import org.regbert.motifs.MotifReader;
import org.regbert.motifs.MotifScanner;
import org.regbert.motifs.PositionWeightMatrix;
import org.regbert.motifs.ScanOptions;
import org.regbert.shards.NpyArray;
import org.regbert.shards.ShardManifest;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenBases;
import org.regbert.shards.TokenShard;

/** Reads every input file of a run up front, so bad input fails before any output exists. */
final class AlignInputs {
    private final AlignSettings settings;
    private final ShardManifest manifest;
    private final ContigResolver contigs;
    private final Map<String, Long> lengths;
    private final Liftover liftover;
    private final Map<String, Object> summary = new LinkedHashMap<>();
    private final Map<String, Map<String, Long>> skippedLines = new LinkedHashMap<>();
    private ExclusionMask exclusion;

    AlignInputs(AlignSettings settings, ShardManifest manifest, ContigResolver contigs, Map<String, Long> lengths,
            Liftover liftover) {
        this.settings = settings;
        this.manifest = manifest;
        this.contigs = contigs;
        this.lengths = lengths;
        this.liftover = liftover;
    }

    List<LabelTask> labelTasks() {
        LabelInputs inputs = new LabelInputs(contigs, lengths, liftover);
        List<LabelTask> tasks = new ArrayList<>();
        settings.labels().forEach((name, file) -> {
            if (DreamLabelTable.isDreamTable(file)) {
                tasks.addAll(dreamTasks(name, file));
            } else if (LabelInputs.isBedpe(file)) {
                if (settings.ambiguous().containsKey(name)) {
                    throw new BadInputException("--ambiguous " + name + ": splice tasks have no relaxed peaks");
                }
                tasks.add(new SpliceLabelTask(name, file, inputs.spliceSites(file)));
            } else {
                boolean[] levels = {false};
                IntervalIndex positives = inputs.intervals(file, levels);
                Path relaxedFile = settings.ambiguous().get(name);
                IntervalIndex relaxed = relaxedFile == null ? null : inputs.intervals(relaxedFile, new boolean[1]);
                tasks.add(new OverlapLabelTask(name, file, positives, relaxedFile, relaxed, levels[0]));
            }
        });
        java.util.Set<String> names = new java.util.HashSet<>();
        for (LabelTask task : tasks) {
            if (!names.add(task.name())) {
                throw new BadInputException("--labels: two tasks are called '" + task.name() + "' (a DREAM table names"
                        + " its tasks FACTOR.CELL_TYPE)");
            }
        }
        return tasks;
    }

    /** One task per cell type of an ENCODE-DREAM label table: {@code NAME.CELL}. */
    private List<LabelTask> dreamTasks(String name, Path file) {
        if (settings.ambiguous().containsKey(name)) {
            throw new BadInputException("--ambiguous " + name + ": a DREAM label table carries its own A (ambiguous)"
                    + " labels");
        }
        if (liftover != null) {
            throw new BadInputException("--labels " + name + "=" + file + ": --liftover does not lift DREAM label"
                    + " tables; tokenize the table's assembly (hg19 for ENCODE-DREAM) instead");
        }
        // A resolver of its own: the table is resolved once per chromosome and counts its skipped lines itself.
        ContigResolver resolver = new ContigResolver(List.copyOf(lengths.keySet()),
                ContigResolver.parseAliases(settings.contigAliases()), settings.skipMissingContigs());
        DreamLabelTable table = DreamLabelTable.read(file, resolver, lengths);
        if (!table.skippedLines().isEmpty()) {
            skippedLines.put("labels " + name, table.skippedLines());
        }
        List<LabelTask> tasks = new ArrayList<>();
        for (int c = 0; c < table.cellTypes().size(); c++) {
            tasks.add(new DreamLabelTask(name, table, c));
        }
        return tasks;
    }

    /** The --exclude mask, or a mask that only carries the shards' own (null regions) without --exclude. */
    ExclusionMask exclusion() {
        if (exclusion == null) {
            exclusion = new ExclusionMask(settings.exclude() == null ? null
                    : ExcludedRegions.read(settings.exclude(), lengths, settings.contigAliases()));
        }
        return exclusion;
    }

    /** The arrays to add; {@code holdouts} picks the training windows --signal-levels takes its cut points from. */
    List<ShardAnnotator> annotators(Holdouts holdouts) {
        List<ShardAnnotator> annotators = new ArrayList<>();
        List<TrackSpec> segmentations = new ArrayList<>();
        List<TrackSpec> binarized = new ArrayList<>();
        for (String option : settings.states()) {
            TrackSpec spec = TrackSpec.parse(option);
            (FormatDetector.detect(spec.file()).kind() == TrackFormat.Kind.BINARY ? binarized : segmentations).add(spec);
        }
        List<TrackSpec> peaks = settings.peaks().stream().map(TrackSpec::parse).toList();
        addStates(annotators, "states", segmentations);
        addStates(annotators, "marks", binarized);
        addStates(annotators, "peaks", peaks);
        if (settings.signals() != null && !settings.signals().isEmpty()) {
            SignalTracks tracks = signalTracks();
            annotators.add(new SignalAnnotator(tracks, manifest.tokenizer()));
            if (settings.signalLevels() != null) {
                List<SignalLevelCuts.TrackCuts> cuts = SignalLevelCuts.choose(tracks, ShardSet.list(settings.shards()),
                        manifest.tokenizer(), holdouts, exclusion(), settings.signalLevels(), settings.seed());
                annotators.add(new SignalStatesAnnotator(tracks, cuts, manifest.tokenizer(), settings.seed()));
                summary.put("signalLevels", settings.signalLevels());
            }
        }
        if (settings.motifs() != null) {
            annotators.add(motifAnnotator());
        }
        if (settings.exclude() != null) {
            annotators.add(exclusion());
        }
        return annotators;
    }

    private SignalTracks signalTracks() {
        ContigResolver resolver = new ContigResolver(List.copyOf(lengths.keySet()),
                ContigResolver.parseAliases(settings.contigAliases()), settings.skipMissingContigs());
        ReferenceContigs reference = new ReferenceContigs(lengths, resolver, manifest.assembly());
        SignalTracks tracks = SignalTracks.open(settings.signals().stream().map(TrackSpec::parse).toList(), reference,
                settings.metadata() == null ? null : EncodeMetadata.read(settings.metadata()));
        summary.put("signal", tracks.names());
        return tracks;
    }

    private MotifAnnotator motifAnnotator() {
        List<Motif> motifs = settings.motifFactors() == null ? MotifReader.read(settings.motifs())
                : MotifReader.read(settings.motifs(), settings.motifFactors());
        Background background = Background.uniform();
        if (settings.motifBackground().equals("windows")) {
            background = windowBackground();
        }
        ScanOptions options = settings.motifTop() == 1 ? ScanOptions.max(settings.regionsPerWindow())
                : ScanOptions.sumTop(settings.regionsPerWindow(), settings.motifTop());
        double pseudocount = PositionWeightMatrix.DEFAULT_PSEUDOCOUNT;
        MotifScanner scanner = new MotifScanner(PositionWeightMatrix.of(motifs, background, pseudocount), options);
        summary.put("motifs", motifs.size());
        return new MotifAnnotator(motifs, scanner, TokenBases.of(manifest.tokenizer()), settings.threads(),
                MotifAnnotator.describe(motifs, background, pseudocount, settings.regionsPerWindow(),
                        settings.motifTop(), settings.motifs().toAbsolutePath().normalize().toString(),
                        Checksums.sha256(settings.motifs())));
    }

    /** Base frequencies of the windows themselves (both strands pooled), read off their tokens. */
    private Background windowBackground() {
        Background.Counter counter = new Background.Counter();
        TokenBases bases = TokenBases.of(manifest.tokenizer());
        byte[] window = new byte[bases.length()];
        for (java.nio.file.Path file : ShardSet.list(settings.shards())) {
            try (TokenShard shard = TokenShard.open(file)) {
                NpyArray tokens = shard.tokens();
                for (int w = 0; w < shard.windows(); w++) {
                    bases.decode(tokens, w, window, 0);
                    counter.add(window);
                }
            }
        }
        return counter.background().symmetrized();
    }

    private void addStates(List<ShardAnnotator> annotators, String name, List<TrackSpec> specs) {
        if (specs.isEmpty()) {
            return;
        }
        // A resolver of its own: the loader resolves once per contig, the label readers once per line.
        ContigResolver resolver = new ContigResolver(List.copyOf(lengths.keySet()),
                ContigResolver.parseAliases(settings.contigAliases()), settings.skipMissingContigs());
        ReferenceContigs reference = new ReferenceContigs(lengths, resolver, manifest.assembly());
        EpigenomeTracks tracks;
        try (LiftedTrackFiles lifted = liftover == null ? null : new LiftedTrackFiles(liftover)) {
            List<TrackSpec> inputs = lifted == null ? specs : specs.stream().map(lifted::lift).toList();
            tracks = EpigenomeLoader.builder(reference)
                    .metadata(settings.metadata())
                    .peakLevels(PeakLevels.fromOption(settings.peakLevels()))
                    .skipUnknownContigs(settings.skipMissingContigs())
                    .threads(settings.threads())
                    // --peaks says what its files are: format guessing only picks among peak formats.
                    .expectKind(name.equals("peaks") ? TrackFormat.Kind.PEAKS : null)
                    .build()
                    .load(inputs);
            if (lifted != null) {
                tracks = tracks.withSources(lifted::original);  // the user's files, not the temporary copies
            }
        }
        if (!tracks.skippedLines().isEmpty()) {
            Map<String, Long> perFile = new LinkedHashMap<>();
            tracks.skippedLines().forEach((file, n) -> perFile.put(file.toString(), n));
            skippedLines.put(name, perFile);
        }
        summary.put(name, tracks.names());
        annotators.add(new StatesAnnotator(name, tracks, manifest.tokenizer()));
    }

    /** Lines of state/peak/mark files skipped on contigs the reference lacks, per array and file. */
    Map<String, Map<String, Long>> skippedLines() {
        return skippedLines;
    }

    /** Entries for align-summary.json. */
    Map<String, Object> summary() {
        if (settings.exclude() != null) {
            summary.put("exclude", exclusion().summary());
        }
        return summary;
    }

    ShardManifest manifest() {
        return manifest;
    }
}
