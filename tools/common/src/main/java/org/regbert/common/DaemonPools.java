package org.regbert.common;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Worker pools of daemon threads (a stage that fails never hangs on them at exit) and the one way
 * their results are awaited: a task's own RuntimeException (a BadInputException naming the file,
 * say) reaches the caller unwrapped, as if the work had run on the calling thread.
 */
public final class DaemonPools {
    private DaemonPools() {
    }

    /** A fixed pool of {@code threads} daemon threads named {@code name}. */
    public static ExecutorService fixed(int threads, String name) {
        return Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The task's result; its RuntimeException rethrown as is.
     *
     * @param doing what the wait is for, for the message when interrupted ("tokenizing")
     */
    public static <T> T await(Future<T> future, String doing) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + doing, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
