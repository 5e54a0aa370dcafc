package org.regbert.pretrain;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One JVM-wide turn for what a training does with the PyTorch engine's shared state: reseeding its
 * generator and the random draws that follow (parameter initialisation; a step's forward pass with its
 * dropout), and a step's gradient collection and update (DJL allows one gradient collector at a time per
 * JVM: "A PtGradientCollector is already collecting"). Trainings that run side by side in one JVM (the
 * service's workers: two references, or two tasks of one reference) take turns step by step (the lock is
 * fair); their batches, validation, checkpoints and everything else run at once. Each draws from the
 * generator what it would alone, so its model is, bit for bit, the one the same run makes alone
 * (finetune's SideBySideTest).
 */
public final class EngineSteps {
    private static final ReentrantLock TURN = new ReentrantLock(true);

    private EngineSteps() {
    }

    /** Runs WORK (reseeding the engine and what draws from it, or one optimiser step) in the JVM's one turn. */
    public static <T> T inTurn(Supplier<T> work) {
        TURN.lock();
        try {
            return work.get();
        } finally {
            TURN.unlock();
        }
    }
}
