package org.regbert.finetune;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.regbert.shards.ShardSet;

/**
 * Which shards a finetune run's {@code predictions/} were made on: the run records the shards'
 * {@link ShardSet#sha256 digest} in finetune-summary.json under {@value #KEY}, so that
 * {@code evaluate --shards} on the very same shards reads them instead of predicting every window
 * again (on promoter's 102,105 test windows, about a minute per tiny model on 2 cores).
 */
public final class SavedPredictions {
    /** The finetune-summary.json key: {@code {"path": the shards, "sha256": their digest}}. */
    public static final String KEY = "predictedShards";

    private SavedPredictions() {
    }

    /** The summary's record of the shards the predictions were made on ({@code sha256}: their digest). */
    static Map<String, Object> record(Path shards, String sha256) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("path", shards.toAbsolutePath().normalize().toString());
        record.put("sha256", sha256);
        return record;
    }

    /**
     * Whether {@code modelDir}'s saved predictions are what predicting on shards with digest
     * {@code shardsSha256} would give: made on the same shards, and (when validation windows are
     * scored too) with align's validation split rather than windows carved from training.
     */
    public static boolean madeOn(Path modelDir, String shardsSha256, boolean scoresValidation) {
        Path summary = modelDir.resolve(Outputs.SUMMARY);
        if (!Files.isRegularFile(summary) || !Files.isDirectory(modelDir.resolve(Outputs.PREDICTIONS))) {
            return false;
        }
        try {
            JsonNode recorded = FinetunedModel.JSON.readTree(summary.toFile()).path(KEY).path("sha256");
            if (!recorded.isTextual() || !recorded.asText().equals(shardsSha256)) {
                return false;
            }
            if (scoresValidation) {
                Path plan = modelDir.resolve(RunFiles.TASK_PLAN);
                return Files.isRegularFile(plan) && !FinetunedModel.JSON.readTree(plan.toFile())
                        .path("validationCarvedFromTraining").asBoolean(true);
            }
            return true;
        } catch (IOException e) {
            return false; // an unreadable record: the model predicts, as without one
        }
    }
}
