package org.regbert.align;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.regbert.common.BadInputException;
import org.regbert.common.Checksums;
import org.regbert.common.Progress;
import org.regbert.common.ProvenanceCommand;
import org.regbert.common.StagedOutput;
import org.regbert.common.Timestamps;
import org.regbert.common.ToolVersion;
import org.regbert.genome.ContigResolver;
import org.regbert.genome.Liftover;
import org.regbert.shards.NpyArray;
import org.regbert.shards.NpyDType;
import org.regbert.shards.SequenceRecord;
import org.regbert.shards.ShardManifest;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;

/**
 * One align run: checks every input against the shards' reference, computes labels over all
 * windows (sampling needs the totals), then writes each annotated shard into a staging folder and
 * moves them into place only when all succeeded.
 */
final class AlignRun {
    static final String SUMMARY = "align-summary.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final AlignSettings settings;
    private final Map<String, Object> summary = new LinkedHashMap<>();

    AlignRun(AlignSettings settings) {
        this.settings = settings;
    }

    void execute() {
        List<Path> shardFiles = ShardSet.list(settings.shards());
        ShardManifest first = checkShardsAgree(shardFiles);
        Map<String, Long> lengths = new LinkedHashMap<>();
        first.reference().forEach(r -> lengths.put(r.name(), r.length()));
        List<String> names = List.copyOf(lengths.keySet());
        ContigResolver contigs = new ContigResolver(names, ContigResolver.parseAliases(settings.contigAliases()),
                settings.skipMissingContigs());
        Liftover liftover = settings.liftover() == null ? null
                : new Liftover(settings.liftover(), settings.liftoverMinMatch());
        AlignInputs inputs = new AlignInputs(settings, first, contigs, lengths, liftover);
        List<LabelTask> tasks = inputs.labelTasks();
        Holdouts holdouts = Holdouts.parse(settings.valid(), settings.test(), contigs, lengths);
        List<ShardAnnotator> annotators = inputs.annotators(holdouts);

        List<byte[]> splits = new ArrayList<>();
        Map<String, List<byte[]>> labels = computeLabels(shardFiles, tasks, first, holdouts, splits,
                inputs.exclusion());
        try (StagedOutput output = StagedOutput.open(settings.output())) {
            List<String> existing = output.existing("shard-*.npz");
            if (!existing.isEmpty() && !settings.overwrite()) {
                throw new BadInputException(settings.output(), "already holds " + existing.size()
                        + " shard files; choose another --output or pass --overwrite");
            }
            Progress progress = Progress.onStderr("align", "windows", totalWindows(shardFiles), settings.quiet());
            Map<String, JsonNode> sections = sections(tasks, annotators, holdouts, inputs, liftover);
            LabelCounts counts = new LabelCounts();
            for (int s = 0; s < shardFiles.size(); s++) {
                Path file = shardFiles.get(s);
                try (TokenShard shard = TokenShard.open(file)) {
                    WindowCoordinates windows = WindowCoordinates.of(shard);
                    List<NewArray> arrays = new ArrayList<>();
                    byte[] split = splits.get(s);
                    arrays.add(new NewArray("split", NpyDType.INT8, new long[] {split.length}, ByteBuffer.wrap(split),
                            "0 train, 1 validation, 2 test (see annotations.split)"));
                    for (LabelTask task : tasks) {
                        byte[] values = labels.get(task.name()).get(s);
                        counts.add(task.name(), values, split);
                        arrays.add(new NewArray("label_" + task.name(), NpyDType.INT8, new long[] {values.length},
                                ByteBuffer.wrap(values), "labels of task " + task.name() + " (see annotations.labels)"));
                        if (task.hasLevels()) {
                            arrays.add(levels(task, windows));
                        }
                    }
                    for (ShardAnnotator annotator : annotators) {
                        arrays.addAll(annotator.annotate(shard, windows));
                    }
                    Map<String, JsonNode> shardSections = new LinkedHashMap<>(sections);
                    shardSections.put("align", provenance(file));
                    AnnotatedShardWriter.write(output.stage(file.getFileName().toString()), shard, arrays,
                            shardSections);
                    progress.advance(windows.size());
                }
            }
            progress.finish();
            summary.put("shards", shardFiles.size());
            summary.put("windows", totalWindows(shardFiles));
            summary.put("labels", counts.describe());
            summary.put("validationSampled", settings.sampleValidation());
            summary.put("testSampled", settings.sampleTest());
            summary.putAll(inputs.summary());
            summary.put("contigAliasesUsed", contigs.aliasUse());
            // Paths belong here, not in the shards (which must not depend on where they were written).
            summary.put("output", settings.output().toAbsolutePath().normalize().toString());
            summary.put("command", settings.command());
            Map<String, Object> skipped = new LinkedHashMap<>();
            skipped.put("labels", contigs.skipped());
            skipped.putAll(inputs.skippedLines());
            summary.put("skippedOnMissingContigs", skipped);
            if (liftover != null) {
                summary.put("liftover", liftoverCounts(liftover));
            }
            writeSummary(output);
            if (settings.overwrite()) {
                deleteStale(output, shardFiles);
            }
            output.commit();
        }
        report();
    }

