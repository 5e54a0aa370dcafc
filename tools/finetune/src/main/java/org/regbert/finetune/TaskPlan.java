package org.regbert.finetune;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.regbert.common.BadInputException;
import org.regbert.pretrain.GeneBertModel;
import org.regbert.pretrain.PretrainedModel;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;

/**
 * A fine-tuning task made concrete: which examples train, validate and test (align's split,
 * restricted to the training cell types for training and validation and to the held-out cell
 * types for testing — the DREAM cross-cell-type setting), class weights or balanced sampling, and
 * each epoch's seeded order.
 */
final class TaskPlan {
    final TaskSpec spec;
    final TaskExamples examples;
    private final int[] train;
    private final int[] validation;
    private final int[] test;
    private final String balance;
    private final float[] classWeights;
    private final boolean carvedValidation;

    private TaskPlan(TaskSpec spec, TaskExamples examples, int[] train, int[] validation, int[] test, String balance,
            float[] classWeights, boolean carvedValidation) {
        this.spec = spec;
        this.examples = examples;
        this.train = train;
        this.validation = validation;
        this.test = test;
        this.balance = balance;
        this.classWeights = classWeights;
        this.carvedValidation = carvedValidation;
    }

    /** The task description of a new run: tasks, head, cell types, features, regression scaling. */
    static TaskSpec specify(FinetuneSettings s, PretrainedModel encoder) {
        if (s.tasks() == null || s.tasks().isEmpty()) {
            throw new BadInputException("--task is required: the label name align wrote (label_<task> in the shards)");
        }
        boolean genebert = encoder.block() instanceof GeneBertModel;
        List<Path> files = ShardSet.list(s.shards());
        int shardTokens;
        boolean perCellType;
        List<String> labelCells;
        HeadKind head = s.head();
        List<String> classNames;
        try (TokenShard first = TokenShard.open(files.get(0))) {
            shardTokens = first.manifest().tokenizer().windowTokens();
            String task = s.tasks().get(0);
            labelCells = TaskExamples.labelCellTypes(first, task);
            perCellType = !first.hasArray("label_" + task) && !labelCells.isEmpty();
            for (String t : s.tasks()) {
                boolean found = first.hasArray("label_" + t) || !TaskExamples.labelCellTypes(first, t).isEmpty();
                if (!found) {
                    throw new BadInputException(first.file(), "has no labels for task '" + t + "' (no 'label_" + t
                            + "' array): label the shards with 'regbert align --labels " + t + "=FILE'; tasks here: "
                            + String.join(", ", tasksIn(first)));
                }
            }
            int maxLabel = 0;
            for (Path file : files) {
                try (TokenShard shard = TokenShard.open(file)) {
                    for (String cell : perCellType ? labelCells : List.of("")) {
                        var labels = shard.array(TaskExamples.labelArray(task, cell, perCellType));
                        for (long i = 0; i < labels.rows(); i++) {
                            maxLabel = Math.max(maxLabel, labels.getByte(i));
                        }
                    }
                }
            }
            if (head == null) {
                head = s.tasks().size() > 1 ? HeadKind.MULTILABEL : maxLabel > 1 ? HeadKind.MULTICLASS : HeadKind.BINARY;
            }
            if (head != HeadKind.MULTILABEL && s.tasks().size() > 1) {
                throw new BadInputException("--head " + head.id() + " takes one --task; several tasks need --head multilabel");
            }
            if (head == HeadKind.BINARY && maxLabel > 1) {
                throw new BadInputException(first.file(), "task '" + task + "' has labels up to " + maxLabel
                        + ": use --head multiclass");
            }
            classNames = switch (head) {
                case BINARY, REGRESSION -> List.of(task);
                case MULTILABEL -> List.copyOf(s.tasks());
                case MULTICLASS -> classNames(first, task, Math.max(2, maxLabel + 1));
            };
        }
        int windowTokens = genebert ? shardTokens : Math.min(shardTokens, encoder.maxLength() - 2);
        if (genebert && shardTokens > encoder.maxLength() - 2) {
            throw new BadInputException(files.get(0), "GeneBERT reads whole windows: " + shardTokens + " tokens exceed the"
                    + " model's " + (encoder.maxLength() - 2));
        }
        String stateArray = genebert || s.ignoreStates() ? null : encoder.vocabularies().stateArray();
        List<String> features = s.features() == null ? List.of() : List.copyOf(s.features());
        TaskSpec draft = new TaskSpec(List.copyOf(s.tasks()), head, classNames, s.pooling(), s.headHidden(), stateArray,
                features, List.of(), genebert && encoder.vocabularies().motifNames() != null, windowTokens, perCellType,
                List.of(), List.of(), 0, 1, base(s));
        try (ShardInputs inputs = new ShardInputs(s.shards(), draft, encoder)) {
            List<String> cells = cellTypes(s, perCellType, labelCells, inputs, features);
            List<String> testCells = s.testCellTypes() == null ? List.of() : List.copyOf(s.testCellTypes());
            List<String> trainCells = new ArrayList<>();
            for (String c : s.trainCellTypes() == null || s.trainCellTypes().isEmpty() ? cells : s.trainCellTypes()) {
                if (!cells.contains(c)) {
                    throw new BadInputException("--train-cell-types: '" + c + "' has no labels/inputs in the shards"
                            + " (cell types: " + String.join(", ", cells) + ")");
                }
                if (!testCells.contains(c)) {
                    trainCells.add(c);
                }
            }
            for (String c : testCells) {
                if (!cells.contains(c)) {
                    throw new BadInputException("--test-cell-types: '" + c + "' has no labels/inputs in the shards"
                            + " (cell types: " + String.join(", ", cells) + ")");
                }
            }
            if (trainCells.isEmpty()) {
                throw new BadInputException("no cell type left to train on (all are --test-cell-types)");
            }
            List<String> featureNames = features.isEmpty() ? List.of() : inputs.featureNames(trainCells.get(0));
            if (!features.isEmpty() && featureNames.isEmpty()) {
                List<String> rows = new ArrayList<>();
                for (String f : features) {
                    rows.add(f + ": " + inputs.featureRows(f));
                }
                throw new BadInputException(s.shards(), "--feature " + String.join(",", features) + ": no row for cell"
                        + " type '" + trainCells.get(0) + "' (rows: " + String.join("; ", rows) + "; signal tracks"
                        + " match as CELL or CELL.MARK, other arrays as CELL or CELL/MARK)");
            }
            double mean = 0;
            double std = 1;
            if (head == HeadKind.REGRESSION) {
                TaskExamples all = TaskExamples.collect(inputs, draft, trainCells);
                double sum = 0;
                double squares = 0;
                int n = 0;
                for (int i = 0; i < all.size; i++) {
                    if (all.split[i] == 0) {
                        sum += all.targets[i];
                        squares += (double) all.targets[i] * all.targets[i];
                        n++;
                    }
                }
                mean = n == 0 ? 0 : sum / n;
                std = n == 0 ? 1 : Math.max(1e-3, Math.sqrt(Math.max(0, squares / n - mean * mean)));
            }
            return new TaskSpec(draft.tasks(), head, classNames, s.pooling(), s.headHidden(), stateArray, features,
                    featureNames, draft.motifs(), windowTokens, perCellType, List.copyOf(trainCells), testCells, mean, std,
                    base(s));
        }
    }

