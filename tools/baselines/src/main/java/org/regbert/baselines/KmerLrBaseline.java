package org.regbert.baselines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.regbert.common.BadInputException;
import org.regbert.finetune.HeadKind;
import org.regbert.finetune.TaskSpec;
import org.regbert.finetune.TaskWindows;
import org.regbert.metrics.Predictions;

/**
 * {@code evaluate --baseline kmer-lr}: an L2-regularised linear model on k-mer counts of each
 * window's bases, trained on the training split of the same labelled shards the fine-tuned models
 * are evaluated on, and predicting the same validation and test windows, so its rows sit in the
 * same tables and paired comparisons.
 *
 * <p>Per task (a fine-tuned model's {@link TaskSpec}: its labels, head and cell types): logistic
 * regression for a binary task, one per label for multi-label, multinomial for multi-class, ridge
 * for regression. Labels and splits are finetune's ({@link TaskWindows}: {@code label_<task>} or
 * per-cell-type {@code label_<task>.<cell type>}, ambiguous and unsampled windows left out).
 * Sequence is all a k-mer model reads, so it is trained per cell type where labels are per cell
 * type, on every training cell type for a held-out one, and once where labels are shared.
 *
 * <p>k (3..6) and the penalty are chosen on the validation split (average precision, macro for
 * multi-class, R^2 for regression); shards without validation windows lend a seeded tenth of the
 * training windows instead, and the report says so. The model kept is the fit on the training
 * windows alone, as finetune keeps the model that validation chose.
 */
public final class KmerLrBaseline {
    /** The name of its model rows. */
    public static final String NAME = "kmer-lr";

    /** One fitted baseline: the rows it predicts and how it was chosen (the report's {@code baseline} object). */
    public record Fit(String task, String cellType, Map<String, Object> description) {
    }

    private final List<Predictions> predictions = new ArrayList<>();
    private final List<Fit> fits = new ArrayList<>();
    private final long seed;
    private final KmerSearch.Grid grid;
    private final Consumer<String> progress;

    private KmerLrBaseline(long seed, KmerSearch.Grid grid, Consumer<String> progress) {
        this.seed = seed;
        this.grid = grid;
        this.progress = progress;
    }

    /**
     * Trains the baseline for each task of {@code specs} (later specs of a task already done are
     * skipped) on {@code shards} and predicts their validation and test windows.
     *
     * @param seed seeds the validation windows carved from training when the shards have none
     * @param progress receives one line per step (null: silent)
     */
    public static KmerLrBaseline train(Path shards, List<TaskSpec> specs, long seed, Consumer<String> progress) {
        return train(shards, specs, seed, KmerSearch.Grid.DEFAULT, progress);
    }

    static KmerLrBaseline train(Path shards, List<TaskSpec> specs, long seed, KmerSearch.Grid grid,
            Consumer<String> progress) {
        KmerLrBaseline baseline = new KmerLrBaseline(seed, grid, progress);
        Set<String> done = new LinkedHashSet<>();
        for (TaskSpec spec : specs) {
            if (done.add(spec.name())) {
                baseline.run(shards, spec);
            }
        }
        return baseline;
    }

    /** Predictions named {@link #NAME}, one per task (label) and cell type, on the models' windows. */
    public List<Predictions> predictions() {
        return List.copyOf(predictions);
    }

    public List<Fit> fits() {
        return List.copyOf(fits);
    }

