package org.regbert.finetune;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.regbert.common.FileTrees;
import org.regbert.common.BadInputException;
import org.regbert.pretrain.AdamW;
import org.regbert.pretrain.TensorFiles;

/**
 * The files of a run directory. Every folder is written under a temporary name and renamed, so a
 * killed run leaves either the old or the new version, never half of one:
 *
 * <pre>
 * model/                     the best model so far (task.json, encoder/, head.npz)
 * checkpoints/step-N/        model files + optimizer.npz + trainer-state.json (the newest two kept)
 * checkpoints/latest         the name of the newest checkpoint
 * metrics.jsonl, task-plan.json, predictions/, finetune-summary.json, model-card.md
 * </pre>
 */
final class RunFiles {
    static final String CHECKPOINTS = "checkpoints";
    static final String LATEST = "latest";
    static final String OPTIMIZER = "optimizer.npz";
    static final String STATE = "trainer-state.json";
    static final String TASK_PLAN = "task-plan.json";
    private static final int KEEP = 2;

    private RunFiles() {
    }

    /** Counters a checkpoint saves. */
    static final class TrainerState {
        public long step;
        public double bestScore = Double.NEGATIVE_INFINITY;
        public long bestStep = -1;
        public int badEvaluations;
        public boolean stoppedEarly;
        public double seconds;
        /** With --max-minutes: the step count the budget fixed (0: epochs and --max-steps decide). */
        public long totalSteps;
        /** With --max-minutes: the timings behind {@code totalSteps} ({@code StepBudget.Report#toMap}). */
        public Map<String, Object> budget;
        /** With --max-minutes, when the run re-fitted its step count: the warm-up it kept (null: --warmup decides). */
        public Long warmupSteps;
    }

    /**
     * Checks the output directory, changing nothing; returns the checkpoint to resume from (null
     * for a new run, whose folder {@link #create} makes once every input has been checked).
     */
    static Path check(Path output, boolean resume, boolean overwrite) throws IOException {
        Path latest = latest(output);
        if (resume) {
            if (latest == null) {
                throw new BadInputException(output, "has no fine-tuning checkpoint to --resume from");
            }
            return latest;
        }
        if (Files.isDirectory(output) && hasEntries(output) && !overwrite) {
            throw new BadInputException(output, "is not empty" + (latest != null ? " (it holds a fine-tuning run;"
                    + " pass --resume to continue it)" : "") + "; pass --overwrite to replace it");
        }
        return null;
    }

    /** Empties (with --overwrite) and creates the output directory of a new run. */
    static void create(Path output, boolean overwrite) throws IOException {
        if (overwrite && Files.isDirectory(output) && hasEntries(output)) {
            deleteTree(output);
        }
        Files.createDirectories(output);
    }

    private static boolean hasEntries(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        }
    }

    static Path latest(Path output) {
        Path pointer = output.resolve(CHECKPOINTS).resolve(LATEST);
        try {
            if (!Files.isRegularFile(pointer)) {
                return null;
            }
            Path dir = output.resolve(CHECKPOINTS).resolve(Files.readString(pointer).trim());
            return Files.isDirectory(dir) ? dir : null;
        } catch (IOException e) {
            throw new BadInputException(pointer, -1, "unreadable: " + e.getMessage(), e);
        }
    }

    static TrainerState readState(Path checkpoint) {
        try {
            return FinetunedModel.JSON.readValue(checkpoint.resolve(STATE).toFile(), TrainerState.class);
        } catch (IOException e) {
            throw new BadInputException(checkpoint.resolve(STATE), -1, "unreadable: " + e.getMessage(), e);
        }
    }

    /** Replaces {@code output/model} with the current model. */
    static void replaceModel(Path output, FinetunedModel model) throws IOException {
        Path staged = output.resolve(".model.tmp");
        deleteTree(staged);
        model.save(staged);
        Path target = output.resolve(FinetunedModel.MODEL_DIR);
        Path old = output.resolve(".model.old");
        deleteTree(old);
        if (Files.exists(target)) {
            move(target, old);
        }
        move(staged, target);
        deleteTree(old);
    }

    /** Writes checkpoints/step-N and points checkpoints/latest at it. */
    static void checkpoint(Path output, TrainerState state, FinetunedModel model, AdamW optimizer) throws IOException {
        Path dir = output.resolve(CHECKPOINTS);
        Files.createDirectories(dir);
        String name = "step-" + state.step;
        Path staged = dir.resolve("." + name + ".tmp");
        deleteTree(staged);
        model.save(staged);
        List<String> names = new ArrayList<>();
        List<NDArray> arrays = new ArrayList<>();
        for (int i = 0; i < optimizer.names().size(); i++) {
            names.add("m/" + optimizer.names().get(i));
            arrays.add(optimizer.firstMoments().get(i));
        }
        for (int i = 0; i < optimizer.names().size(); i++) {
            names.add("v/" + optimizer.names().get(i));
            arrays.add(optimizer.secondMoments().get(i));
        }
        TensorFiles.write(staged.resolve(OPTIMIZER), names, arrays);
        Files.write(staged.resolve(STATE), FinetunedModel.JSON.writeValueAsBytes(state));
        Files.write(staged.resolve("optimizer-steps"), Long.toString(optimizer.steps()).getBytes());
        Path target = dir.resolve(name);
        deleteTree(target);
        move(staged, target);
        Path pointer = dir.resolve("." + LATEST + ".tmp");
        Files.writeString(pointer, name + "\n");
        move(pointer, dir.resolve(LATEST));
        prune(dir, name);
    }

    static void restoreOptimizer(Path checkpoint, AdamW optimizer) throws IOException {
        Map<String, TensorFiles.Tensor> saved = TensorFiles.read(checkpoint.resolve(OPTIMIZER));
        List<float[]> m = new ArrayList<>();
        List<float[]> v = new ArrayList<>();
        for (String name : optimizer.names()) {
            TensorFiles.Tensor first = saved.get("m/" + name);
            TensorFiles.Tensor second = saved.get("v/" + name);
            if (first == null || second == null) {
                throw new BadInputException(checkpoint.resolve(OPTIMIZER), "has no optimizer state for '" + name + "'");
            }
            m.add(first.values());
            v.add(second.values());
        }
        long steps = Long.parseLong(Files.readString(checkpoint.resolve("optimizer-steps")).trim());
        optimizer.restore(steps, m, v);
    }

    private static void prune(Path dir, String newest) throws IOException {
        List<Path> steps;
        try (Stream<Path> entries = Files.list(dir)) {
            steps = entries.filter(p -> p.getFileName().toString().matches("step-\\d+"))
                    .sorted(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(5))))
                    .toList();
        }
        for (int i = 0; i < steps.size() - KEEP; i++) {
            if (!steps.get(i).getFileName().toString().equals(newest)) {
                deleteTree(steps.get(i));
            }
        }
    }

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteTree(Path root) throws IOException {
        FileTrees.delete(root);
    }
}
