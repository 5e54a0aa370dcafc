package org.regbert.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.regbert.common.BadInputException;
import org.regbert.common.Timestamps;
import org.regbert.common.ToolVersion;

/**
 * Turns predictions into an {@link EvaluationReport}: predictions are grouped by task and cell
 * type; within a group every model must score the same windows, the first model is the baseline
 * and every other one is compared with it by a paired bootstrap (one set of resamples for all
 * models, so differences are paired). Resamples draw genomic blocks within each held-out contig
 * ({@link ResamplingBlocks}), or FASTA records when the windows are records.
 */
public final class Evaluator {
    /**
     * @param split the split evaluated: 2 test (default), 1 validation, 0 train, −1 all windows
     * @param threshold decision threshold for accuracy, precision, recall, F1 and MCC
     */
    public record Settings(int split, double threshold, Bootstrap.Settings bootstrap) {
        public static final Settings DEFAULT = new Settings(2, BinaryMetrics.DEFAULT_THRESHOLD,
                Bootstrap.Settings.DEFAULT);
    }

    private Evaluator() {
    }

    /**
     * @param inputs what the predictions were read from, for the report's provenance
     * @throws BadInputException when two models of one task and cell type disagree on the windows,
     *     or one model name appears twice
     */
    public static EvaluationReport evaluate(List<Predictions> predictions, List<String> inputs, Settings settings) {
        Map<String, List<Predictions>> groups = new LinkedHashMap<>();
        for (Predictions p : predictions) {
            groups.computeIfAbsent(p.task() + "\u0000" + p.cellType(), k -> new ArrayList<>()).add(p.select(settings.split()));
        }
        poolWithLabelScope(groups);
        List<TaskResult> tasks = new ArrayList<>();
        for (List<Predictions> group : groups.values()) {
            tasks.add(evaluateGroup(group, settings));
        }
        return new EvaluationReport(settings, ToolVersion.get(), Timestamps.created(), List.copyOf(inputs),
                List.copyOf(tasks));
    }

    /**
     * Labels without cell types are scoped "all"; a model that read one cell type's states for them
     * (EBERT with DHS states) reports that cell type, yet predicts the very windows and labels of the
     * models that read none. Such a group joins the task's "all" group (as cell type "all"), so it is
     * compared with them; a group whose windows or labels differ stays on its own.
     */
    private static void poolWithLabelScope(Map<String, List<Predictions>> groups) {
        for (String key : new ArrayList<>(groups.keySet())) {
            String task = key.substring(0, key.indexOf('\u0000'));
            List<Predictions> shared = groups.get(task + "\u0000all");
            List<Predictions> mine = groups.get(key);
            if (shared == null || shared == mine || !mine.stream().allMatch(p -> shared.get(0).windowMismatch(p) == null)) {
                continue;
            }
            mine.forEach(p -> shared.add(p.withCellType("all")));
            groups.remove(key);
        }
    }

