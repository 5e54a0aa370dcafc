package org.regbert.align;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.common.BadInputException;
import org.regbert.genome.ContigResolver;
import org.regbert.genome.Liftover;
import org.regbert.shards.ShardManifest;

/** Reads every input file of a run up front, so bad input fails before any output exists. */
final class AlignInputs {
    private final AlignSettings settings;
    private final ShardManifest manifest;
    private final ContigResolver contigs;
    private final Map<String, Long> lengths;
    private final Liftover liftover;
    private final Map<String, Object> summary = new LinkedHashMap<>();

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
            if (LabelInputs.isBedpe(file)) {
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
        return tasks;
    }

    List<ShardAnnotator> annotators() {
        List<ShardAnnotator> annotators = new ArrayList<>();
        if (!settings.states().isEmpty() || !settings.peaks().isEmpty() || settings.motifs() != null) {
            throw new BadInputException("--states, --peaks and --motifs are not in this build yet");
        }
        return annotators;
    }

    /** Entries for align-summary.json. */
    Map<String, Object> summary() {
        return summary;
    }

    ShardManifest manifest() {
        return manifest;
    }
}
