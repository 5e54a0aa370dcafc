package org.regbert.tokenize;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.regbert.common.BadInputCorpus;

/** testdata/bad-inputs/tokenize: bad FASTA and region files, each refused on its line, nothing left behind. */
class TokenizeBadInputCorpusTest {
    @TestFactory
    Stream<DynamicTest> everyCaseIsRefusedOnItsLine() throws Exception {
        return BadInputCorpus.tests("tokenize", TokenizeCommand::new, Map.of());
    }
}
