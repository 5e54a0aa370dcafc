package org.regbert.pretrain;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.regbert.common.BadInputException;
import org.regbert.shards.NpyArray;
import org.regbert.shards.SequenceRecord;
import org.regbert.shards.ShardManifest;
import org.regbert.shards.TokenShard;

/**
 * The genomic intervals a pre-training run drew its training sequences from, kept in every
 * checkpoint ({@value #FILE}) and in the model card, so that finetune and evaluate can tell
 * whether their test windows were seen in pre-training (leakage). Compact: the training windows
 * merged per contig, so a tiled chromosome becomes a few intervals around its holdouts.
 *
 * @param coordinates how the intervals are written
 * @param assembly the shards' assembly, as their manifest says
 * @param k the k-mer length: windows sharing fewer than k bases share no token
 * @param reference the shards' sequence dictionary (name, length, MD5), so later stages can tell
 *     whether their coordinates are on the same sequences; null when every window is a FASTA record
 * @param windows training windows (align's split 0; without a split array, those not held out)
 * @param coordinateLessWindows of those, windows without genomic coordinates (FASTA-record shards)
 * @param coordinateLessSources the FASTA files such windows were cut from (path, SHA-256), when known
 * @param bases bases the intervals cover
 * @param intervals per contig (in reference order), merged [start, end) intervals, 0-based, sorted
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PretrainingWindows(
        String format,
        int formatVersion,
        String coordinates,
        String assembly,
        int k,
        List<SequenceRecord> reference,
        long windows,
        long coordinateLessWindows,
        List<ShardManifest.InputFile> coordinateLessSources,
        long bases,
        Map<String, List<long[]>> intervals) {

    public static final String FILE = "pretraining-windows.json";
    static final String FORMAT = "regbert-pretraining-windows";
    static final String COORDINATES = "0-based, end exclusive (BED); the merged training windows (split 0) of the"
            + " run, whole windows even where a sequence was cropped from one";

    /** The training windows of {@code corpus}, merged per contig. */
    static PretrainingWindows of(ShardCorpus corpus) {
        ShardManifest manifest = corpus.manifest();
        Map<String, IntervalList> byContig = new LinkedHashMap<>();
        if (manifest.reference() != null) {
            manifest.reference().forEach(r -> byContig.put(r.name(), new IntervalList()));
        }
        ShardCoordinates[] coordinates = new ShardCoordinates[corpus.shardCount()];
        long coordinateLess = 0;
        for (int i = 0; i < corpus.trainWindows(); i++) {
            int s = corpus.trainShard(i);
            int row = corpus.trainRow(i);
            if (coordinates[s] == null) {
                coordinates[s] = ShardCoordinates.of(corpus.shard(s));
            }
            ShardCoordinates c = coordinates[s];
            if (c.names == null) {
                coordinateLess++;
            } else {
                byContig.computeIfAbsent(c.contig(row), n -> new IntervalList()).add(c.start.getLong(row),
                        c.end.getLong(row));
            }
        }
        boolean records = coordinateLess == corpus.trainWindows();
        return build(manifest.assembly(), corpus.k(), records ? null : manifest.reference(), corpus.trainWindows(),
                coordinateLess, coordinateLess > 0 ? fastaInputs(manifest) : null, byContig);
    }

    private static PretrainingWindows build(String assembly, int k, List<SequenceRecord> reference, long windows,
            long coordinateLess, List<ShardManifest.InputFile> sources, Map<String, IntervalList> byContig) {
        Map<String, List<long[]>> intervals = new LinkedHashMap<>();
        long bases = 0;
        for (Map.Entry<String, IntervalList> e : byContig.entrySet()) {
            List<long[]> merged = e.getValue().merged();
            if (!merged.isEmpty()) {
                intervals.put(e.getKey(), merged);
                for (long[] interval : merged) {
                    bases += interval[1] - interval[0];
                }
            }
        }
        return new PretrainingWindows(FORMAT, 1, COORDINATES, assembly, k, reference, windows, coordinateLess, sources,
                bases, intervals);
    }

    /** The FASTA files of a FASTA-record tokenize run, from its provenance. */
    private static List<ShardManifest.InputFile> fastaInputs(ShardManifest manifest) {
        if (manifest.provenance() == null || manifest.provenance().inputs() == null) {
            return null;
        }
        List<ShardManifest.InputFile> out = new ArrayList<>();
        for (ShardManifest.InputFile input : manifest.provenance().inputs()) {
            if ("reference".equals(input.role())) {
                out.add(input);
            }
        }
        return out;
    }

    /**
     * What a run resumed from a checkpoint that recorded {@code earlier} trained on: both sets of
     * intervals (the shards may have changed between the runs), the larger window counts.
     */
    PretrainingWindows union(PretrainingWindows earlier) {
        Map<String, IntervalList> byContig = new LinkedHashMap<>();
        for (PretrainingWindows w : List.of(earlier, this)) {
            w.intervals.forEach((contig, list) -> {
                IntervalList into = byContig.computeIfAbsent(contig, c -> new IntervalList());
                list.forEach(interval -> into.add(interval[0], interval[1]));
            });
        }
        List<SequenceRecord> ref = reference;
        if (ref == null) {
            ref = earlier.reference;
        } else if (earlier.reference != null) {
            Map<String, SequenceRecord> all = new LinkedHashMap<>();
            earlier.reference.forEach(r -> all.put(r.name(), r));
            ref.forEach(r -> all.put(r.name(), r));
            ref = List.copyOf(all.values());
        }
        List<ShardManifest.InputFile> sources = null;
        if (coordinateLessSources != null || earlier.coordinateLessSources != null) {
            LinkedHashSet<ShardManifest.InputFile> all = new LinkedHashSet<>();
            if (earlier.coordinateLessSources != null) {
                all.addAll(earlier.coordinateLessSources);
            }
            if (coordinateLessSources != null) {
                all.addAll(coordinateLessSources);
            }
            sources = List.copyOf(all);
        }
        return build(assembly, k, ref, Math.max(windows, earlier.windows),
                Math.max(coordinateLessWindows, earlier.coordinateLessWindows), sources, byContig);
    }

    /** Intervals on {@code contig}, empty when the run trained on none there. */
    public List<long[]> intervalsOn(String contig) {
        return intervals.getOrDefault(contig, List.of());
    }

    /** Merged intervals in total. */
    public int intervalCount() {
        return intervals.values().stream().mapToInt(List::size).sum();
    }

    void write(Path dir) throws IOException {
        Files.write(dir.resolve(FILE), ConfigLoader.JSON.writeValueAsBytes(this));
    }

    /** The record in a checkpoint (or fine-tuned encoder) folder; null when it has none (older models). */
    public static PretrainingWindows read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            PretrainingWindows w = ConfigLoader.JSON.readValue(file.toFile(), PretrainingWindows.class);
            if (!FORMAT.equals(w.format) || w.intervals == null) {
                throw new BadInputException(file, "not a " + FORMAT + " file");
            }
            return w;
        } catch (IOException e) {
            throw new BadInputException(file, -1, "unreadable: " + e.getMessage(), e);
        }
    }

    /** A shard's coordinate arrays; {@code names} null when its windows have no genomic coordinates. */
    private record ShardCoordinates(String[] names, NpyArray contig, NpyArray start, NpyArray end) {
        static ShardCoordinates of(TokenShard shard) {
            ShardManifest.TokenizerSpec tokenizer = shard.manifest().tokenizer();
            boolean records = tokenizer != null && "fasta-records".equals(tokenizer.source());
            if (records || !shard.hasArray("contig_names") || !shard.hasArray("contig") || !shard.hasArray("start")
                    || !shard.hasArray("end")) {
                return new ShardCoordinates(null, null, null, null);
            }
            NpyArray n = shard.array("contig_names");
            String[] names = new String[(int) n.rows()];
            for (int i = 0; i < names.length; i++) {
                names[i] = n.getString(i);
            }
            return new ShardCoordinates(names, shard.array("contig"), shard.array("start"), shard.array("end"));
        }

        String contig(int row) {
            return names[contig.getInt(row)];
        }
    }

    /**
     * Intervals of one contig. Windows of a tiling arrive in order, so each is folded into the last
     * interval when it touches it and the list stays as short as the merged result; out-of-order
     * windows (BED regions) are sorted and merged at the end.
     */
    static final class IntervalList {
        private long[] starts = new long[16];
        private long[] ends = new long[16];
        private int size;

        void add(long start, long end) {
            if (size > 0 && start >= starts[size - 1] && start <= ends[size - 1]) {
                ends[size - 1] = Math.max(ends[size - 1], end);
                return;
            }
            if (size == starts.length) {
                starts = Arrays.copyOf(starts, size * 2);
                ends = Arrays.copyOf(ends, size * 2);
            }
            starts[size] = start;
            ends[size] = end;
            size++;
        }

        /** Sorted, with touching or overlapping intervals merged. */
        List<long[]> merged() {
            List<long[]> sorted = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                sorted.add(new long[] {starts[i], ends[i]});
            }
            sorted.sort(Comparator.comparingLong(a -> a[0]));
            List<long[]> out = new ArrayList<>();
            for (long[] interval : sorted) {
                long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
                if (last != null && interval[0] <= last[1]) {
                    last[1] = Math.max(last[1], interval[1]);
                } else {
                    out.add(interval.clone());
                }
            }
            return out;
        }
    }
}
