package org.regbert.finetune;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.regbert.common.BadInputCorpus;

/**
 * testdata/bad-inputs/finetune: bad checkpoints, shards, tasks and learning rates, each refused naming
 * the folder, file or option, nothing left behind. {shards}: the janggu Oct4 shards (label_oct4).
 */
class FinetuneBadInputCorpusTest {
    @TestFactory
    Stream<DynamicTest> everyCaseIsRefused() throws Exception {
        return BadInputCorpus.tests("finetune", FinetuneCommand::new, Map.of("shards", KitShards.janggu().toString()));
    }
}