    private static String base(FinetuneSettings s) {
        return s.fromScratch() ? "scratch:" + s.scratchModel() + ":" + s.scratchPreset()
                : s.checkpoint().toAbsolutePath().normalize().toString();
    }

    /** Every cell type the task has examples for ("" when the model reads none). */
    private static List<String> cellTypes(FinetuneSettings s, boolean perCellType, List<String> labelCells,
            ShardInputs inputs, List<String> features) {
        List<String> cells = new ArrayList<>();
        if (perCellType) {
            cells.addAll(labelCells);
            if (!inputs.stateCellTypes().isEmpty()) {
                cells.retainAll(inputs.stateCellTypes());
                if (cells.isEmpty()) {
                    throw new BadInputException(s.shards(), "no cell type has both labels (" + labelCells + ") and states ("
                            + inputs.stateCellTypes() + ")");
                }
            }
        } else if (!inputs.stateCellTypes().isEmpty()) {
            cells.addAll(inputs.stateCellTypes());
        } else if (!features.isEmpty() || (s.trainCellTypes() != null && !s.trainCellTypes().isEmpty())) {
            throw new BadInputException(s.shards(), "--feature and --train-cell-types need cell types: per-cell-type"
                    + " labels (label_<task>.<cell type>) or an EBERT model with states");
        } else {
            cells.add("");
        }
        return cells;
    }

