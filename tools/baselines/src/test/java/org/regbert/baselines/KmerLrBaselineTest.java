package org.regbert.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.regbert.finetune.HeadKind;
import org.regbert.finetune.KitShards;
import org.regbert.finetune.Pooling;
import org.regbert.finetune.TaskSpec;
import org.regbert.finetune.TaskWindows;
import org.regbert.metrics.BinaryMetrics;
import org.regbert.metrics.MulticlassMetrics;
import org.regbert.metrics.Predictions;

/**
 * The baseline on kit shards made by the real stages, on the paths the promoter evaluate test does
 * not take: a multi-class task (splice donors and acceptors, multinomial) and FASTA-record shards
 * without a validation split (Oct4 vs Mafk peaks: [PAD] tokens, k and the penalty chosen on a
 * carved tenth of the training records).
 */
class KmerLrBaselineTest {

    private static TaskSpec spec(String task, HeadKind head, List<String> classes, int windowTokens) {
        return new TaskSpec(List.of(task), head, classes, Pooling.CLS, 0, null, List.of(), List.of(), false,
                windowTokens, false, List.of(), List.of(), 0, 1, "test");
    }

    /** The test-split windows with a label. */
    private static Predictions test(Predictions p) {
        Predictions test = p.select(2);
        assertTrue(test.windows() > 0, "test windows in " + p);
        return test;
    }

    @Test
    void spliceSitesGetAMultinomialModelOnTheModelsWindows() throws Exception {
        TaskSpec spec = spec("splice", HeadKind.MULTICLASS, List.of("none", "donor", "acceptor"), 126);
        KmerLrBaseline baseline = KmerLrBaseline.train(KitShards.splice(), List.of(spec), 1, System.err::println);
        assertEquals(1, baseline.predictions().size());
        Predictions p = baseline.predictions().get(0);
        assertEquals(KmerLrBaseline.NAME, p.model());
        assertEquals(Predictions.Kind.MULTICLASS, p.kind());
        try (TaskWindows windows = TaskWindows.open(KitShards.splice(), spec)) {
            assertEquals(windows.validation().length + windows.test().length, p.windows(),
                    "every validation and test example of the task, as finetune selects them");
        }
        for (int i = 0; i < p.windows(); i++) {
            double sum = p.scores()[3 * i] + p.scores()[3 * i + 1] + p.scores()[3 * i + 2];
            assertEquals(1, sum, 1e-5, "class probabilities of window " + i);
        }
        Predictions test = test(p);
        double macroAuroc = MulticlassMetrics.compute(test.scores(), 3, test.labels(), 0.5).macroAuroc();
        System.err.printf("kmer-lr splice chr20 test: macro auROC %.3f%n", macroAuroc);
        // k-mer counts ignore where in the window the GT/AG sits: a weak but real signal (0.65 here, 2026-12)
        assertTrue(macroAuroc > 0.58, "macro auROC " + macroAuroc);
        Map<String, Object> fit = baseline.fits().get(0).description();
        assertEquals("multinomial logistic regression", fit.get("model"));
        assertEquals(List.of("none", "donor", "acceptor"), fit.get("classes"));
        assertEquals("the validation split", ((Map<?, ?>) fit.get("selection")).get("on"));
    }

    @Test
    void withoutAValidationSplitATenthOfTrainingChooses() throws Exception {
        TaskSpec spec = spec("oct4", HeadKind.BINARY, List.of("oct4"), 195);
        KmerLrBaseline first = KmerLrBaseline.train(KitShards.janggu(), List.of(spec), 7, null);
        Map<String, Object> fit = first.fits().get(0).description();
        Map<?, ?> selection = (Map<?, ?>) fit.get("selection");
        assertTrue(selection.get("on").toString().startsWith("a seeded tenth of the training windows"), selection.toString());
        Predictions test = test(first.predictions().get(0));
        double auroc = BinaryMetrics.compute(test.scores(), test.labels(), 0.5).auroc();
        System.err.printf("kmer-lr Oct4 vs Mafk test: auROC %.3f (k %s)%n", auroc, fit.get("k"));
        assertTrue(auroc > 0.75, "auROC " + auroc);
        // deterministic: the same shards and seed give the same scores
        KmerLrBaseline again = KmerLrBaseline.train(KitShards.janggu(), List.of(spec), 7, null);
        assertTrue(java.util.Arrays.equals(first.predictions().get(0).scores(), again.predictions().get(0).scores()));
    }
}
