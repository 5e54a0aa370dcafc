package org.regbert.evaluate;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.regbert.common.BadInputCorpus;

/**
 * testdata/bad-inputs/evaluate: bad outputs, models, submissions and baselines, each refused naming the
 * file (and line) or option, nothing left behind. {model}: {@link TinyModel}, {shards}: its shards.
 */
class EvaluateBadInputCorpusTest {
    @TestFactory
    Stream<DynamicTest> everyCaseIsRefused() throws Exception {
        return BadInputCorpus.tests("evaluate", EvaluateCommand::new, Map.of("model", TinyModel.model().toString(),
                "shards", TinyModel.shards().toString()));
    }
}
