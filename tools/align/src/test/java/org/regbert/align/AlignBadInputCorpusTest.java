package org.regbert.align;

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

/** testdata/bad-inputs/align: bad peak, label and motif files, each refused on its line, nothing left behind. */
class AlignBadInputCorpusTest {
    private static Path dir;
    private static Path shards;

    @BeforeAll
    static void shards() throws Exception {
        dir = Files.createTempDirectory("regbert-align-corpus-");
        shards = TestShards.tiledReference(dir, TestShards.sizes("chr1", 3000L), "hg19", 200, 200);
    }

    @AfterAll
    static void remove() throws Exception {
        FileTrees.delete(dir);
    }

    @TestFactory
    Stream<DynamicTest> everyCaseIsRefusedOnItsLine() throws Exception {
        return BadInputCorpus.tests("align", AlignCommand::new, Map.of("shards", shards.toString()));
    }
}
