package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reference's latest model when tasks fine-tuned side by side finish in any order
 * ({@link FinetuneStage#register}): worked by hand from the rule "of the models one run makes, the task
 * listed last (labels first aligned last); a later run's model replaces it".
 */
class LatestModelTest {
    static final Path RUNS = Path.of("/root/runs");

    /** Tasks a, b, c labelled in that order; no model yet. */
    static ReferenceState labelled() {
        ReferenceState r = new ReferenceState();
        for (String task : List.of("a", "b", "c")) {
            r.labelled.put(task, "/shards/" + task);
        }
        return r;
    }

    static void finish(ReferenceState r, String run, String task) {
        FinetuneStage.register(r, task, RUNS.resolve(run).resolve("finetune-" + task).toString(), "/shards/" + task,
                RUNS.resolve(run));
    }

    @Test
    void ofOneRunsTasksTheOneListedLastIsLatestWhateverOrderTheyFinishIn() {
        // all 6 finishing orders of a, b, c in run r1: c is listed last, so c's model is the latest each time
        List<List<String>> orders = List.of(List.of("a", "b", "c"), List.of("a", "c", "b"), List.of("b", "a", "c"),
                List.of("b", "c", "a"), List.of("c", "a", "b"), List.of("c", "b", "a"));
        for (List<String> order : orders) {
            ReferenceState r = labelled();
            order.forEach(task -> finish(r, "r1", task));
            assertEquals("/root/runs/r1/finetune-c", r.model, order.toString());
            assertEquals("c", r.modelTask, order.toString());
            assertEquals(3, r.finetuned.size(), "every model registered");
        }
    }

    @Test
    void aTaskNotFineTunedLeavesTheLatestToTheOneListedLastOfThoseThatWere() {
        // c rejected in r1: of a and b, b is listed last, finishing first or not
        ReferenceState r = labelled();
        finish(r, "r1", "b");
        finish(r, "r1", "a");
        assertEquals("b", r.modelTask);
    }

    @Test
    void aLaterRunsModelReplacesTheLatestEvenOfATaskListedEarlier() {
        ReferenceState r = labelled();
        finish(r, "r1", "c");
        finish(r, "r1", "a");
        assertEquals("c", r.modelTask);
        // new labels of a, fine-tuned in run r2: a's new model is the latest (as one after another gave)
        finish(r, "r2", "a");
        assertEquals("/root/runs/r2/finetune-a", r.model);
        assertEquals("a", r.modelTask);
        // and within r2, b (listed after a) takes over from a
        finish(r, "r2", "b");
        assertEquals("b", r.modelTask);
    }
}
