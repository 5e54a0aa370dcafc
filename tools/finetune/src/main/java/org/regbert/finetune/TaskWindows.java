package org.regbert.finetune;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.regbert.common.BadInputException;
import org.regbert.metrics.Predictions;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;

/**
 * A fine-tuned model's task in a set of labelled shards, for models that are not finetune's
 * (evaluate's baselines): the same examples (ambiguous and unsampled windows left out), splits
 * and cell-type rules that finetune trains on and evaluate scores, and predictions laid out as
 * finetune writes them, so a baseline's rows pair window by window with the model's.
 *
 * <p>Examples are (window, cell type) pairs; an example's scores are {@code spec.outputs()} values
 * (binary: a probability; multi-label: one per task; multi-class: one per class; regression: the
 * level).
 */
public final class TaskWindows implements AutoCloseable {
    private final TaskSpec spec;
    private final List<TokenShard> shards = new ArrayList<>();
    private final TaskPlan plan;

    private TaskWindows(Path dir, TaskSpec spec) {
        this.spec = spec;
        try {
            for (Path file : ShardSet.list(dir)) {
                shards.add(TokenShard.open(file));
            }
            plan = TaskPlan.forEvaluation(spec, shards);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The examples of {@code spec}'s task in the labelled shards under {@code dir}. */
    public static TaskWindows open(Path dir, TaskSpec spec) {
        return new TaskWindows(dir, spec);
    }

    public TaskSpec spec() {
        return spec;
    }

    /** The open shards; {@link #shard(int)} indexes them. */
    public List<TokenShard> shards() {
        return shards;
    }

    /** Training examples (split 0) of the given cell types ("" when the task has none). */
    public int[] train(Set<String> cellTypes) {
        return plan.examples.select(0, cellTypes);
    }

    /** Validation examples as finetune and evaluate select them (split 1, training cell types). */
    public int[] validation() {
        return plan.validation();
    }

    /** Test examples as finetune and evaluate select them (split 2, held-out cell types when there are some). */
    public int[] test() {
        return plan.test();
    }

    /** Cell types trained on, in order; one "" when the task reads none. */
    public List<String> trainCellTypes() {
        return spec.trainCellTypes().isEmpty() ? List.of("") : spec.trainCellTypes();
    }

    /** Whether {@code cellType} is held out of training (finetune --test-cell-types). */
    public boolean heldOut(String cellType) {
        return spec.testCellTypes().contains(cellType);
    }

    /** Every cell type examples have, training ones first. */
    public Set<String> cellTypes() {
        Set<String> cells = new LinkedHashSet<>(trainCellTypes());
        cells.addAll(spec.testCellTypes());
        return cells;
    }

    /** Index into {@link #shards()} of example {@code i}'s window. */
    public int shard(int i) {
        return plan.examples.shard[i];
    }

    /** Row of example {@code i}'s window in its shard. */
    public int row(int i) {
        return plan.examples.row[i];
    }

    public String cellType(int i) {
        return plan.examples.cellType[i];
    }

    /** Label of example {@code i} for output task {@code k} (negative: unknown for that task). */
    public byte label(int i, int k) {
        return plan.examples.label(i, k);
    }

    /** Regression target (the measured level) of example {@code i}. */
    public float target(int i) {
        if (plan.examples.targets == null) {
            throw new IllegalStateException("task " + spec.name() + " is not a regression task");
        }
        return plan.examples.targets[i];
    }

    /**
     * The predictions of a model named {@code model} for the validation and test examples, one per
     * task (multi-label: per label) and cell type, exactly as finetune writes and evaluate reads
     * them; scores are row-major [examples, {@code spec.outputs()}] in {@link #validation()} and
     * {@link #test()} order.
     */
    public List<Predictions> predictions(String model, float[] validationScores, float[] testScores) {
        int outputs = spec.outputs();
        if (validationScores.length != validation().length * outputs || testScores.length != test().length * outputs) {
            throw new IllegalArgumentException("scores for " + validationScores.length / Math.max(1, outputs) + " + "
                    + testScores.length / Math.max(1, outputs) + " examples, expected " + validation().length + " + "
                    + test().length);
        }
        if (validation().length + test().length == 0) {
            throw new BadInputException("no validation or test windows with labels of task '" + spec.name() + "'");
        }
        return Outputs.predictions(model, plan, shards, validation(), validationScores, test(), testScores);
    }

    @Override
    public void close() {
        for (TokenShard shard : shards) {
            shard.close();
        }
        shards.clear();
    }
}
