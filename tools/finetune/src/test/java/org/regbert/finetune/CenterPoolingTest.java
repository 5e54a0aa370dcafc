package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.regbert.common.BadInputException;
import org.regbert.pretrain.PretrainedModel;
import org.regbert.pretrain.SequenceEncoder;
import org.regbert.shards.KmerVocabulary;

/**
 * {@code --pooling center}: the head reads the hidden state of the window's middle token. The
 * kit's windows hold 126 tokens at positions 1..126 behind [CLS]; the middle of an even count is
 * rounded down, so the state read is row 63. A window cut short to 100 tokens ([SEP] at 101, [PAD]
 * after) is read at row 50. Both rows are worked out here by hand and taken from the full encoder.
 */
class CenterPoolingTest {

    @Test
    void theVectorIsTheMiddleTokensStateInFullAndShortenedWindows() throws Exception {
        Path shards = KitShards.promoter();
        try (PretrainedModel model = PromoterPoolingSetup.scratchModel(shards);
                NDManager manager = model.model().getNDManager().newSubManager()) {
            TaskSpec spec = PromoterPoolingSetup.promoterTask(model, Pooling.CENTER);
            FinetuneBlock block = new FinetuneBlock(model.block(), spec, model.hiddenSize(), 0.0, false);
            try (ShardInputs inputs = new ShardInputs(shards, spec, model)) {
                InputBatch batch = inputs.fill(new int[] {0, 0}, new int[] {0, 1}, new String[] {"DHS", "DHS"}, 2);
                NDList in = batch.toNDList(manager);
                NDArray tokens = in.get(InputBatch.TOKENS);
                long length = tokens.getShape().get(1);
                assertEquals(128, length, "[CLS] + 126 tokens + [SEP]");
                SequenceEncoder encoder = model.encoder();
                ParameterStore store = new ParameterStore(manager, false);

                NDArray full = encoder.apply(tokens, in.get(InputBatch.STATES), null, false, false);
                NDArray pooled = block.pooled(store, in, false);
                assertEquals(new Shape(2, model.hiddenSize()), pooled.getShape());
                assertArrayEquals(full.get(":, 63, :").toFloatArray(), pooled.toFloatArray(), 1e-5f);

                // Row 1 shortened: tokens 101.. become [SEP] then [PAD]; its states go with them.
                int[] ids = tokens.toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
                int[] states = in.get(InputBatch.STATES).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
                int row = (int) length;
                ids[row + 101] = KmerVocabulary.SEP;
                states[row + 101] = 0;
                for (int p = 102; p < length; p++) {
                    ids[row + p] = KmerVocabulary.PAD;
                    states[row + p] = 0;
                }
                NDArray shortTokens = manager.create(ids, new Shape(2, length)).toType(tokens.getDataType(), false);
                NDArray shortStates = manager.create(states, new Shape(2, length))
                        .toType(in.get(InputBatch.STATES).getDataType(), false);
                shortTokens.setName(InputBatch.TOKENS);
                shortStates.setName(InputBatch.STATES);
                NDList shortened = new NDList(shortTokens, shortStates);
                NDArray padded = encoder.apply(shortTokens, shortStates, null, true, false);
                NDArray pooledShort = block.pooled(store, shortened, false);
                assertArrayEquals(padded.get("0, 63, :").toFloatArray(), pooledShort.get(0).toFloatArray(), 1e-5f);
                assertArrayEquals(padded.get("1, 50, :").toFloatArray(), pooledShort.get(1).toFloatArray(), 1e-5f);
            }
        }
    }

    @Test
    void anUnknownPoolingNamesTheChoices() {
        assertEquals(Pooling.CENTER, Pooling.parse("center"));
        BadInputException e = assertThrows(BadInputException.class, () -> Pooling.parse("max"));
        assertTrue(e.getMessage().contains("center"), e.getMessage());
    }
}
