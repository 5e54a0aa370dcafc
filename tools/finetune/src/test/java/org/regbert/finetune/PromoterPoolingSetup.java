package org.regbert.finetune;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import org.regbert.pretrain.PretrainedModel;

/**
 * What the pooling tests share: a fresh tiny EBERT (seed 3) on the kit's promoter shards and the
 * binary promoter task read with a given pooling, DHS as the state's cell type, 126-token windows.
 */
final class PromoterPoolingSetup {
    private PromoterPoolingSetup() {
    }

    static PretrainedModel scratchModel(Path shards) throws Exception {
        return PretrainedModel.fromScratch(shards, "ebert", "tiny", 3, Device.cpu());
    }

    static TaskSpec promoterTask(PretrainedModel model, Pooling pooling) {
        return new TaskSpec(List.of("promoter"), HeadKind.BINARY, List.of("promoter"), pooling, 8,
                model.vocabularies().stateArray(), List.of(), List.of(), false, 126, false, List.of("DHS"), List.of(),
                0, 1, "test");
    }
}
