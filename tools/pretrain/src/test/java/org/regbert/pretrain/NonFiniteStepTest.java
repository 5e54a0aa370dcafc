package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step whose gradient is NaN while its loss is finite (what DJL's scalar ops once caused after a
 * garbage collection, see {@link GraphScalars}) is computed again and the run goes on as if nothing had happened;
 * a step that is NaN every time stops the run. The fault is injected as a term that is 0 in the
 * forward pass and NaN in the backward pass: sqrt(0 * tokenTable) summed.
 */
class NonFiniteStepTest {
    /** EBERT whose first {@code faults} loss computations carry the NaN-gradient term. */
    static final class FaultyEbert extends EbertModel {
        int faults;
        int calls;

        FaultyEbert(PretrainConfig config, Vocabularies vocab, int faults) {
            super(config, vocab);
            this.faults = faults;
        }

        @Override
        Losses losses(NDManager manager, Batch batch, boolean training) {
            Losses losses = super.losses(manager, batch, training);
            calls++;
            if (faults > 0) {
                faults--;
                losses.total = losses.total.add(encoder.tokenTable().mul(0).sqrt().sum());
            }
            return losses;
        }
    }

    @Test
    void aTransientNaNGradientIsRecomputedAndChangesNothing(@TempDir Path dir) throws Exception {
        Setup setup = new Setup(dir);
        Engine engine = Engine.getEngine("PyTorch");
        List<float[]> clean = setup.train(engine, 0);
        List<float[]> faulty = setup.train(engine, 1);
        double largest = 0;
        for (int i = 0; i < clean.size(); i++) {
            for (int j = 0; j < clean.get(i).length; j++) {
                largest = Math.max(largest, Math.abs(clean.get(i)[j] - faulty.get(i)[j]));
                assertTrue(Float.isFinite(faulty.get(i)[j]), "parameter " + i + " holds a non-finite value");
            }
        }
        // Skipping step 2 instead would leave every weight about one Adam step (~lr = 1e-3) away.
        assertTrue(largest < 1e-5, "largest difference from the clean run " + largest);
    }

    @Test
    void aStepThatIsNaNEveryTimeStopsTheRun(@TempDir Path dir) throws Exception {
        Setup setup = new Setup(dir);
        Engine engine = Engine.getEngine("PyTorch");
        IllegalStateException stop = assertThrows(IllegalStateException.class,
                () -> setup.train(engine, 2));
        assertTrue(stop.getMessage().contains("at step 2, twice"), stop.getMessage());
    }

    /** Tiny random EBERT shards and the config the steps use. */
    private static final class Setup {
        final Path shards;
        final PretrainConfig config;

        Setup(Path dir) throws Exception {
            shards = TestShards.ebertShards(dir.resolve("ebert"), 40, 30);
            config = TinyModels.config(TinyModels.small(TinyModels.overrides("ebert", shards), 1));
        }

        /**
         * Three steps from the same initialisation; the first {@code faults} loss computations of step 2
         * carry the NaN-gradient term. Returns the parameters after step 3.
         */
        List<float[]> train(Engine engine, int faults) throws Exception {
            try (ShardCorpus corpus = new ShardCorpus(shards, config);
                    NDManager manager = NDManager.newBaseManager("PyTorch")) {
                Vocabularies vocab = TinyModels.vocabularies(corpus, "ebert");
                Sampler sampler = new Sampler(corpus, config, vocab);
                FaultyEbert model = new FaultyEbert(config, vocab, 0);
                engine.setRandomSeed(11);
                model.initializeParameters(manager, sampler.length());
                try (AdamW optimizer = new AdamW(manager, model.getParameters(), 0.01)) {
                    for (int step = 1; step <= 3; step++) {
                        if (step == 2) {
                            model.faults = faults;
                        }
                        int callsBefore = model.calls;
                        Training.StepResult result = Training.step(engine, manager, model, optimizer, config, step,
                                1e-3, sampler.trainStep(step));
                        boolean recomputed = faults > 0 && step == 2;
                        assertEquals(recomputed, result.recomputed(), "step " + step);
                        assertEquals(recomputed ? 2 : 1, model.calls - callsBefore, "forward passes in step " + step);
                        assertTrue(Double.isFinite(result.gradNorm()), "step " + step);
                    }
                    assertEquals(3, optimizer.steps(), "updates");
                    assertFalse(model.faults > 0, "the fault was used");
                    List<float[]> values = new ArrayList<>();
                    for (Pair<String, Parameter> p : model.getParameters()) {
                        values.add(p.getValue().getArray().toFloatArray());
                    }
                    return values;
                }
            }
        }
    }
}
