package org.regbert.epigenome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.regbert.common.BadInputException;
import org.regbert.common.DaemonPools;

/**
 * Loads the epigenome files of one run into {@link EpigenomeTracks}: picks each file's reader
 * ({@link FormatDetector}), names its cell type ({@code FILE:CELL}, ENCODE metadata, the binarized
 * header, or the file name), checks contigs, coordinates and assembly against the reference,
 * builds the one {@link StateVocabulary} all tracks share, and tiles every contig.
 *
 * <p>All files of one load must be of one kind (segmentations, peaks, or binarized marks). Tracks
 * keep the order of the files; a binarized file gives one track per mark, in header order. Two
 * files with the same track name are joined when they cover different contigs (binarized files
 * come one per contig) and refused otherwise.
 */
public final class EpigenomeLoader {
    private final ReferenceContigs reference;
    private final ChromHmmModel model;
    private final EncodeMetadata metadata;
    private final PeakLevels peakLevels;
    private final int binSize;
    private final TokenRule rule;
    private final boolean skipUnknownContigs;
    private final int threads;
    private final TrackFormat.Kind expectedKind;

    private EpigenomeLoader(Builder builder) {
        this.reference = builder.reference;
        this.model = builder.model;
        this.metadata = builder.metadata;
        this.peakLevels = builder.peakLevels;
        this.binSize = builder.binSize;
        this.rule = builder.rule;
        this.skipUnknownContigs = builder.skipUnknownContigs;
        this.threads = builder.threads;
        this.expectedKind = builder.expectedKind;
    }

    public static Builder builder(ReferenceContigs reference) {
        return new Builder(reference);
    }

    /** Options of a load; every one has a default except the reference. */
    public static final class Builder {
        private final ReferenceContigs reference;
        private ChromHmmModel model;
        private EncodeMetadata metadata;
        private PeakLevels peakLevels = PeakLevels.openClosed();
        private int binSize = 200;
        private TokenRule rule = TokenRule.MAJORITY;
        private boolean skipUnknownContigs;
        private int threads = 1;
        private TrackFormat.Kind expectedKind;

        private Builder(ReferenceContigs reference) {
            this.reference = reference;
        }

        /** A ChromHMM model file fixing the state count and order (and allowing states a file lacks). */
        public Builder model(Path modelFile) {
            return model(modelFile == null ? null : ChromHmmModel.read(modelFile));
        }

        public Builder model(ChromHmmModel model) {
            this.model = model;
            return this;
        }

        /** ENCODE metadata.tsv naming the cell type and assembly of {@code ENCFF...} files. */
        public Builder metadata(Path metadataTsv) {
            return metadata(metadataTsv == null ? null : EncodeMetadata.read(metadataTsv));
        }

        public Builder metadata(EncodeMetadata metadata) {
            this.metadata = metadata;
            return this;
        }

        /** How peaks become states (default open/closed). */
        public Builder peakLevels(PeakLevels levels) {
            this.peakLevels = levels;
            return this;
        }

        /** Bin size of ChromHMM binarized files (default 200, ChromHMM's default). */
        public Builder binSize(int binSize) {
            if (binSize < 1) {
                throw new IllegalArgumentException("bin size must be positive, got " + binSize);
            }
            this.binSize = binSize;
            return this;
        }

        /** The token rule of {@link EpigenomeTracks#fill} (default {@link TokenRule#MAJORITY}). */
        public Builder rule(TokenRule rule) {
            this.rule = rule;
            return this;
        }

        /**
         * Skip lines on contigs the reference lacks (a genome-wide file against a one-chromosome
         * reference) instead of refusing them. Names that differ from a reference contig only in
         * spelling ({@code chr20} vs {@code 20}) are still refused with the alias to pass.
         */
        public Builder skipUnknownContigs(boolean skip) {
            this.skipUnknownContigs = skip;
            return this;
        }

        /**
         * What the option that named the files says they are ({@code --peaks}: PEAKS); null (the
         * default) lets each file's name and content decide.
         */
        public Builder expectKind(TrackFormat.Kind kind) {
            this.expectedKind = kind;
            return this;
        }

        /** Files read at once (default 1). */
        public Builder threads(int threads) {
            this.threads = Math.max(1, threads);
            return this;
        }

        public EpigenomeLoader build() {
            return new EpigenomeLoader(this);
        }
    }

    private record Planned(TrackSpec spec, TrackFormat format, String cellType, EncodeMetadata.Entry entry) {
    }

    /** What one file gave: its raw tracks and, once the vocabulary is known, their tilings. */
    private record Read(Planned plan, List<RawTrack> raws, List<Map<String, ContigStates>> tiles) {
    }

