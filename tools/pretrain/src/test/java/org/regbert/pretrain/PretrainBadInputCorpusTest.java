package org.regbert.pretrain;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.regbert.common.BadInputCorpus;
import org.regbert.common.FileTrees;

/** testdata/bad-inputs/pretrain: bad configs and settings, each refused naming what is wrong, nothing left behind. */
class PretrainBadInputCorpusTest {
    private static Path dir;
    private static Path shards;

    @BeforeAll
    static void shards() throws Exception {
        dir = Files.createTempDirectory("regbert-pretrain-corpus-");
        shards = TestShards.ebertShards(dir, 40, 30);
    }

    @AfterAll
    static void remove() throws Exception {
        FileTrees.delete(dir);
    }

    @TestFactory
    Stream<DynamicTest> everyCaseIsRefused() throws Exception {
        return BadInputCorpus.tests("pretrain", PretrainCommand::new, Map.of("shards", shards.toString()));
    }
}
