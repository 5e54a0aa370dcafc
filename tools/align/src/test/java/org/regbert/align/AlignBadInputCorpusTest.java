package org.regbert.align;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.BadInputCorpus;

/** testdata/bad-inputs/align: bad peak, label and motif files, each refused on its line, nothing left behind. */
class AlignBadInputCorpusTest {
    @TempDir
    static Path dir;
    private static Path shards;

    @BeforeAll
    static void shards() throws Exception {
        shards = TestShards.tiledReference(dir, TestShards.sizes("chr1", 3000L), "hg19", 200, 200);
    }

    @TestFactory
    Stream<DynamicTest> everyCaseIsRefusedOnItsLine() throws Exception {
        return BadInputCorpus.tests("align", AlignCommand::new, Map.of("shards", shards.toString()));
    }
}