    /**
     * Loads {@code specs}.
     *
     * @throws BadInputException for any problem with a file, naming it (and the line where there is one)
     */
    public EpigenomeTracks load(List<TrackSpec> specs) {
        if (specs.isEmpty()) {
            throw new BadInputException("no epigenome files given");
        }
        List<Planned> plans = new ArrayList<>();
        for (TrackSpec spec : specs) {
            plans.add(plan(spec));
        }
        TrackFormat.Kind kind = checkOneKind(plans);
        StateVocabulary fixed = switch (kind) {
            case PEAKS -> StateVocabulary.peaks(peakLevels);
            case BINARY -> StateVocabulary.binary();
            case SEGMENTATION -> null;
        };
        // With a fixed vocabulary or a model, ids are known before reading: tile each file as it is
        // read and drop its intervals, keeping peak memory to one file's worth per thread.
        boolean tileWhileReading = fixed != null || model != null;
        List<Read> reads = parallel(plans, plan -> {
            List<RawTrack> raws = read(plan);
            List<Map<String, ContigStates>> tiles = null;
            if (tileWhileReading) {
                tiles = new ArrayList<>();
                for (RawTrack raw : raws) {
                    tiles.add(tile(raw, fixed == null ? modelIds(raw) : fixedIds(raw, fixed), gapState(kind)));
                    raw.release();
                }
            }
            return new Read(plan, raws, tiles);
        });
        List<RawTrack> allRaws = new ArrayList<>();
        reads.forEach(read -> allRaws.addAll(read.raws()));
        if (allRaws.isEmpty()) {
            throw new BadInputException("none of the " + specs.size() + " epigenome files has data on a reference contig");
        }
        List<SegmentationVocabulary.FileStates> fileStates = allRaws.stream().map(RawTrack::fileStates).toList();
        StateVocabulary vocabulary = fixed != null ? fixed
                : model != null ? SegmentationVocabulary.fromModel(model, fileStates)
                : SegmentationVocabulary.fromFiles(fileStates);
        List<Map<String, ContigStates>> tiles = new ArrayList<>();
        if (tileWhileReading) {
            reads.forEach(read -> tiles.addAll(read.tiles()));
        } else {
            tiles.addAll(parallel(allRaws, raw -> {
                Map<String, ContigStates> tiled = tile(raw, fixedIds(raw, vocabulary), gapState(kind));
                raw.release();
                return tiled;
            }));
        }
        return assemble(allRaws, tiles, vocabulary, gapState(kind));
    }

    private Planned plan(TrackSpec spec) {
        Path file = spec.file();
        EncodeMetadata.Entry entry = metadata == null ? null : metadata.entryFor(file);
        String accession = EncodeMetadata.accessionOf(file);
        if (accession != null && entry == null && spec.cellType() == null) {
            throw new BadInputException(file, metadata == null
                    ? "named by ENCODE accession only: give its cell type as FILE:CELL or pass the ENCODE metadata.tsv"
                    : accession + " is not in " + metadata.file() + " (" + metadata.size()
                            + " files): give its cell type as FILE:CELL");
        }
        if (entry != null && entry.assembly() != null && AssemblyCheck.differ(entry.assembly(), reference.assembly())) {
            throw new BadInputException(file, "wrong assembly: " + metadata.file() + " (line " + entry.line()
                    + ") gives File assembly " + entry.assembly() + " for " + entry.accession() + ", but the reference is "
                    + reference.assembly() + "; use the " + reference.assembly() + " file or lift this one over");
        }
        TrackFormat format = FormatDetector.detect(file, entry, expectedKind);
        String cell = spec.cellType() != null ? spec.cellType()
                : entry != null ? entry.biosample()
                : format == TrackFormat.CHROMHMM_BINARY ? null
                : CellTypeNames.fromFileName(file);
        return new Planned(spec, format, cell, entry);
    }

    private static TrackFormat.Kind checkOneKind(List<Planned> plans) {
        Planned first = plans.get(0);
        for (Planned plan : plans) {
            if (plan.format().kind() != first.format().kind()) {
                throw new BadInputException(plan.spec().file(), "cannot load " + plan.format().description() + " with "
                        + first.format().description() + " (" + first.spec().file() + ") in one state set: their"
                        + " states mean different things; load them as separate state sets");
            }
        }
        return first.format().kind();
    }

    private List<RawTrack> read(Planned plan) {
        Path file = plan.spec().file();
        return switch (plan.format()) {
            case CHROMHMM_SEGMENTS, ROADMAP_DENSE, ROADMAP_EXPANDED ->
                    List.of(SegmentationReader.read(file, plan.format(), plan.cellType(), reference, skipUnknownContigs));
            case NARROW_PEAK, BROAD_PEAK, BED_PEAKS ->
                    List.of(PeakReader.read(file, plan.format(), plan.cellType(), reference, skipUnknownContigs, peakLevels));
            case CHROMHMM_BINARY -> BinarizedReader.read(file, plan.cellType(), reference, skipUnknownContigs, binSize);
        };
    }

