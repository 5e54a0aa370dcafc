package org.regbert.finetune;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.common.ToolVersion;
import org.regbert.metrics.Predictions;
import org.regbert.metrics.PredictionsFile;
import org.regbert.shards.NpyArray;
import org.regbert.shards.TokenShard;

/**
 * The end of a run: the best model's predictions for the validation and test windows
 * ({@code predictions/<task>[.<cell type>].npz}, what {@code evaluate} reads), the test figures in
 * {@code finetune-summary.json} and a model card.
 */
final class Outputs {
    static final String SUMMARY = "finetune-summary.json";
    static final String PREDICTIONS = "predictions";
    static final String CARD = "model-card.md";

    private Outputs() {
    }

    static Map<String, Object> finish(Path output, FinetuneSettings settings, TaskPlan plan,
            RunFiles.TrainerState state, List<JsonNode> metrics, ShardInputs inputs, PretrainingOverlap overlap,
            String shardsSha256) throws IOException {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("tool", "regbert finetune");
        summary.put("version", ToolVersion.get());
        summary.put("command", settings.command());
        summary.put("base", plan.spec.base());
        summary.put("task", plan.spec.name());
        summary.put("head", plan.spec.head().id());
        summary.put("pooling", plan.spec.pooling().id());
        summary.put("features", plan.spec.featureNames());
        summary.put("steps", state.step);
        if (state.budget != null) {
            summary.put("maxMinutes", state.budget.get("maxMinutes"));
            summary.put("budget", state.budget);
        }
        String warmup = state.warmupSteps != null ? state.warmupSteps + " steps"
                : settings.warmupSteps() != null ? settings.warmupSteps() + " steps"
                : settings.warmupFraction() + " of the steps";
        summary.put("schedule", "linear warm-up (" + warmup + "), then " + settings.schedule() + " decay to 0");
        summary.put("encoderLrScale", settings.encoderLrScale());
        summary.put("bestStep", state.bestStep);
        summary.put("stoppedEarly", state.stoppedEarly);
        summary.put("seconds", FinetuneRun.round(state.seconds));
        summary.put("examples", plan.describe().get("examples"));
        summary.put("pretrainingOverlap", overlap.toJson());
        Path predictions = output.resolve(PREDICTIONS);
        Path staged = output.resolve("." + PREDICTIONS + ".tmp");
        RunFiles.deleteTree(staged);
        Files.createDirectories(staged);
        try (FinetunedModel best = FinetunedModel.load(output)) {
            int batch = settings.inferenceBatchSize();
            int[] valid = plan.validation();
            int[] test = plan.test();
            float[] validScores = Validation.predict(best, inputs, plan, valid, batch);
            summary.put("validation", Validation.score(plan.spec, validScores, plan, valid).metrics());
            float[] testScores = Validation.predict(best, inputs, plan, test, batch);
            if (test.length > 0) {
                summary.put("test", Validation.score(plan.spec, testScores, plan, test).metrics());
            } else {
                summary.put("test", "no test windows (align --test holds chromosomes or regions out)");
            }
            List<String> files = new ArrayList<>();
            for (Predictions p : predictions(output.getFileName().toString(), plan, inputs, valid, validScores, test,
                    testScores)) {
                String file = fileName(p);
                PredictionsFile.write(p, staged.resolve(file));
                files.add(PREDICTIONS + "/" + file);
            }
            summary.put("predictions", files);
            summary.put(SavedPredictions.KEY, SavedPredictions.record(settings.shards(), shardsSha256));
        }
        RunFiles.deleteTree(predictions);
        RunFiles.move(staged, predictions);
        byte[] json = FinetunedModel.JSON.writeValueAsBytes(summary);
        Path tmp = output.resolve("." + SUMMARY + ".tmp");
        Files.write(tmp, json);
        RunFiles.move(tmp, output.resolve(SUMMARY));
        Files.writeString(output.resolve(CARD), card(summary, plan, overlap), StandardCharsets.UTF_8);
        return summary;
    }

    /** The file name of a task and cell type's predictions: {@code <task>[.<cell type>].npz}. */
    static String fileName(Predictions p) {
        return p.task() + (p.cellType().equals("all") ? "" : "." + p.cellType()) + ".npz";
    }

    /** One Predictions per (task, cell type) holding the validation and test windows. */
    static List<Predictions> predictions(String modelName, TaskPlan plan, ShardInputs inputs,
            int[] valid, float[] validScores, int[] test, float[] testScores) {
        return predictions(modelName, plan, inputs.shards, valid, validScores, test, testScores);
    }