    /** All shards must come from one tokenize run: same reference and tokenizer. */
    private static ShardManifest checkShardsAgree(List<Path> files) {
        ShardManifest first = null;
        for (Path file : files) {
            try (TokenShard shard = TokenShard.open(file)) {
                ShardManifest m = shard.manifest();
                if (first == null) {
                    first = m;
                } else if (!names(m.reference()).equals(names(first.reference()))
                        || !m.tokenizer().equals(first.tokenizer())) {
                    throw new BadInputException(file, "comes from another tokenize run (reference or tokenizer differ"
                            + " from " + files.get(0).getFileName() + ")");
                }
            }
        }
        return first;
    }

    private static List<String> names(List<SequenceRecord> reference) {
        return reference.stream().map(r -> r.name() + ":" + r.length()).toList();
    }

    /**
     * Labels of every task and the split of every window (into {@code splits}), per shard; then the
     * negatives of the splits to thin are sampled, which needs the totals over all shards.
     */
    private Map<String, List<byte[]>> computeLabels(List<Path> shardFiles, List<LabelTask> tasks, ShardManifest first,
            Holdouts holdouts, List<byte[]> splits, ExclusionMask exclusion) {
        Map<String, List<byte[]>> labels = new LinkedHashMap<>();
        tasks.forEach(t -> labels.put(t.name(), new ArrayList<>()));
        List<byte[]> gc = settings.matchedNegatives() ? new ArrayList<>() : null;
        for (Path file : shardFiles) {
            try (TokenShard shard = TokenShard.open(file)) {
                WindowCoordinates windows = WindowCoordinates.of(shard);
                byte[] split = new byte[windows.size()];
                for (int w = 0; w < split.length; w++) {
                    split[w] = holdouts.split(windows.contigOf(w), windows.start()[w], windows.end()[w]);
                }
                splits.add(split);
                byte[] excluded = tasks.isEmpty() ? null : exclusion.of(shard, windows);
                for (LabelTask task : tasks) {
                    byte[] values = new byte[windows.size()];
                    for (int w = 0; w < values.length; w++) {
                        // Excluded windows get no label, so sampling neither counts nor draws them.
                        values[w] = excluded != null && excluded[w] != 0 ? LabelCodes.EXCLUDED
                                : task.label(windows, w, settings.labelBin());
                    }
                    labels.get(task.name()).add(values);
                }
                if (gc != null) {
                    gc.add(GcContent.percentPerWindow(shard, first.tokenizer()));
                }
            }
        }
        if (settings.negativesPerPositive() != null) {
            boolean[] thin = thinnedSplits();
            summary.put("sampledSplits", sampledSplitNames());
            Map<String, Map<String, Long>> kept = new LinkedHashMap<>();
            long seed = settings.seed();
            for (LabelTask task : tasks) {
                // Each task draws from its own stream so adding a task does not change the others.
                long[] perSplit = NegativeSampler.sample(labels.get(task.name()), splits, gc,
                        settings.negativesPerPositive(), seed + task.name().hashCode(), thin);
                Map<String, Long> taskKept = new LinkedHashMap<>();
                for (int split = 0; split < thin.length; split++) {
                    if (thin[split]) {
                        taskKept.put(LabelCounts.SPLIT_NAMES[split], perSplit[split]);
                    }
                }
                kept.put(task.name(), taskKept);
            }
            summary.put("negativesKept", kept);
        }
        return labels;
    }

    /** Training is always thinned under --negatives-per-positive; validation and test only when asked. */
    private boolean[] thinnedSplits() {
        boolean[] thin = new boolean[3];
        thin[Holdouts.TRAIN] = true;
        thin[Holdouts.VALID] = settings.sampleValidation();
        thin[Holdouts.TEST] = settings.sampleTest();
        return thin;
    }

    private List<String> sampledSplitNames() {
        boolean[] thin = thinnedSplits();
        List<String> names = new ArrayList<>();
        for (int split = 0; split < thin.length; split++) {
            if (thin[split]) {
                names.add(LabelCounts.SPLIT_NAMES[split]);
            }
        }
        return names;
    }

    private NewArray levels(LabelTask task, WindowCoordinates windows) {
        ByteBuffer data = ByteBuffer.allocate(windows.size() * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int w = 0; w < windows.size(); w++) {
            data.putShort(task.level(windows, w, settings.labelBin()));
        }
        data.flip();
        return new NewArray("label_" + task.name() + "_level", NpyDType.INT16, new long[] {windows.size()}, data,
                "level of task " + task.name() + " (max over overlapping intervals)");
    }