    private static int gapState(TrackFormat.Kind kind) {
        return kind == TrackFormat.Kind.PEAKS ? 1 : StateVocabulary.NONE;
    }

    private byte[] modelIds(RawTrack raw) {
        SegmentationVocabulary.FileStates states = raw.fileStates();
        byte[] ids = new byte[raw.states.size()];
        for (int local = 0; local < ids.length; local++) {
            ids[local] = (byte) SegmentationVocabulary.modelNumber(model, states, raw.states.get(local));
        }
        return ids;
    }

    private static byte[] fixedIds(RawTrack raw, StateVocabulary vocabulary) {
        byte[] ids = new byte[raw.states.size()];
        for (int local = 0; local < ids.length; local++) {
            int id = vocabulary.id(raw.states.get(local));
            if (id <= 0) {
                throw new IllegalStateException("state " + raw.states.get(local) + " missing from " + vocabulary);
            }
            ids[local] = (byte) id;
        }
        return ids;
    }

    private Map<String, ContigStates> tile(RawTrack raw, byte[] toGlobal, int gap) {
        Map<String, ContigStates> tiles = new LinkedHashMap<>();
        for (Map.Entry<String, IntervalList> contig : raw.contigs.entrySet()) {
            int length = (int) reference.length(contig.getKey());
            IntervalList intervals = contig.getValue();
            tiles.put(contig.getKey(), raw.format.kind() == TrackFormat.Kind.PEAKS
                    ? intervals.peaks(length, toGlobal, gap)
                    : intervals.segmentation(raw.file, raw.fileContigNames.get(contig.getKey()), length, toGlobal));
        }
        return tiles;
    }

    /** Joins tracks of one name (one file per contig) and gives every reference contig a tiling. */
    private EpigenomeTracks assemble(List<RawTrack> raws, List<Map<String, ContigStates>> tiles,
            StateVocabulary vocabulary, int gap) {
        Map<String, List<Integer>> byName = new LinkedHashMap<>();
        for (int i = 0; i < raws.size(); i++) {
            byName.computeIfAbsent(raws.get(i).name, name -> new ArrayList<>()).add(i);
        }
        Map<String, ContigStates> empty = new HashMap<>();
        reference.lengths().forEach((contig, length) -> empty.put(contig, ContigStates.uniform(length.intValue(), gap)));
        List<StateTrack> tracks = new ArrayList<>();
        Map<Path, Long> skipped = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> group : byName.entrySet()) {
            Map<String, ContigStates> contigs = new HashMap<>(empty);
            Map<String, Path> contigSource = new HashMap<>();
            List<Path> sources = new ArrayList<>();
            RawTrack first = raws.get(group.getValue().get(0));
            for (int index : group.getValue()) {
                RawTrack raw = raws.get(index);
                if (!sources.contains(raw.file)) {
                    sources.add(raw.file);
                }
                if (raw.skippedLines > 0) {
                    skipped.put(raw.file, raw.skippedLines);
                }
                for (Map.Entry<String, ContigStates> contig : tiles.get(index).entrySet()) {
                    Path earlier = contigSource.putIfAbsent(contig.getKey(), raw.file);
                    if (earlier != null) {
                        throw new BadInputException(raw.file, "track '" + raw.name + "' is given twice: " + earlier
                                + " and " + raw.file + " both have contig " + contig.getKey()
                                + "; give each file its own cell type name with FILE:CELL");
                    }
                    contigs.put(contig.getKey(), contig.getValue());
                }
            }
            tracks.add(new StateTrack(group.getKey(), first.cellType, first.mark, sources, first.format, gap, contigs));
        }
        return new EpigenomeTracks(tracks, vocabulary, rule, reference.assembly(), skipped);
    }

    /** Maps {@code items} on up to {@code threads} threads; the first failure in input order is thrown. */
    private <T, R> List<R> parallel(List<T> items, Function<T, R> task) {
        List<R> results = new ArrayList<>(items.size());
        if (threads <= 1 || items.size() <= 1) {
            items.forEach(item -> results.add(task.apply(item)));
            return results;
        }
        ExecutorService pool = DaemonPools.fixed(Math.min(threads, items.size()), "epigenome-load");
        try {
            List<Future<R>> futures = new ArrayList<>();
            items.forEach(item -> futures.add(pool.submit(() -> task.apply(item))));
            for (Future<R> future : futures) {
                results.add(DaemonPools.await(future, "loading epigenome files"));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