    private static TaskResult evaluateGroup(List<Predictions> group, Settings settings) {
        Predictions first = group.get(0);
        List<String> names = new ArrayList<>();
        for (Predictions p : group) {
            if (names.contains(p.model())) {
                throw new BadInputException("model '" + p.model() + "' appears twice for " + first.task() + "/"
                        + first.cellType() + "; give each predictions file its own model name");
            }
            names.add(p.model());
            String mismatch = first.windowMismatch(p);
            if (mismatch != null) {
                throw new BadInputException("models '" + first.model() + "' and '" + p.model() + "' of "
                        + first.task() + "/" + first.cellType() + " are not on the same windows: " + mismatch);
            }
        }
        int[] kept = keptWindows(first);
        boolean records = group.stream().anyMatch(p -> p.coordinates() == Predictions.Coordinates.FASTA_RECORDS);
        ResamplingBlocks blocks = records ? ResamplingBlocks.records(contigIds(first, kept))
                : ResamplingBlocks.genomic(contigIds(first, kept), starts(first, kept), settings.bootstrap().blockBases());
        Bootstrap bootstrap = new Bootstrap(blocks, settings.bootstrap());

        List<ModelResult> bare = new ArrayList<>();
        List<Map<String, ToDoubleFunction<int[]>>> statistics = new ArrayList<>();
        List<ToDoubleFunction<int[]>> all = new ArrayList<>();
        for (Predictions p : group) {
            Scored scored = score(p, kept, settings.threshold());
            bare.add(scored.result);
            statistics.add(scored.statistics);
            all.addAll(scored.statistics.values());
        }
        double[][] replicates = settings.bootstrap().iterations() > 0 ? bootstrap.replicates(all) : null;

        List<ModelResult> models = new ArrayList<>();
        int row = 0;
        List<Map<String, double[]>> byModel = new ArrayList<>();
        for (int m = 0; m < bare.size(); m++) {
            ModelResult result = bare.get(m);
            Map<String, ConfidenceInterval> intervals = new LinkedHashMap<>();
            Map<String, double[]> mine = new HashMap<>();
            for (String metric : statistics.get(m).keySet()) {
                if (replicates != null) {
                    mine.put(metric, replicates[row]);
                    intervals.put(metric, bootstrap.interval(replicates[row], result.headline().get(metric)));
                }
                row++;
            }
            byModel.add(mine);
            models.add(new ModelResult(result.model(), result.kind(), result.binary(), result.multiclass(),
                    result.regression(), intervals));
        }
        List<Comparison> comparisons = new ArrayList<>();
        // Every pair (earlier row as the baseline): the first model against the rest, and also e.g. a
        // pre-trained model against the from-scratch one and against the k-mer baseline in one report.
        for (int base = 0; base < models.size(); base++) {
            ModelResult baseline = models.get(base);
            for (int m = base + 1; m < models.size(); m++) {
                for (String metric : statistics.get(m).keySet()) {
                    if (!statistics.get(base).containsKey(metric)) {
                        continue;
                    }
                    double a = baseline.headline().get(metric);
                    double b = models.get(m).headline().get(metric);
                    PairedDifference difference = replicates == null
                            ? new PairedDifference(b - a, Double.NaN, Double.NaN, settings.bootstrap().level(), Double.NaN,
                                    0, 0)
                            : bootstrap.difference(byModel.get(base).get(metric), byModel.get(m).get(metric), b - a);
                    comparisons.add(new Comparison(metric, baseline.model(), models.get(m).model(), a, b, difference));
                }
            }
        }
        return new TaskResult(first.task(), first.cellType(), first.kind(), first.classNames(), first.windows(),
                first.windows() - kept.length, ClassCounts.of(first), blocks.unit(), blocks.blocks(), blocks.strata(),
                List.copyOf(models),
                List.copyOf(comparisons));
    }

    /** Windows with a usable label: label ≥ 0 (and a finite target for regression). */
    private static int[] keptWindows(Predictions p) {
        return java.util.stream.IntStream.range(0, p.windows())
                .filter(i -> p.labels()[i] >= 0 && (p.targets() == null || Float.isFinite(p.targets()[i])))
                .toArray();
    }

    private static int[] contigIds(Predictions p, int[] kept) {
        Map<String, Integer> ids = new HashMap<>();
        int[] contig = new int[kept.length];
        for (int k = 0; k < kept.length; k++) {
            contig[k] = ids.computeIfAbsent(p.contigNames().get(p.contig()[kept[k]]), name -> ids.size());
        }
        return contig;
    }

    private static long[] starts(Predictions p, int[] kept) {
        long[] start = new long[kept.length];
        for (int k = 0; k < kept.length; k++) {
            start[k] = p.start()[kept[k]];
        }
        return start;
    }

    private record Scored(ModelResult result, Map<String, ToDoubleFunction<int[]>> statistics) {
    }

