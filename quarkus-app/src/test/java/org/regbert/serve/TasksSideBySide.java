package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the tasks of one run do to their reference side by side, all in the run's one transaction, checked
 * on a reference store (files: ReferenceUndoTest; PostgreSQL: JdbcReferencesIT): 8 threads register 25
 * models each, keep the before-image of the same two waiting VCF records, and each tries to claim (take
 * out of the pending list) both VCFs, as route stage-finished does before scoring one. Worked by hand: 200
 * models registered, none lost; each VCF claimed exactly once in all; one image per record handed back
 * by the rollback, which puts the reference back exactly as it was before the transaction.
 */
final class TasksSideBySide {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TasksSideBySide() {
    }

    static void check(References refs, String id) throws Exception {
        refs.update("setup-" + id, id, r -> {
            r.labelled.put("a", "/shards/a");
            r.labelled.put("b", "/shards/b");
            r.pendingVcfs.add(new ReferenceState.Pending("vcf-1", "/in/1.vcf"));
            r.pendingVcfs.add(new ReferenceState.Pending("vcf-2", "/in/2.vcf"));
        });
        refs.commit("setup-" + id);
        String before = JSON.writeValueAsString(refs.load(id));
        String tx = "tasks-" + id;
        int threads = 8;
        int changes = 25;
        AtomicInteger[] claims = {new AtomicInteger(), new AtomicInteger()};
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                go.await();
                for (int k = 0; k < changes; k++) {
                    String model = "t" + thread + "-" + k;
                    refs.update(tx, id, r -> r.finetuned.put(model, "/runs/" + model));
                    if (k == thread) {  // the threads reach the VCFs at different points of their changes
                        for (int v = 1; v <= 2; v++) {
                            RunRecord waiting = new RunRecord();
                            waiting.id = "vcf-" + v;
                            waiting.status = "waiting";
                            refs.rememberRecord(tx, waiting);
                            String vcf = waiting.id;
                            boolean[] claimed = {false};
                            refs.update(tx, id, r -> claimed[0] = r.pendingVcfs.removeIf(p -> p.runId.equals(vcf)));
                            if (claimed[0]) {
                                claims[v - 1].incrementAndGet();
                            }
                        }
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        ReferenceState after = refs.load(id);
        assertEquals(threads * changes, after.finetuned.size(), "every model registered");
        assertEquals(1, claims[0].get(), "vcf-1 claimed once");
        assertEquals(1, claims[1].get(), "vcf-2 claimed once");
        assertTrue(after.pendingVcfs.isEmpty(), "both claimed");

        List<String> handedBack = Collections.synchronizedList(new ArrayList<>());
        refs.rollback(tx, json -> {
            try {
                handedBack.add(JSON.readValue(json, RunRecord.class).id);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Collections.sort(handedBack);
        assertEquals(List.of("vcf-1", "vcf-2"), handedBack, "one image per record");
        assertEquals(before, JSON.writeValueAsString(refs.load(id)), "as before the transaction");
        assertTrue(refs.open().isEmpty(), "nothing left open");
    }
}
