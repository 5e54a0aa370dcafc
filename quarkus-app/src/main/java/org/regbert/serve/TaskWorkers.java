package org.regbert.serve;

import io.quarkus.arc.Unremovable;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that carry the tasks of one reference side by side (bean {@code taskWorkers}, the
 * executor of the task split in route {@code stage-finished}): {@code regbert.serve.task-workers} of
 * them, shared by all lanes, the tasks beyond that queued in order. A branch only carries its task's
 * chain (finetune, evaluate, score); each stage runs on the worker pool ({@code regbert.serve.workers},
 * {@link StageRunner}) while the branch waits. So the two bounds compose without a deadlock: the run that
 * splits holds no worker while its branches wait for one (its own stage has ended), a worker never waits
 * for anything, and a branch never splits into tasks again (only align and pretrain lead to the split).
 */
@Singleton
public class TaskWorkers {
    @Produces
    @Singleton
    @Named("taskWorkers")
    @Unremovable
    ExecutorService taskWorkers(ServeSettings settings) {
        int threads = Math.max(1, settings.taskWorkers());
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "regbert-task-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    void stop(@Disposes @Named("taskWorkers") ExecutorService pool) {
        pool.shutdownNow();
    }
}
