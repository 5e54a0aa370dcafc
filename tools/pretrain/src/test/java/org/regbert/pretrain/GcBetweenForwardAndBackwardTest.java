package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A garbage collection between forward and backward must not change a gradient. DJL 0.35's
 * {@code NDArray.mul(Number)} (and div, maximum) let the collector free the constant that libtorch's
 * backward still reads ({@link GraphScalars}); this provokes exactly that: a collection, time for
 * the JVM's cleaner to free direct buffers, then thousands of fresh NaN-filled direct buffers that
 * take their place in the allocator, all after forward and before backward.
 */
class GcBetweenForwardAndBackwardTest {

    /** Collect, let freed direct buffers be released, and refill small allocations with NaN (kept until backward). */
    static List<ByteBuffer> collectAndReuseFreedMemory() throws InterruptedException {
        System.gc();
        Thread.sleep(200);
        List<ByteBuffer> filler = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            filler.add(ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).putFloat(0, Float.NaN));
        }
        return filler;
    }

    /** The gradient of sum(op(x)) with a collection (and reuse of freed memory) before backward. */
    private static float[] gradient(float[] values, Function<NDArray, NDArray> op) throws InterruptedException {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray x = manager.create(values);
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray y = op.apply(x).sum();
                List<ByteBuffer> filler = collectAndReuseFreedMemory();
                collector.backward(y);
                assertEquals(20_000, filler.size());
            }
            return x.getGradient().toFloatArray();
        }
    }

    @Test
    void graphScalarsKeepTheirConstantThroughACollection() throws Exception {
        float[] x = {-2f, -0.5f, 0.25f, 3f};
        // d(3x)/dx = 3; d(x/4)/dx = 0.25; d max(x, 0)/dx = 0 below 0, 1 above (all exact in float)
        for (int round = 0; round < 3; round++) {
            assertArrayEquals(new float[] {3f, 3f, 3f, 3f}, gradient(x, a -> GraphScalars.mul(a, 3)), "mul");
            assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, gradient(x, a -> GraphScalars.div(a, 4)), "div");
            assertArrayEquals(new float[] {0f, 0f, 1f, 1f}, gradient(x, a -> GraphScalars.maximum(a, 0)), "maximum");
        }
    }

    @Test
    void modelGradientsAreTheSameWithACollectionBeforeBackward(@TempDir Path dir) throws Exception {
        for (String name : new String[] {"ebert", "genebert"}) {
            Path shards = TinyModels.shards(dir, name);
            PretrainConfig config = TinyModels.config(TinyModels.small(TinyModels.overrides(name, shards), 2));
            Engine engine = Engine.getEngine("PyTorch");
            try (TinyModels.Setup setup = new TinyModels.Setup(config, 11)) {
                NDManager manager = setup.manager;
                PretrainingModel model = setup.model;
                Batch batch = setup.sampler.trainStep(1)[0];
                List<float[]> clean = gradients(engine, manager, model, batch, false);
                for (int round = 0; round < 3; round++) {
                    List<float[]> collected = gradients(engine, manager, model, batch, true);
                    for (int i = 0; i < clean.size(); i++) {
                        float[] a = clean.get(i);
                        float[] b = collected.get(i);
                        double scale = 0;
                        double largest = 0;
                        for (int j = 0; j < a.length; j++) {
                            assertTrue(Float.isFinite(b[j]), name + " parameter " + i + ": a non-finite gradient");
                            scale = Math.max(scale, Math.abs(a[j]));
                            largest = Math.max(largest, Math.abs((double) a[j] - b[j]));
                        }
                        // two libtorch threads may differ in the last bits; a freed constant gives garbage or NaN
                        assertTrue(largest <= 1e-5 * scale + 1e-12, name + " parameter " + i + ": gradients differ by "
                                + largest + " (largest gradient " + scale + ")");
                    }
                }
            }
        }
    }

    /**
     * One forward and backward of the model's training loss (the engine reseeded: the same dropout
     * each time), with a collection and reuse of freed memory in between when COLLECT; the gradients.
     */
    private static List<float[]> gradients(Engine engine, NDManager manager, PretrainingModel model, Batch batch,
            boolean collect) throws InterruptedException {
        List<float[]> out = new ArrayList<>();
        try (NDManager step = manager.newSubManager()) {
            engine.setRandomSeed(5);
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray loss = model.losses(step, batch, true).total;
                List<ByteBuffer> filler = collect ? collectAndReuseFreedMemory() : List.of();
                collector.backward(loss);
                assertEquals(collect ? 20_000 : 0, filler.size());
            }
            for (Pair<String, Parameter> p : model.getParameters()) {
                NDArray gradient = p.getValue().getArray().getGradient();
                out.add(gradient.toFloatArray());
                gradient.set(new ai.djl.ndarray.index.NDIndex("..."), 0);
                gradient.close();
            }
        }
        return out;
    }
}
