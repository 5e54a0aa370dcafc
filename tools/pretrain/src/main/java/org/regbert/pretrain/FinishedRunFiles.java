package org.regbert.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files a finished run leaves beside its checkpoints: the model card (JSON and Markdown, copies
 * of those in the last checkpoint) and the loss plot (rendered from metrics.jsonl). They are written
 * after the last checkpoint, so a run killed in between has its model but not these; --resume then
 * writes them instead of training ({@link #missing}).
 */
final class FinishedRunFiles {
    private FinishedRunFiles() {
    }

    /** Writes the card and plot of a run that has just written its last checkpoint. */
    static void write(Path output, PretrainConfig config, long step, Map<String, Object> card, List<JsonNode> records)
            throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(ModelCard.JSON_FILE, ConfigLoader.JSON.writeValueAsBytes(card));
        files.put(ModelCard.MARKDOWN_FILE, ModelCard.markdown(card).getBytes(StandardCharsets.UTF_8));
        files.put(LossPlot.FILE, lossPlot(config, step, records).getBytes(StandardCharsets.UTF_8));
        write(output, files);
    }

    /**
     * True when the run's last checkpoint is its final one (it holds the model card) but the output
     * lacks the files made from it, or holds others (cut short by a kill).
     */
    static boolean missing(Path output, Path lastCheckpoint, PretrainConfig config, List<JsonNode> records)
            throws IOException {
        if (!Files.isRegularFile(lastCheckpoint.resolve(ModelCard.JSON_FILE))) {
            return false;
        }
        for (Map.Entry<String, byte[]> file : fromCheckpoint(lastCheckpoint, config, records).entrySet()) {
            Path present = output.resolve(file.getKey());
            if (!Files.isRegularFile(present) || !Arrays.equals(Files.readAllBytes(present), file.getValue())) {
                return true;
            }
        }
        return false;
    }

    /** Writes what {@link #missing} found missing: the checkpoint's card, byte for byte, and the plot. */
    static void finish(Path output, Path lastCheckpoint, PretrainConfig config, List<JsonNode> records)
            throws IOException {
        write(output, fromCheckpoint(lastCheckpoint, config, records));
    }

    private static Map<String, byte[]> fromCheckpoint(Path lastCheckpoint, PretrainConfig config,
            List<JsonNode> records) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(ModelCard.JSON_FILE, Files.readAllBytes(lastCheckpoint.resolve(ModelCard.JSON_FILE)));
        files.put(ModelCard.MARKDOWN_FILE, Files.readAllBytes(lastCheckpoint.resolve(ModelCard.MARKDOWN_FILE)));
        files.put(LossPlot.FILE, lossPlot(config, Checkpoints.step(lastCheckpoint), records)
                .getBytes(StandardCharsets.UTF_8));
        return files;
    }

    /** Each file through a temporary name, so a kill leaves each whole or absent. */
    private static void write(Path output, Map<String, byte[]> files) throws IOException {
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path temporary = output.resolve("." + file.getKey() + ".tmp");
            Files.write(temporary, file.getValue());
            Files.move(temporary, output.resolve(file.getKey()), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** The loss curve; the unigram line is the one the eval records carry, so a rerun draws the same bytes. */
    static String lossPlot(PretrainConfig config, long step, List<JsonNode> records) {
        Double unigram = null;
        for (JsonNode r : records) {
            if (r.has("unigramCrossEntropy")) {
                unigram = r.get("unigramCrossEntropy").asDouble();
            }
        }
        boolean geneBert = config.isGeneBert();
        return LossPlot.render("regbert pretrain: " + config.model + " (" + config.preset + "), " + step + " steps",
                records, geneBert ? List.of("loss", "msm", "mrm", "srm") : List.of("loss", "mlm", "state"),
                geneBert ? List.of("msm", "mrm", "srm") : List.of("mlm", "state"), unigram);
    }
}
