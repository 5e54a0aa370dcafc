package org.regbert.pretrain;

/**
 * The PyTorch engine settings every model stage applies before the engine starts (the engine
 * reads them once, before any NDArray exists in the JVM): offline mode unless the user set it,
 * and {@code --threads} as libtorch's intra-op threads with one inter-op thread.
 */
public final class EngineSettings {
    private EngineSettings() {
    }

    /** @param threads the stage's {@code --threads}, or null / 0 for the engine's default */
    public static void apply(Integer threads) {
        if (threads != null && threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    }
}
