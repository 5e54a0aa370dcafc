package org.regbert.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.regbert.common.ToolVersion;
import org.regbert.shards.ShardManifest;

/**
 * The model card of a finished run, as JSON (for tools) and Markdown (for people): what data the
 * model saw, its config, how long it trained, and its final training and held-out losses next to
 * the unigram k-mer baseline.
 */
final class ModelCard {
    static final String JSON_FILE = "model-card.json";
    static final String MARKDOWN_FILE = "model-card.md";

    private ModelCard() {
    }

    static Map<String, Object> build(PretrainConfig config, Vocabularies vocab, ShardCorpus corpus, long parameters,
            PretrainRun.TrainerState state, Map<String, Double> eval, double entropy, double unigramCe,
            List<JsonNode> records, List<String> command, double dataFraction, PretrainingWindows trained) {
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("format", "regbert-model-card");
        card.put("formatVersion", 1);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", config.model);
        model.put("description", config.isGeneBert()
                ? "GeneBERT (Mo et al. 2021): sequence encoder over k-mers + region encoder over the TF x region motif"
                        + " matrix; masked sequence modelling, masked region modelling, sequence-region matching"
                : "EBERT (Trotter et al. 2021): BERT over overlapping k-mers, each token embedded with its cell type's"
                        + " chromatin state; DNABERT-style masked-LM");
        model.put("preset", config.preset);
        model.put("architecture", config.architecture);
        model.put("parameters", parameters);
        card.put("model", model);
        Map<String, Object> data = new LinkedHashMap<>();
        ShardManifest m = corpus.manifest();
        data.put("shards", Path.of(config.data.shards).toAbsolutePath().normalize().toString());
        data.put("shardFiles", corpus.shardCount());
        data.put("assembly", m.assembly());
        data.put("k", vocab.k());
        data.put("windowTokens", vocab.windowTokens());
        data.put("sequenceTokens", Math.min(vocab.windowTokens(), config.architecture.maxLength - 2) + 2);
        data.put("trainWindows", corpus.trainWindows());
        data.put("heldOutWindows", corpus.validWindows());
        data.put("testWindowsExcluded", corpus.testWindows());
        data.put("holdout", corpus.holdout());
        // What finetune and evaluate check their test windows against (also pretraining-windows.json in each checkpoint).
        data.put("trainingIntervals", trained != null ? trained
                : "not recorded: resumed from a checkpoint that recorded no training windows");
        if (vocab.states() != null) {
            data.put("stateArray", vocab.stateArray());
            data.put("states", vocab.states());
            data.put("cellTypes", vocab.cellTypes());
        }
        if (vocab.motifNames() != null) {
            data.put("motifs", vocab.motifNames().size());
            data.put("regionsPerWindow", vocab.regions());
        }
        data.put("maskRate", config.data.maskRate);
        data.put("spanBases", config.data.spanBases);
        if (config.data.stateDropout > 0) {
            data.put("stateDropout", config.data.stateDropout);
        }
        if (config.data.predictDroppedStates) {
            data.put("predictDroppedStates", true);
        }
        if (m.provenance() != null) {
            data.put("tokenizeCommand", m.provenance().command());
            data.put("inputs", m.provenance().inputs());
        }
        if (m.annotations() != null && m.annotations().containsKey("align")) {
            data.put("alignProvenance", m.annotations().get("align"));
        }
        card.put("data", data);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("steps", state.step);
        if (config.training.maxMinutes != null) {
            training.put("maxMinutes", config.training.maxMinutes);
        }
        if (state.budget != null) {
            training.put("budget", state.budget);
        }
        training.put("batchSize", config.training.batchSize);
        training.put("accumulation", config.training.accumulation);
        training.put("optimizer", "AdamW");
        training.put("learningRate", config.training.learningRate);
        training.put("warmupSteps", config.warmupSteps());
        training.put("schedule", "linear warm-up, then " + config.training.schedule + " decay to 0");
        training.put("weightDecay", config.training.weightDecay);
        training.put("clipNorm", config.training.clipNorm);
        training.put("seed", config.training.seed);
        training.put("sequencesSeen", state.samples);
        training.put("tokensSeen", state.tokens);
        training.put("trainingSeconds", Math.round(state.seconds * 10) / 10.0);
        training.put("dataWaitFraction", Math.round(dataFraction * 1e4) / 1e4);
        card.put("training", training);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("finalTrainingLosses", finalTraining(records));
        results.put("heldOut", eval);
        results.put("unigramKmerEntropy", entropy);
        results.put("unigramHeldOutCrossEntropy", unigramCe);
        card.put("results", results);
        card.put("command", command);
        card.put("regbertVersion", ToolVersion.get());
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        card.put("created", epoch != null && epoch.matches("\\d+") ? Instant.ofEpochSecond(Long.parseLong(epoch)).toString()
                : Instant.now().toString());
        return card;
    }