    /** Metrics on the kept windows, and the resampled statistics (weights over kept windows). */
    private static Scored score(Predictions p, int[] kept, double threshold) {
        Map<String, ToDoubleFunction<int[]>> statistics = new LinkedHashMap<>();
        int classes = p.classes();
        int excluded = p.windows() - kept.length;
        switch (p.kind()) {
            case BINARY -> {
                double[] scores = new double[kept.length];
                boolean[] positive = new boolean[kept.length];
                for (int k = 0; k < kept.length; k++) {
                    scores[k] = p.scores()[kept[k]];
                    positive[k] = checkedBinary(p, kept[k]);
                }
                BinaryMetrics metrics = BinaryMetrics.compute(scores, positive, threshold, excluded);
                Ranking ranking = new Ranking(scores, positive);
                statistics.put("auroc", ranking::auroc);
                statistics.put("auprc", ranking::davisGoadrich);
                statistics.put("averagePrecision", ranking::averagePrecision);
                return new Scored(new ModelResult(p.model(), p.kind(), metrics, null, null, Map.of()), statistics);
            }
            case MULTICLASS -> {
                float[] scores = new float[kept.length * classes];
                byte[] labels = new byte[kept.length];
                List<Ranking> rankings = new ArrayList<>();
                for (int k = 0; k < kept.length; k++) {
                    System.arraycopy(p.scores(), kept[k] * classes, scores, k * classes, classes);
                    labels[k] = p.labels()[kept[k]];
                }
                MulticlassMetrics metrics = MulticlassMetrics.compute(scores, classes, labels, threshold);
                for (int c = 0; c < classes; c++) {
                    double[] column = new double[kept.length];
                    boolean[] positive = new boolean[kept.length];
                    for (int k = 0; k < kept.length; k++) {
                        column[k] = scores[k * classes + c];
                        positive[k] = labels[k] == c;
                    }
                    rankings.add(new Ranking(column, positive));
                }
                statistics.put("macroAuroc", w -> macro(rankings, r -> r.auroc(w)));
                statistics.put("macroAuprc", w -> macro(rankings, r -> r.davisGoadrich(w)));
                statistics.put("macroAveragePrecision", w -> macro(rankings, r -> r.averagePrecision(w)));
                ModelResult result = new ModelResult(p.model(), p.kind(), null, metrics, null, Map.of());
                return new Scored(result, statistics);
            }
            default -> {
                double[] predicted = new double[kept.length];
                double[] measured = new double[kept.length];
                for (int k = 0; k < kept.length; k++) {
                    predicted[k] = p.scores()[kept[k]];
                    measured[k] = p.targets()[kept[k]];
                }
                RegressionMetrics metrics = RegressionMetrics.compute(predicted, measured);
                statistics.put("pearson", w -> RegressionMetrics.pearson(expand(predicted, w), expand(measured, w)));
                statistics.put("spearman", w -> RegressionMetrics.compute(expand(predicted, w), expand(measured, w)).spearman());
                return new Scored(new ModelResult(p.model(), p.kind(), null, null, metrics, Map.of()), statistics);
            }
        }
    }

    private static boolean checkedBinary(Predictions p, int i) {
        byte label = p.labels()[i];
        if (label > 1) {
            throw new BadInputException("binary task " + p.task() + " has label " + label + " at " + p.describe(i)
                    + "; multi-class labels need kind multiclass");
        }
        return label == 1;
    }

    private static double macro(List<Ranking> rankings, ToDoubleFunction<Ranking> metric) {
        double sum = 0;
        int defined = 0;
        for (Ranking r : rankings) {
            double value = metric.applyAsDouble(r);
            if (!Double.isNaN(value)) {
                sum += value;
                defined++;
            }
        }
        return defined == 0 ? Double.NaN : sum / defined;
    }

    /** The resample as a plain array: value i repeated weights[i] times. */
    private static double[] expand(double[] values, int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        double[] out = new double[total];
        int k = 0;
        for (int i = 0; i < values.length; i++) {
            for (int j = 0; j < weights[i]; j++) {
                out[k++] = values[i];
            }
        }
        return out;
    }
}