    /** As above, for the examples of {@code plan} in {@code shards}. */
    static List<Predictions> predictions(String modelName, TaskPlan plan, List<TokenShard> shards,
            int[] valid, float[] validScores, int[] test, float[] testScores) {
        TaskSpec spec = plan.spec;
        int outputs = spec.outputs();
        List<String> contigNames = new ArrayList<>();
        Map<String, List<int[]>> byCell = new LinkedHashMap<>();
        for (int part = 0; part < 2; part++) {
            int[] idx = part == 0 ? valid : test;
            for (int j = 0; j < idx.length; j++) {
                byCell.computeIfAbsent(plan.examples.cellType[idx[j]], k -> new ArrayList<>()).add(new int[] {part, j});
            }
        }
        List<Predictions> out = new ArrayList<>();
        // FASTA-record windows have no genomic position: evaluate resamples records instead of genomic blocks.
        var tokenizer = shards.isEmpty() ? null : shards.get(0).manifest().tokenizer();
        Predictions.Coordinates coordinates = Predictions.Coordinates.of(tokenizer == null ? null : tokenizer.source());
        Map<Integer, WindowPlaces> placesByShard = new HashMap<>();
        for (Map.Entry<String, List<int[]>> entry : byCell.entrySet()) {
            String cell = entry.getKey();
            List<int[]> rows = entry.getValue();
            int n = rows.size();
            byte[] split = new byte[n];
            int[] contig = new int[n];
            long[] start = new long[n];
            long[] end = new long[n];
            int[] example = new int[n];
            for (int i = 0; i < n; i++) {
                int[] r = rows.get(i);
                int e = (r[0] == 0 ? valid : test)[r[1]];
                example[i] = e;
                split[i] = (byte) (r[0] == 0 ? 1 : 2);
                WindowPlaces places = placesByShard.computeIfAbsent(plan.examples.shard[e],
                        s -> WindowPlaces.of(shards.get(s)));
                int row = plan.examples.row[e];
                String name = places.names().getString(places.contig().getInt(row));
                int id = contigNames.indexOf(name);
                if (id < 0) {
                    id = contigNames.size();
                    contigNames.add(name);
                }
                contig[i] = id;
                start[i] = places.start().getLong(row);
                end[i] = places.end().getLong(row);
            }
            int heads = spec.head() == HeadKind.MULTILABEL ? outputs : 1;
            for (int k = 0; k < heads; k++) {
                int classes = spec.head() == HeadKind.MULTICLASS ? outputs : 1;
                float[] scores = new float[n * classes];
                byte[] labels = new byte[n];
                float[] targets = spec.head() == HeadKind.REGRESSION ? new float[n] : null;
                for (int i = 0; i < n; i++) {
                    int[] r = rows.get(i);
                    float[] source = r[0] == 0 ? validScores : testScores;
                    if (spec.head() == HeadKind.MULTICLASS) {
                        System.arraycopy(source, r[1] * outputs, scores, i * classes, classes);
                    } else {
                        scores[i] = source[r[1] * outputs + k];
                    }
                    labels[i] = plan.examples.label(example[i], k);
                    if (targets != null) {
                        targets[i] = plan.examples.targets[example[i]];
                    }
                }
                String task = spec.head() == HeadKind.MULTILABEL ? spec.tasks().get(k) : spec.name();
                Predictions.Kind kind = switch (spec.head()) {
                    case MULTICLASS -> Predictions.Kind.MULTICLASS;
                    case REGRESSION -> Predictions.Kind.REGRESSION;
                    default -> Predictions.Kind.BINARY;
                };
                List<String> classNames = spec.head() == HeadKind.MULTICLASS ? spec.classNames() : List.of(task);
                Predictions p = new Predictions(task, cell.isEmpty() ? "all" : cell, modelName, kind, classNames, classes,
                        scores, labels, targets, split, contig, contigNames, start, end, coordinates);
                out.add(p);
            }
        }
        return out;
    }

    private static String card(Map<String, Object> summary, TaskPlan plan, PretrainingOverlap overlap) {
        StringBuilder md = new StringBuilder();
        md.append("# Fine-tuned model: ").append(plan.spec.name()).append("\n\n");
        md.append("| | |\n| --- | --- |\n");
        md.append("| base | `").append(plan.spec.base()).append("` |\n");
        md.append("| head | ").append(plan.spec.head().id()).append(" (").append(String.join(", ", plan.spec.classNames()))
                .append("), ").append(plan.spec.pooling().id()).append(" pooling |\n");
        md.append("| task features | ").append(plan.spec.featureNames().isEmpty() ? "none"
                : String.join(", ", plan.spec.featureNames())).append(" |\n");
        md.append("| cell types | train ").append(plan.spec.trainCellTypes().isEmpty() ? "-"
                : String.join(", ", plan.spec.trainCellTypes())).append("; test ")
                .append(plan.spec.testCellTypes().isEmpty() ? "same" : String.join(", ", plan.spec.testCellTypes()))
                .append(" |\n");
        md.append("| steps | ").append(summary.get("steps")).append(" (best at ").append(summary.get("bestStep"))
                .append(summary.get("stoppedEarly").equals(Boolean.TRUE) ? ", stopped early" : "").append(") |\n");
        md.append("| examples | `").append(summary.get("examples")).append("` |\n");
        md.append("| validation | `").append(summary.get("validation")).append("` |\n");
        md.append("| test | `").append(summary.get("test")).append("` |\n");
        md.append("| pre-training overlap | ").append(overlap.describe()).append(" |\n\n");
        md.append("Command: `").append(String.join(" ", castList(summary.get("command")))).append("`\n");
        return md.toString();
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object value) {
        return value == null ? List.of() : (List<String>) value;
    }

    /** A shard's window coordinates, looked up once per shard rather than once per window. */
    private record WindowPlaces(NpyArray names, NpyArray contig, NpyArray start, NpyArray end) {
        static WindowPlaces of(TokenShard shard) {
            return new WindowPlaces(shard.array("contig_names"), shard.array("contig"), shard.array("start"),
                    shard.array("end"));
        }
    }
}
