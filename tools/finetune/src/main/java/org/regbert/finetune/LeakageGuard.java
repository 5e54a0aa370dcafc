package org.regbert.finetune;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.regbert.metrics.Predictions;
import org.regbert.pretrain.PretrainedModel;
import org.regbert.pretrain.PretrainingWindows;
import org.regbert.shards.NpyArray;
import org.regbert.shards.SequenceRecord;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;

/**
 * Where finetune and evaluate get the two sides of the {@link PretrainingOverlap} check: the
 * encoder's pre-training windows (the checkpoint's record, which finetune copies into the model's
 * {@code encoder/} folder) and the test windows (the task's split-2 examples, or the windows of
 * predictions), and how the result is shown.
 */
public final class LeakageGuard {
    private LeakageGuard() {
    }

    /** finetune: the task's test windows against what {@code encoder} was pre-trained on. */
    static PretrainingOverlap forFinetune(TaskSpec spec, PretrainedModel encoder, TaskPlan plan, ShardInputs inputs) {
        if (isScratch(spec)) {
            return PretrainingOverlap.notPretrained();
        }
        PretrainingWindows pretrained = encoder.pretrainingWindows();
        if (pretrained == null) {
            return unrecorded();
        }
        TokenShard first = inputs.shard(0);
        if (isFastaRecords(first)) {
            return fastaRecords(pretrained);
        }
        List<PretrainingOverlap.Window> windows = new ArrayList<>();
        Coordinates[] coordinates = new Coordinates[inputs.shards()];
        for (int e : plan.test()) {
            int s = plan.examples.shard[e];
            if (coordinates[s] == null) {
                coordinates[s] = new Coordinates(inputs.shard(s));
            }
            windows.add(coordinates[s].window(plan.examples.row[e]));
        }
        return PretrainingOverlap.check(pretrained, first.manifest().reference(), windows);
    }

    /**
     * evaluate: the windows of split {@code split} (-1: all) in a model's predictions against the
     * pre-training windows the fine-tuned model carries.
     *
     * @param run a finetune output directory (or its model folder)
     * @param shards the shards the predictions were made on, null for the predictions finetune saved
     */
    public static PretrainingOverlap forModel(Path run, List<Predictions> predictions, int split, Path shards) {
        Path model = FinetunedModel.resolve(run);
        TaskSpec spec = FinetunedModel.readSpec(model.resolve(FinetunedModel.TASK_FILE));
        if (isScratch(spec)) {
            return PretrainingOverlap.notPretrained();
        }
        PretrainingWindows pretrained = PretrainingWindows.read(model.resolve(FinetunedModel.ENCODER_DIR));
        if (pretrained == null) {
            return unrecorded();
        }
        List<SequenceRecord> reference = null;
        if (shards != null) {
            try (TokenShard first = TokenShard.open(ShardSet.list(shards).get(0))) {
                if (isFastaRecords(first)) {
                    return fastaRecords(pretrained);
                }
                reference = first.manifest().reference();
            }
        } else {
            PretrainingOverlap atFinetune = finetuneResult(run);
            if (atFinetune != null && !atFinetune.checked()) {
                return atFinetune; // e.g. FASTA-record test windows, which saved predictions do not tell apart
            }
        }
        List<PretrainingOverlap.Window> windows = new ArrayList<>();
        for (Predictions p : predictions) {
            for (int i = 0; i < p.split().length; i++) {
                if (split < 0 ? p.split()[i] > 0 : p.split()[i] == split) {
                    windows.add(new PretrainingOverlap.Window(p.contigNames().get(p.contig()[i]), p.start()[i],
                            p.end()[i]));
                }
            }
        }
        return PretrainingOverlap.check(pretrained, reference, windows);
    }

    /**
     * Shows the result on stderr (a warning when a pre-trained model's leakage cannot be checked,
     * whatever --quiet says) and refuses (exit 2) when test windows were seen in pre-training and
     * {@code allowed} is false.
     */
    public static void apply(PretrainingOverlap overlap, boolean allowed, String who, boolean quiet, PrintStream err) {
        if (overlap.cannotCheck()) {
            err.println(who + ": warning: " + overlap.describe());
        } else if (!quiet) {
            err.println(who + ": " + overlap.describe());
        }
        overlap.refuseUnlessAllowed(allowed, who);
        if (overlap.checked() && overlap.overlappingWindows() > 0) {
            err.println(who + ": warning: going on with test windows seen in pre-training ("
                    + PretrainingOverlap.ALLOW_OPTION + ")");
        }
    }

    private static boolean isScratch(TaskSpec spec) {
        return spec.base() != null && spec.base().startsWith("scratch:");
    }

    private static PretrainingOverlap unrecorded() {
        return PretrainingOverlap.unchecked("the pre-trained model records no training windows ("
                + PretrainingWindows.FILE + "; models pre-trained before regbert recorded them, or resumed from such a"
                + " checkpoint): leakage cannot be checked");
    }

    private static boolean isFastaRecords(TokenShard shard) {
        return shard.manifest().tokenizer() != null && "fasta-records".equals(shard.manifest().tokenizer().source());
    }

    private static PretrainingOverlap fastaRecords(PretrainingWindows pretrained) {
        return PretrainingOverlap.unchecked("the test windows are FASTA records without genomic coordinates"
                + (pretrained.coordinateLessWindows() > 0 ? " and the model was pre-trained on "
                        + pretrained.coordinateLessWindows() + " such windows too (" + sources(pretrained) + ")" : "")
                + ": leakage cannot be checked");
    }

    private static String sources(PretrainingWindows pretrained) {
        if (pretrained.coordinateLessSources() == null || pretrained.coordinateLessSources().isEmpty()) {
            return "source unknown";
        }
        List<String> names = new ArrayList<>();
        pretrained.coordinateLessSources().forEach(s -> names.add(Path.of(s.path()).getFileName() + " SHA-256 "
                + s.sha256()));
        return String.join(", ", names);
    }

    /** A shard's coordinate arrays, opened once. */
    private static final class Coordinates {
        private final String[] names;
        private final NpyArray contig;
        private final NpyArray start;
        private final NpyArray end;

        Coordinates(TokenShard shard) {
            NpyArray n = shard.array("contig_names");
            names = new String[(int) n.rows()];
            for (int i = 0; i < names.length; i++) {
                names[i] = n.getString(i);
            }
            contig = shard.array("contig");
            start = shard.array("start");
            end = shard.array("end");
        }

        PretrainingOverlap.Window window(int row) {
            return new PretrainingOverlap.Window(names[contig.getInt(row)], start.getLong(row), end.getLong(row));
        }
    }

    /** The overlap finetune recorded in its summary; null when absent (older runs). */
    private static PretrainingOverlap finetuneResult(Path run) {
        Path summary = run.resolve(Outputs.SUMMARY);
        if (!Files.isRegularFile(summary)) {
            return null;
        }
        try {
            var node = FinetunedModel.JSON.readTree(summary.toFile()).get("pretrainingOverlap");
            if (node == null || node.path("checked").asBoolean(true)) {
                return null;
            }
            return PretrainingOverlap.unchecked(node.path("reason").asText("not checked by finetune"));
        } catch (IOException e) {
            return null;
        }
    }
}