    /**
     * Adds each fit's description as a {@code baseline} object to the {@value #NAME} model rows of an
     * evaluate report ({@code tasks[].models[]}, matched by task and cell type).
     */
    public void annotate(Path reportJson) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode root = json.readTree(reportJson.toFile());
        for (JsonNode task : root.path("tasks")) {
            for (Fit fit : fits) {
                if (!fit.task().equals(task.path("task").asText()) || !fit.cellType().equals(task.path("cellType").asText())) {
                    continue;
                }
                for (JsonNode model : task.path("models")) {
                    if (NAME.equals(model.path("model").asText()) && model instanceof ObjectNode row) {
                        row.set("baseline", json.valueToTree(fit.description()));
                    }
                }
            }
        }
        Files.write(reportJson, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    /** What the report's inputs list says about the baseline. */
    public static String describeInput(Path shards) {
        return NAME + "=k-mer (3..6) linear models trained on the training split of "
                + shards.toAbsolutePath().normalize();
    }

    private void run(Path shards, TaskSpec spec) {
        try (TaskWindows windows = TaskWindows.open(shards, spec)) {
            WindowBases bases = new WindowBases(windows.shards());
            int outputs = spec.outputs();
            int[] validation = windows.validation();
            int[] test = windows.test();
            float[] validationScores = new float[validation.length * outputs];
            float[] testScores = new float[test.length * outputs];
            Map<String, List<String>> groups = groups(windows, validation, test);
            int labelColumns = spec.head() == HeadKind.MULTILABEL ? outputs : 1;
            for (int column = 0; column < labelColumns; column++) {
                for (Map.Entry<String, List<String>> group : groups.entrySet()) {
                    Set<String> trainCells = trainingCells(windows, group.getKey());
                    Trained trained = fit(windows, bases, column, trainCells, validation, group.getValue());
                    for (String cell : group.getValue()) {
                        fits.add(new Fit(spec.head() == HeadKind.MULTILABEL ? spec.tasks().get(column) : spec.name(),
                                cell.isEmpty() ? "all" : cell, trained.description));
                    }
                    Set<String> cells = Set.copyOf(group.getValue());
                    score(windows, bases, trained, column, cells, validation, validationScores);
                    score(windows, bases, trained, column, cells, test, testScores);
                }
            }
            predictions.addAll(windows.predictions(NAME, validationScores, testScores));
        }
    }

    /**
     * The evaluated cell types (those of validation and test examples) by the training set that
     * serves them: shared labels train once; per-cell-type labels train per cell type; held-out cell
     * types share a model trained on every training cell type.
     */
    private static Map<String, List<String>> groups(TaskWindows windows, int[] validation, int[] test) {
        Set<String> evaluated = new LinkedHashSet<>();
        for (int[] part : new int[][] {validation, test}) {
            for (int i : part) {
                evaluated.add(windows.cellType(i));
            }
        }
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String cell : evaluated) {
            String key = !windows.spec().perCellTypeLabels() ? SHARED : windows.heldOut(cell) ? HELD_OUT : "cell:" + cell;
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(cell);
        }
        return groups;
    }

    private static final String SHARED = "shared";
    private static final String HELD_OUT = "held-out";

    private static Set<String> trainingCells(TaskWindows windows, String group) {
        if (group.equals(SHARED)) {
            // Labels are the same for every cell type: one cell type's windows are every window once.
            return Set.of(windows.trainCellTypes().get(0));
        }
        if (group.equals(HELD_OUT)) {
            return new LinkedHashSet<>(windows.trainCellTypes());
        }
        return Set.of(group.substring("cell:".length()));
    }

    /** A chosen model, the classes its outputs stand for (multi-class) and the report's description. */
    private record Trained(LinearModel model, int k, int[] classes, Map<String, Object> description) {
    }