    /** Mean of each training loss over the last 50 steps (or all, when fewer). */
    private static Map<String, Double> finalTraining(List<JsonNode> records) {
        List<JsonNode> train = new ArrayList<>();
        for (JsonNode r : records) {
            if ("train".equals(r.path("type").asText())) {
                train.add(r);
            }
        }
        List<JsonNode> tail = train.subList(Math.max(0, train.size() - 50), train.size());
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (JsonNode r : tail) {
            for (String key : List.of("loss", "mlm", "state", "msm", "mrm", "srm")) {
                if (r.path(key).isNumber()) {
                    double[] s = sums.computeIfAbsent(key, k -> new double[2]);
                    s[0] += r.get(key).asDouble();
                    s[1]++;
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        sums.forEach((k, s) -> out.put(k, s[0] / s[1]));
        return out;
    }

    static void write(Path dir, Map<String, Object> card) throws IOException {
        Files.write(dir.resolve(JSON_FILE), ConfigLoader.JSON.writeValueAsBytes(card));
        Files.writeString(dir.resolve(MARKDOWN_FILE), markdown(card), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> card) {
        Map<String, Object> model = (Map<String, Object>) card.get("model");
        Map<String, Object> data = (Map<String, Object>) card.get("data");
        Map<String, Object> training = (Map<String, Object>) card.get("training");
        Map<String, Object> results = (Map<String, Object>) card.get("results");
        PretrainConfig.Architecture a = (PretrainConfig.Architecture) model.get("architecture");
        StringBuilder md = new StringBuilder();
        md.append("# regbert model card: ").append(model.get("type")).append(" (").append(model.get("preset"))
                .append(")\n\n").append(model.get("description")).append(".\n\n");
        md.append("## Model\n\n");
        md.append(String.format(Locale.ROOT, "| layers | hidden | heads | intermediate | dropout | max length | parameters |%n"
                + "| --- | --- | --- | --- | --- | --- | --- |%n| %d | %d | %d | %d | %s | %d | %,d |%n%n", a.layers,
                a.hidden, a.heads, a.intermediate, a.dropout, a.maxLength, (Long) model.get("parameters")));
        md.append("## Data\n\n");
        for (String key : List.of("shards", "assembly", "k", "windowTokens", "sequenceTokens", "trainWindows",
                "heldOutWindows", "testWindowsExcluded", "holdout", "stateArray", "states", "cellTypes", "motifs",
                "regionsPerWindow", "maskRate", "spanBases", "stateDropout", "predictDroppedStates", "tokenizeCommand")) {
            if (data.containsKey(key)) {
                md.append("- ").append(key).append(": ").append(value(data.get(key))).append('\n');
            }
        }
        if (data.get("trainingIntervals") instanceof PretrainingWindows w) {
            md.append(String.format(Locale.ROOT, "- trainingIntervals: %d merged intervals on %d contigs, %,d bp%s (%s)%n",
                    w.intervalCount(), w.intervals().size(), w.bases(), w.coordinateLessWindows() > 0 ? "; "
                            + w.coordinateLessWindows() + " windows without coordinates" : "", PretrainingWindows.FILE));
        } else if (data.containsKey("trainingIntervals")) {
            md.append("- trainingIntervals: ").append(data.get("trainingIntervals")).append('\n');
        }
        md.append("\n## Training\n\n");
        training.forEach((k, v) -> md.append("- ").append(k).append(": ").append(value(v)).append('\n'));
        md.append("\n## Results\n\n| measure | value |\n| --- | --- |\n");
        ((Map<String, Double>) results.get("finalTrainingLosses")).forEach((k, v) -> md.append(
                String.format(Locale.ROOT, "| training %s (last 50 steps) | %.4f |%n", k, v)));
        ((Map<String, Double>) results.get("heldOut")).forEach((k, v) -> md.append(
                String.format(Locale.ROOT, "| held-out %s | %.4f |%n", k, v)));
        md.append(String.format(Locale.ROOT, "| unigram k-mer entropy (nats) | %.4f |%n| unigram held-out cross-entropy"
                + " | %.4f |%n%n", (Double) results.get("unigramKmerEntropy"),
                (Double) results.get("unigramHeldOutCrossEntropy")));
        md.append("Loss curve: loss.svg; per-step metrics: metrics.jsonl.\n\n");
        md.append("Command: `").append(String.join(" ", (List<String>) card.get("command"))).append("`  \n");
        md.append("regbert ").append(card.get("regbertVersion")).append(", ").append(card.get("created")).append('\n');
        return md.toString();
    }

    private static String value(Object v) {
        if (v instanceof List<?> list) {
            return list.size() > 12 ? list.subList(0, 12) + " ... (" + list.size() + ")" : list.toString();
        }
        return String.valueOf(v);
    }
}