    private Map<String, JsonNode> sections(List<LabelTask> tasks, List<ShardAnnotator> annotators, Holdouts holdouts,
            AlignInputs inputs, Liftover liftover) {
        Map<String, JsonNode> sections = new LinkedHashMap<>();
        if (!tasks.isEmpty()) {
            Map<String, Object> labelSection = new LinkedHashMap<>();
            labelSection.put("bin", settings.labelBin());
            if (settings.negativesPerPositive() != null) {
                labelSection.put("negativesPerPositive", settings.negativesPerPositive());
                labelSection.put("matchedNegatives", settings.matchedNegatives());
                labelSection.put("seed", settings.seed());
                labelSection.put("sampledSplits", sampledSplitNames());
            }
            // What evaluate needs to say whether its test measures are at the genome's class ratio.
            labelSection.put("validationSampled", settings.sampleValidation());
            labelSection.put("testSampled", settings.sampleTest());
            Map<String, Object> taskDescriptions = new LinkedHashMap<>();
            tasks.forEach(t -> taskDescriptions.put(t.name(), t.describe()));
            labelSection.put("tasks", taskDescriptions);
            sections.put("labels", JSON.valueToTree(labelSection));
        }
        sections.put("split", JSON.valueToTree(holdouts.describe()));
        for (ShardAnnotator annotator : annotators) {
            sections.put(annotator.section(), JSON.valueToTree(annotator.describe()));
        }
        Map<String, Object> contigSection = new LinkedHashMap<>();
        contigSection.put("aliases", ContigResolver.parseAliases(settings.contigAliases()));
        if (liftover != null) {
            contigSection.put("liftover", new TreeMap<>(Map.of("chain", liftover.chain().toString(),
                    "minMatch", settings.liftoverMinMatch())));
        }
        sections.put("contigs", JSON.valueToTree(contigSection));
        return sections;
    }

    private JsonNode provenance(Path sourceShard) {
        Map<String, Object> align = new LinkedHashMap<>();
        align.put("tool", "regbert align");
        align.put("version", ToolVersion.get());
        align.put("command", ProvenanceCommand.withoutOutput(settings.command()));
        align.put("sourceShard", new TreeMap<>(Map.of("file", sourceShard.getFileName().toString(),
                "sha256", Checksums.sha256(sourceShard))));
        align.put("created", Timestamps.created());
        return JSON.valueToTree(align);
    }


    private static long totalWindows(List<Path> files) {
        long total = 0;
        for (Path file : files) {
            try (TokenShard shard = TokenShard.open(file)) {
                total += shard.windows();
            }
        }
        return total;
    }

    private static Map<String, Map<String, Long>> liftoverCounts(Liftover liftover) {
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        liftover.counts().forEach((file, c) -> counts.put(file, new TreeMap<>(Map.of("lifted", c[0], "failed", c[1]))));
        return counts;
    }

    private void writeSummary(StagedOutput output) {
        try {
            Files.write(output.stage(SUMMARY), JSON.writeValueAsBytes(summary));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteStale(StagedOutput output, List<Path> shardFiles) {
        try {
            for (String stale : output.existing("shard-*.npz")) {
                Files.delete(output.outputDir().resolve(stale));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void report() {
        if (settings.quiet()) {
            return;
        }
        System.err.printf(Locale.ROOT, "regbert align: %,d windows in %d shards -> %s%n", summary.get("windows"),
                summary.get("shards"), settings.output());
        Object labelCounts = summary.get("labels");
        if (labelCounts instanceof Map<?, ?> map && !map.isEmpty()) {
            map.forEach((task, perSplit) -> System.err.println("  label " + task + ": " + perSplit));
            if (settings.negativesPerPositive() != null) {
                System.err.println("  negatives sampled in: " + String.join(", ", sampledSplitNames())
                        + (settings.sampleTest() ? " (test sampled: measures are not at the genome's class ratio)"
                                : "; every test window kept"));
            }
        }
        Object aliases = summary.get("contigAliasesUsed");
        if (aliases instanceof Map<?, ?> map && !map.isEmpty()) {
            System.err.println("  contig aliases used: " + map);
        }
        if (summary.get("skippedOnMissingContigs") instanceof Map<?, ?> skipped) {
            skipped.forEach((input, counts) -> {
                long total = ((Map<?, ?>) counts).values().stream().mapToLong(v -> (Long) v).sum();
                if (total > 0) {
                    System.err.printf(Locale.ROOT, "  %s: %,d lines skipped on contigs the reference lacks (see %s)%n",
                            input, total, SUMMARY);
                }
            });
        }
        Object lifted = summary.get("liftover");
        if (lifted != null) {
            System.err.println("  liftover (lifted/failed per file): " + lifted);
        }
    }
}