    private Trained fit(TaskWindows windows, WindowBases bases, int column, Set<String> trainCells, int[] validation,
            List<String> servedCells) {
        long started = System.nanoTime();
        TaskSpec spec = windows.spec();
        HeadKind head = spec.head();
        String label = (head == HeadKind.MULTILABEL ? spec.tasks().get(column) : spec.name()) + "/"
                + String.join(",", servedCells.stream().map(c -> c.isEmpty() ? "all" : c).toList());
        List<Integer> train = known(windows, windows.train(trainCells), column);
        List<Integer> select = new ArrayList<>();
        for (int i : known(windows, validation, column)) {
            if (trainCells.contains(windows.cellType(i))) {
                select.add(i);
            }
        }
        LinearLoss loss = switch (head) {
            case BINARY, MULTILABEL -> LinearLoss.LOGISTIC;
            case MULTICLASS -> LinearLoss.SOFTMAX;
            case REGRESSION -> LinearLoss.SQUARED;
        };
        int[] classes = loss == LinearLoss.SOFTMAX ? presentClasses(windows, train, column) : new int[0];
        checkTrainable(windows, train, column, loss, classes, label);
        boolean carved = !usable(windows, select, column, loss, classes);
        if (carved) {
            // No (usable) validation split: a seeded tenth of the training windows chooses k and the penalty.
            SplittableRandom random = new SplittableRandom(seed ^ 0x5EEDL);
            List<Integer> keep = new ArrayList<>();
            select = new ArrayList<>();
            for (int i : train) {
                (random.nextInt(10) == 0 ? select : keep).add(i);
            }
            train = keep;
            if (loss == LinearLoss.SOFTMAX) {
                classes = presentClasses(windows, train, column);
            }
            checkTrainable(windows, train, column, loss, classes, label);
        }
        KmerSearch.Examples trainExamples = examples(windows, bases, train, column, loss, classes);
        KmerSearch.Examples selectExamples = examples(windows, bases, select, column, loss, classes);
        say(String.format(Locale.ROOT, "%s: %s on %,d training windows, k and l2 chosen on %,d %s", label,
                loss.description(), train.size(), select.size(), carved ? "training windows held out (no validation split)"
                        : "validation windows"));
        KmerSearch.Outcome outcome = KmerSearch.search(trainExamples, selectExamples, loss,
                loss == LinearLoss.SOFTMAX ? classes.length : 1, grid, null);
        double seconds = (System.nanoTime() - started) / 1e9;
        say(String.format(Locale.ROOT, "%s: k %d, l2 %.0e (validation %s %.4f), %d fits in %.1f s", label, outcome.k(),
                outcome.lambda(), outcome.criterion(), outcome.score(), outcome.grid().size(), seconds));
        return new Trained(outcome.model(), outcome.k(), classes, describe(outcome, loss, train.size(), select.size(),
                carved, trainCells, classes, spec, seconds));
    }

    private Map<String, Object> describe(KmerSearch.Outcome outcome, LinearLoss loss, int trainWindows,
            int selectWindows, boolean carved, Set<String> trainCells, int[] classes, TaskSpec spec, double seconds) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", NAME);
        d.put("model", loss.description());
        d.put("features", "counts of the overlapping k-mers of the window's bases, standardised on the training windows");
        d.put("k", outcome.k());
        d.put("l2", outcome.lambda());
        d.put("C", 1 / (trainWindows * outcome.lambda()));
        if (loss == LinearLoss.SOFTMAX) {
            List<String> names = new ArrayList<>();
            for (int c : classes) {
                names.add(spec.classNames().get(c));
            }
            d.put("classes", names);
        }
        d.put("trainWindows", trainWindows);
        d.put("trainCellTypes", trainCells.stream().map(c -> c.isEmpty() ? "all" : c).toList());
        Map<String, Object> selection = new LinkedHashMap<>();
        selection.put("criterion", outcome.criterion());
        selection.put("on", carved ? "a seeded tenth of the training windows (the shards have no usable validation split)"
                : "the validation split");
        selection.put("windows", selectWindows);
        selection.put("value", finite(outcome.score()));
        List<Map<String, Object>> points = new ArrayList<>();
        for (KmerSearch.Candidate c : outcome.grid()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("k", c.k());
            p.put("l2", c.lambda());
            p.put("value", finite(c.score()));
            p.put("converged", c.converged());
            points.add(p);
        }
        selection.put("grid", points);
        d.put("selection", selection);
        d.put("fit", "the training windows alone, with the chosen k and l2 (validation windows only choose them)");
        d.put("seconds", Math.round(seconds * 100) / 100.0);
        return d;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Examples of {@code candidates} whose label for {@code column} is known (and target finite for regression). */
    private static List<Integer> known(TaskWindows windows, int[] candidates, int column) {
        boolean regression = windows.spec().head() == HeadKind.REGRESSION;
        List<Integer> out = new ArrayList<>();
        for (int i : candidates) {
            if (windows.label(i, column) >= 0 && (!regression || Float.isFinite(windows.target(i)))) {
                out.add(i);
            }
        }
        return out;
    }

