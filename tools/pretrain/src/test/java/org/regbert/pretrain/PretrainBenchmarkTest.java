package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's summary of ours/peer pairs: their median, then each pair in run order. */
class PretrainBenchmarkTest {
    @Test
    void pairsReportTheirMedianThenEachRatioInRunOrder() {
        assertEquals("median 1.02 of pairs 0.98 1.05 1.02", PretrainBenchmark.pairs(List.of(0.98, 1.05, 1.02)));
        assertEquals("median 1.00 of pairs 1.10 0.90 0.95 1.05",
                PretrainBenchmark.pairs(List.of(1.10, 0.90, 0.95, 1.05)));
        assertEquals("no pairs", PretrainBenchmark.pairs(List.of()), "--repeats 0");
    }
}
