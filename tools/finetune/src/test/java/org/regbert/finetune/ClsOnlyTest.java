package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.regbert.pretrain.PretrainedModel;
import org.regbert.pretrain.SequenceEncoder;

/**
 * The [CLS]-only last layer the [CLS]-pooled heads use gives the full encoder's row 0: the
 * shortcut changes the cost, not the result (padded and unpadded windows, ALiBi on).
 */
class ClsOnlyTest {

    @Test
    void clsOnlyEqualsRowZeroOfTheFullEncoder() throws Exception {
        Path shards = KitShards.promoter();
        try (PretrainedModel model = PromoterPoolingSetup.scratchModel(shards);
                NDManager manager = model.model().getNDManager().newSubManager()) {
            TaskSpec spec = PromoterPoolingSetup.promoterTask(model, Pooling.CLS);
            try (ShardInputs inputs = new ShardInputs(shards, spec, model)) {
                InputBatch batch = inputs.fill(new int[] {0, 0, 0, 0}, new int[] {0, 1, 2, 3},
                        new String[] {"DHS", "DHS", "DHS", "DHS"}, 4);
                NDList in = batch.toNDList(manager);
                SequenceEncoder encoder = model.encoder();
                for (boolean padded : new boolean[] {false, true}) {
                    NDArray full = encoder.apply(in.get(InputBatch.TOKENS), in.get(InputBatch.STATES), null, padded, false);
                    NDArray cls = encoder.applyCls(in.get(InputBatch.TOKENS), in.get(InputBatch.STATES), null, padded,
                            false);
                    assertEquals(2, cls.getShape().dimension());
                    assertArrayEquals(full.get(":, 0, :").toFloatArray(), cls.toFloatArray(), 1e-5f);
                }
            }
        }
    }
}
