package org.regbert.score;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.regbert.common.BadInputCorpus;

/** testdata/bad-inputs/score: bad VCF and region files, each refused on its line, nothing left behind. */
class ScoreBadInputCorpusTest {
    @TestFactory
    Stream<DynamicTest> everyCaseIsRefusedOnItsLine() throws Exception {
        return BadInputCorpus.tests("score", ScoreCommand::new, Map.of("model", RealModel.model().toString(),
                "chr20", StageRuns.chr20().toString()));
    }
}
