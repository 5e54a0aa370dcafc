package org.regbert.score;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.regbert.finetune.HeadKind;
import org.regbert.finetune.Pooling;
import org.regbert.finetune.TaskSpec;

/** File and INFO-key names for models with one or several output columns. */
class OutputNamesTest {
    private static TaskSpec spec(List<String> columns) {
        return new TaskSpec(List.of("splice"), columns.size() == 1 ? HeadKind.BINARY : HeadKind.MULTICLASS, columns,
                Pooling.CLS, 64, "peaks", List.of(), List.of(), false, 126, false, List.of("DHS"), List.of(), 0, 1,
                "scratch:ebert:tiny");
    }

    @Test
    void severalColumnsGetOneBedGraphEachAndSuffixedKeys() {
        TaskSpec three = spec(List.of("none", "donor", "acceptor"));
        assertEquals("out.donor.bedGraph.gz", ScoreRun.columnFile("out.bedGraph.gz", three, 1));
        assertEquals("out.acceptor.bg", ScoreRun.columnFile("out.bg", three, 2));
        assertEquals("RB_DIFF_donor", new VcfAnnotator(three).key("RB_DIFF", 1));
        TaskSpec one = spec(List.of("promoter"));
        assertEquals("out.bedGraph", ScoreRun.columnFile("out.bedGraph", one, 0));
        assertEquals("RB_DIFF", new VcfAnnotator(one).key("RB_DIFF", 0));
        assertEquals("gwas.scored", ScoreSummary.stem("gwas.scored.vcf.gz"));
    }
}
