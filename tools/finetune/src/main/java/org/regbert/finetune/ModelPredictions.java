package org.regbert.finetune;

import java.nio.file.Path;
import java.util.List;
import org.regbert.metrics.Predictions;

/**
 * A fine-tuned model's predictions for the validation and test windows of labelled shards, one
 * {@link Predictions} per task and cell type: what {@code evaluate} scores and compares.
 */
public final class ModelPredictions {
    private ModelPredictions() {
    }

    /**
     * @param shards align's shards with the model's labels (and its state / feature / motif arrays)
     * @param modelName the name the report gives the model
     */
    public static List<Predictions> predict(FinetunedModel model, Path shards, String modelName, int batchSize) {
        try (ShardInputs inputs = new ShardInputs(shards, model.spec(), model.encoder())) {
            TaskPlan plan = TaskPlan.forEvaluation(model.spec(), inputs);
            float[] valid = Validation.predict(model, inputs, plan, plan.validation(), batchSize);
            float[] test = Validation.predict(model, inputs, plan, plan.test(), batchSize);
            return Outputs.predictions(modelName, plan, inputs, plan.validation(), valid, plan.test(), test);
        }
    }

    /** The file name {@code finetune} gives these predictions under {@code predictions/}. */
    public static String fileName(Predictions p) {
        return Outputs.fileName(p);
    }
}
