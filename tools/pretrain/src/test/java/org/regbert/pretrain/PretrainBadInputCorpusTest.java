package org.regbert.pretrain;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.BadInputCorpus;

/** testdata/bad-inputs/pretrain: bad configs and settings, each refused naming what is wrong, nothing left behind. */
class PretrainBadInputCorpusTest {
    @TempDir
    static Path dir;
    private static Path shards;

    @BeforeAll
    static void shards() throws Exception {
        shards = TestShards.ebertShards(dir, 40, 30);
    }

    @TestFactory
    Stream<DynamicTest> everyCaseIsRefused() throws Exception {
        return BadInputCorpus.tests("pretrain", PretrainCommand::new, Map.of("shards", shards.toString()));
    }
}
