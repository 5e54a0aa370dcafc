package org.regbert.pretrain;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Arrays;

/** Small EBERT/GeneBERT configurations and vocabularies over {@link TestShards}' random shards, for step-level tests. */
final class TinyModels {
    private TinyModels() {
    }

    /** 40 random windows of 30 tokens for MODEL (GeneBERT's with motif matrices) under DIR/MODEL. */
    static Path shards(Path dir, String model) throws java.io.IOException {
        return model.equals("ebert") ? TestShards.ebertShards(dir.resolve(model), 40, 30)
                : TestShards.geneBertShards(dir.resolve(model), 40, 30);
    }

    /** Config overrides for MODEL on SHARDS: batches of 4 windows, 32 positions (callers add what they vary). */
    static ObjectNode overrides(String model, Path shards) {
        ObjectNode overrides = ConfigLoader.JSON.createObjectNode();
        overrides.put("model", model);
        overrides.putObject("training").put("batchSize", 4);
        overrides.putObject("architecture").put("maxLength", 32);
        overrides.putObject("data").put("shards", shards.toString());
        return overrides;
    }

    /** A small transformer: LAYERS layers of width 32, 2 heads, FFN 64. */
    static ObjectNode small(ObjectNode overrides, int layers) {
        ((ObjectNode) overrides.get("architecture")).put("layers", layers).put("hidden", 32).put("heads", 2)
                .put("intermediate", 64);
        return overrides;
    }

    static PretrainConfig config(ObjectNode overrides) {
        return ConfigLoader.resolve(ConfigLoader.JSON.createObjectNode(), overrides, null);
    }

    /** The vocabularies a run of MODEL builds from CORPUS (GeneBERT: no motif standardisation). */
    static Vocabularies vocabularies(ShardCorpus corpus, String model) {
        boolean ebert = model.equals("ebert");
        int motifs = ebert ? 0 : corpus.motifNames().size();
        float[] ones = new float[motifs];
        Arrays.fill(ones, 1f);
        return new Vocabularies(corpus.vocabulary(), corpus.k(), corpus.manifest().specialTokens(),
                corpus.windowTokens(), true, ebert ? corpus.stateArray() : null, ebert ? corpus.stateVocabulary() : null,
                ebert ? corpus.cellTypes() : null, ebert ? null : corpus.motifNames(), ebert ? 0 : corpus.regions(),
                ebert ? null : new float[motifs], ebert ? null : ones, null);
    }

    /** A model of CONFIG's kind on its shards, initialised from SEED, with its corpus, vocabularies and sampler. */
    static final class Setup implements AutoCloseable {
        final ShardCorpus corpus;
        final NDManager manager;
        final Vocabularies vocab;
        final Sampler sampler;
        final PretrainingModel model;

        Setup(PretrainConfig config, int seed) throws java.io.IOException {
            corpus = new ShardCorpus(Path.of(config.data.shards), config);
            manager = NDManager.newBaseManager("PyTorch");
            vocab = vocabularies(corpus, config.model);
            sampler = new Sampler(corpus, config, vocab);
            model = PretrainingModel.create(config, vocab);
            ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(seed);
            model.initializeParameters(manager, sampler.length());
        }

        @Override
        public void close() throws Exception {
            try (ShardCorpus c = corpus) {
                manager.close();
            }
        }
    }
}