    private static List<String> tasksIn(TokenShard shard) {
        List<String> tasks = new ArrayList<>();
        for (String member : shard.archive().memberNames()) {
            if (member.startsWith("label_") && member.endsWith(".npy") && !member.endsWith("_level.npy")) {
                tasks.add(member.substring(6, member.length() - 4));
            }
        }
        return tasks.isEmpty() ? List.of("(none)") : tasks;
    }

    /** Class names from align's description of the label values (first word), else class0, class1, ... */
    private static List<String> classNames(TokenShard shard, String task, int classes) {
        JsonNode labels = shard.manifest().annotations() == null ? null : shard.manifest().annotations().get("labels");
        JsonNode values = labels == null ? null : labels.path("tasks").path(task).path("values");
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            String text = values == null ? "" : values.path(Integer.toString(c)).asText("");
            String word = text.isBlank() ? "class" + c : text.split("[ ,;]")[0];
            names.add(names.contains(word) ? word + c : word);
        }
        return names;
    }

    /** The examples and splits of a run (new or resumed) of {@code spec}. */
    static TaskPlan build(FinetuneSettings s, TaskSpec spec, ShardInputs inputs) {
        List<String> cells = new ArrayList<>(spec.trainCellTypes());
        cells.addAll(spec.testCellTypes());
        TaskExamples examples = TaskExamples.collect(inputs, spec, cells.isEmpty() ? List.of("") : cells);
        Set<String> trainCells = spec.trainCellTypes().isEmpty() ? null : new LinkedHashSet<>(spec.trainCellTypes());
        Set<String> testCells = spec.testCellTypes().isEmpty() ? trainCells : new LinkedHashSet<>(spec.testCellTypes());
        int[] train = examples.select(0, trainCells);
        int[] validation = examples.select(1, trainCells);
        int[] test = examples.select(2, testCells);
        boolean carved = false;
        if (validation.length == 0) {
            // No --valid holdout in align: a seeded tenth of the training windows validates instead.
            int[][] parts = carve(train, s.seed());
            train = parts[0];
            validation = parts[1];
            carved = true;
        }
        if (train.length == 0) {
            throw new BadInputException(s.shards(), "no training windows with known labels for task '" + spec.name()
                    + "' (split 0" + (trainCells == null ? "" : ", cell types " + trainCells) + ")");
        }
        String balance = s.balance() == null ? "weight" : s.balance();
        if (balance.equals("sample") && (spec.head() == HeadKind.MULTILABEL || spec.head() == HeadKind.REGRESSION)) {
            throw new BadInputException("--balance sample needs one classification task; use --balance weight");
        }
        float[] weights = balance.equals("weight") ? weights(spec, examples, train) : null;
        return new TaskPlan(spec, examples, train, validation, test, balance, weights, carved);
    }

    /**
     * The validation and test examples of {@code spec} in another set of shards (evaluate): the
     * same cell-type rules as training, no training examples.
     */
    static TaskPlan forEvaluation(TaskSpec spec, ShardInputs inputs) {
        return forEvaluation(spec, inputs.shards);
    }

    /** As {@link #forEvaluation(TaskSpec, ShardInputs)}, from open shards. */
    static TaskPlan forEvaluation(TaskSpec spec, List<TokenShard> shards) {
        List<String> cells = new ArrayList<>(spec.trainCellTypes());
        cells.addAll(spec.testCellTypes());
        TaskExamples examples = TaskExamples.collect(shards, spec, cells.isEmpty() ? List.of("") : cells);
        Set<String> trainCells = spec.trainCellTypes().isEmpty() ? null : new LinkedHashSet<>(spec.trainCellTypes());
        Set<String> testCells = spec.testCellTypes().isEmpty() ? trainCells : new LinkedHashSet<>(spec.testCellTypes());
        return new TaskPlan(spec, examples, new int[0], examples.select(1, trainCells), examples.select(2, testCells),
                "none", null, false);
    }

    private static int[][] carve(int[] train, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5EEDL);
        List<Integer> keep = new ArrayList<>();
        List<Integer> valid = new ArrayList<>();
        for (int i : train) {
            (random.nextInt(10) == 0 ? valid : keep).add(i);
        }
        return new int[][] {keep.stream().mapToInt(Integer::intValue).toArray(),
            valid.stream().mapToInt(Integer::intValue).toArray()};
    }

    /** Binary / multi-label: negatives / positives per output; multi-class: inverse class frequency, mean 1. */
    private static float[] weights(TaskSpec spec, TaskExamples ex, int[] train) {
        int outputs = spec.outputs();
        switch (spec.head()) {
            case BINARY, MULTILABEL -> {
                float[] w = new float[outputs];
                for (int k = 0; k < outputs; k++) {
                    long pos = 0;
                    long neg = 0;
                    for (int i : train) {
                        byte label = ex.label(i, k);
                        pos += label > 0 ? 1 : 0;
                        neg += label == 0 ? 1 : 0;
                    }
                    w[k] = pos == 0 ? 1f : (float) Math.max(1.0, (double) neg / pos);
                }
                return w;
            }
            case MULTICLASS -> {
                long[] counts = new long[outputs];
                for (int i : train) {
                    counts[ex.label(i, 0)]++;
                }
                float[] w = new float[outputs];
                double total = 0;
                for (int c = 0; c < outputs; c++) {
                    w[c] = counts[c] == 0 ? 0f : (float) ((double) train.length / (outputs * counts[c]));
                    total += w[c];
                }
                return w;
            }
            default -> {
                return null;
            }
        }
    }

    int[] validation() {
        return validation;
    }

    int[] test() {
        return test;
    }

    float[] classWeights() {
        return classWeights;
    }

    /** Examples per epoch: the training windows (balanced sampling draws as many). */
    int epochLength() {
        return train.length;
    }

    /** The training examples of {@code epoch} in order: a seeded permutation, or class-balanced draws. */
    int[] epochOrder(long seed, int epoch) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        int[] order;
        if ("sample".equals(balance)) {
            Map<Byte, List<Integer>> byClass = new LinkedHashMap<>();
            for (int i : train) {
                byClass.computeIfAbsent(examples.label(i, 0), k -> new ArrayList<>()).add(i);
            }
            List<List<Integer>> classes = new ArrayList<>(byClass.values());
            order = new int[train.length];
            for (int j = 0; j < order.length; j++) {
                List<Integer> members = classes.get(j % classes.size());
                order[j] = members.get(random.nextInt(members.size()));
            }
        } else {
            order = train.clone();
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Model inputs of examples {@code picked}. */
    InputBatch inputs(ShardInputs inputs, int[] picked) {
        int n = picked.length;
        int[] shard = new int[n];
        int[] row = new int[n];
        String[] cell = new String[n];
        for (int i = 0; i < n; i++) {
            shard[i] = examples.shard[picked[i]];
            row[i] = examples.row[picked[i]];
            cell[i] = examples.cellType[picked[i]];
        }
        return inputs.fill(shard, row, cell, n);
    }

    /** Labels of examples {@code picked}: [n * tasks]. */
    byte[] labels(int[] picked) {
        int t = examples.tasks;
        byte[] out = new byte[picked.length * t];
        for (int i = 0; i < picked.length; i++) {
            System.arraycopy(examples.labels, picked[i] * t, out, i * t, t);
        }
        return out;
    }

    /** Regression targets of examples {@code picked}, standardised; null for classification. */
    float[] standardisedTargets(int[] picked) {
        if (examples.targets == null) {
            return null;
        }
        float[] out = new float[picked.length];
        for (int i = 0; i < picked.length; i++) {
            out[i] = (float) ((examples.targets[picked[i]] - spec.targetMean()) / spec.targetStd());
        }
        return out;
    }

    /** What task-plan.json records: examples per split and class, cell types, weights. */
    Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("tasks", spec.tasks());
        d.put("head", spec.head().id());
        d.put("classes", spec.classNames());
        d.put("trainCellTypes", spec.trainCellTypes());
        d.put("testCellTypes", spec.testCellTypes());
        d.put("features", spec.featureNames());
        d.put("balance", balance);
        if (classWeights != null) {
            d.put("classWeights", classWeights);
        }
        d.put("validationCarvedFromTraining", carvedValidation);
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("train", count(train));
        counts.put("validation", count(validation));
        counts.put("test", count(test));
        d.put("examples", counts);
        return d;
    }

    /** Examples and, for classification, examples per label value of the first task. */
    Map<String, Object> count(int[] indices) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("windows", indices.length);
        if (spec.head() != HeadKind.REGRESSION) {
            Map<String, Integer> byLabel = new java.util.TreeMap<>();
            for (int i : indices) {
                byLabel.merge(Byte.toString(examples.label(i, 0)), 1, Integer::sum);
            }
            c.put("labels", byLabel);
        }
        return c;
    }
}