    /** Classes present in the training windows: the softmax has one output per present class. */
    private static int[] presentClasses(TaskWindows windows, List<Integer> train, int column) {
        Set<Integer> present = new java.util.TreeSet<>();
        for (int i : train) {
            present.add((int) windows.label(i, column));
        }
        return present.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void checkTrainable(TaskWindows windows, List<Integer> train, int column, LinearLoss loss,
            int[] classes, String label) {
        String problem = null;
        if (loss == LinearLoss.LOGISTIC) {
            long positives = train.stream().filter(i -> windows.label(i, column) > 0).count();
            if (positives == 0 || positives == train.size()) {
                problem = "its " + train.size() + " training windows are all " + (positives == 0 ? "negative" : "positive");
            }
        } else if (loss == LinearLoss.SOFTMAX && classes.length < 2) {
            problem = "its " + train.size() + " training windows hold fewer than two classes";
        } else if (train.size() < 2) {
            problem = "it has " + train.size() + " training windows";
        }
        if (problem != null) {
            throw new BadInputException("--baseline " + NAME + ": cannot train on task " + label + ": " + problem
                    + " (align's split 0 holds the training windows)");
        }
    }

    /** Whether the validation examples can rank the grid: both classes, a class with both, or varying targets. */
    private static boolean usable(TaskWindows windows, List<Integer> select, int column, LinearLoss loss, int[] classes) {
        if (select.isEmpty()) {
            return false;
        }
        return switch (loss) {
            case LOGISTIC -> {
                long positives = select.stream().filter(i -> windows.label(i, column) > 0).count();
                yield positives > 0 && positives < select.size();
            }
            case SOFTMAX -> {
                boolean any = false;
                for (int c : classes) {
                    long members = select.stream().filter(i -> windows.label(i, column) == c).count();
                    any |= members > 0 && members < select.size();
                }
                yield any;
            }
            case SQUARED -> select.stream().mapToDouble(windows::target).distinct().count() > 1;
        };
    }

    private static KmerSearch.Examples examples(TaskWindows windows, WindowBases bases, List<Integer> picked,
            int column, LinearLoss loss, int[] classes) {
        List<byte[]> sequences = new ArrayList<>(picked.size());
        double[] targets = new double[picked.size()];
        for (int j = 0; j < picked.size(); j++) {
            int i = picked.get(j);
            sequences.add(bases.bases(windows.shard(i), windows.row(i)));
            targets[j] = switch (loss) {
                case LOGISTIC -> windows.label(i, column) > 0 ? 1 : 0;
                case SOFTMAX -> classIndex(classes, windows.label(i, column));
                case SQUARED -> windows.target(i);
            };
        }
        return new KmerSearch.Examples(sequences, targets);
    }

    /** Position of {@code label} among the trained classes, -1 for a class training never saw. */
    private static int classIndex(int[] classes, int label) {
        return java.util.Arrays.binarySearch(classes, label);
    }

    /** Scores the examples of {@code part} whose cell type is in {@code cells} into {@code out} [part * outputs]. */
    private static void score(TaskWindows windows, WindowBases bases, Trained trained, int column, Set<String> cells,
            int[] part, float[] out) {
        int outputs = windows.spec().outputs();
        KmerCounter counter = new KmerCounter(trained.k());
        KmerCounter.Row row = new KmerCounter.Row();
        double[] scores = new double[trained.model().outputs()];
        for (int j = 0; j < part.length; j++) {
            int i = part[j];
            if (!cells.contains(windows.cellType(i))) {
                continue;
            }
            byte[] sequence = bases.bases(windows.shard(i), windows.row(i));
            trained.model().score(counter.count(sequence, 0, sequence.length, row), scores);
            if (trained.model().loss() == LinearLoss.SOFTMAX) {
                // Classes the training windows lacked keep probability 0.
                for (int c = 0; c < trained.classes().length; c++) {
                    out[j * outputs + trained.classes()[c]] = (float) scores[c];
                }
            } else {
                out[j * outputs + column] = (float) scores[0];
            }
        }
    }

    private void say(String line) {
        if (progress != null) {
            progress.accept(NAME + " " + line);
        }
    }
}
