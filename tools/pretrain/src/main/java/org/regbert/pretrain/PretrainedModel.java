package org.regbert.pretrain;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.regbert.common.BadInputException;
import org.regbert.shards.KmerVocabulary;

/**
 * A pre-trained model loaded from a checkpoint, for the later stages (finetune, score):
 *
 * <pre>{@code
 * try (PretrainedModel pretrained = PretrainedModel.load(Path.of("runs/ebert"))) {   // or .../checkpoints/step-N
 *     PretrainingModel block = pretrained.block();          // a DJL block; its forward pass is the encoder
 *     try (NDManager m = pretrained.model().getNDManager().newSubManager()) {
 *         NDArray hidden = pretrained.encode(m, windows, states, cellTypes);   // [B, S, H], [CLS] at 0
 *     }
 * }
 * }</pre>
 *
 * The parameters (float32, {@code parameters.npz}, NumPy-readable) are assigned to freshly built
 * blocks of the saved config, so a checkpoint predicts exactly what the model that wrote it did.
 */
public final class PretrainedModel implements AutoCloseable {
    private final Path checkpoint;
    private final PretrainConfig config;
    private final Vocabularies vocabularies;
    private final Model model;
    private final PretrainingModel block;
    private final long step;
    /** The windows the encoder was pre-trained on; null when not recorded (older checkpoints, from scratch). */
    private final PretrainingWindows pretrainingWindows;

    private PretrainedModel(Path checkpoint, PretrainConfig config, Vocabularies vocabularies, Model model,
            PretrainingModel block, long step, PretrainingWindows pretrainingWindows) {
        this.checkpoint = checkpoint;
        this.config = config;
        this.vocabularies = vocabularies;
        this.model = model;
        this.block = block;
        this.step = step;
        this.pretrainingWindows = pretrainingWindows;
    }

    /** Loads the latest checkpoint of a pre-training output directory, or a checkpoint folder, on the CPU. */
    public static PretrainedModel load(Path path) {
        return load(path, Device.cpu());
    }

    /** As {@link #load(Path)}, on {@code device}. */
    public static PretrainedModel load(Path path, Device device) {
        Path dir = Checkpoints.resolve(path);
        PretrainConfig config;
        try {
            JsonNode tree = ConfigLoader.JSON.readTree(dir.resolve(Checkpoints.CONFIG).toFile());
            config = ConfigLoader.fromTree(tree, dir.resolve(Checkpoints.CONFIG));
        } catch (IOException e) {
            throw new BadInputException(dir.resolve(Checkpoints.CONFIG), -1, "unreadable: " + e.getMessage(), e);
        }
        Vocabularies vocab = PretrainRun.readVocabularies(dir);
        Model model = Model.newInstance("regbert-" + config.model, device, "PyTorch");
        try {
            PretrainingModel block = PretrainingModel.create(config, vocab);
            block.initializeParameters(model.getNDManager(), config.architecture.maxLength);
            Path parameters = dir.resolve(Checkpoints.PARAMETERS);
            assign(parameters, block.getParameters(), TensorFiles.read(parameters));
            model.setBlock(block);
            model.setProperty("regbert.checkpoint", dir.toString());
            return new PretrainedModel(dir, config, vocab, model, block, Checkpoints.step(dir),
                    PretrainingWindows.read(dir));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * A freshly initialised model of {@code preset} whose vocabularies (k-mers, states or motif
     * standardisation) come from {@code shards} as pre-training would take them: the from-scratch
     * baseline of fine-tuning ablations. Parameters are drawn from the engine's generator seeded
     * with {@code seed}.
     */
    public static PretrainedModel fromScratch(Path shards, String modelKind, String preset, long seed, Device device) {
        com.fasterxml.jackson.databind.node.ObjectNode overrides = ConfigLoader.JSON.createObjectNode();
        overrides.put("model", modelKind).put("preset", preset);
        overrides.putObject("data").put("shards", shards.toString());
        overrides.with("training").put("seed", seed);
        PretrainConfig config = ConfigLoader.resolve(ConfigLoader.JSON.createObjectNode(), overrides, null);
        Vocabularies vocab = config.isGeneBert() ? null : sequenceOnly(shards, config);
        if (vocab != null) {
            return build(config, vocab, seed, device);
        }
        try (ShardCorpus corpus = new ShardCorpus(shards, config)) {
            vocab = PretrainRun.vocabularies(corpus, config);
            if (config.isGeneBert() && corpus.windowTokens() + 2 > config.architecture.maxLength) {
                throw new BadInputException(shards, "windows of " + corpus.windowTokens() + " tokens do not fit preset '"
                        + preset + "' (maxLength " + config.architecture.maxLength + " with [CLS] and [SEP])");
            }
        }
        return build(config, vocab, seed, device);
    }

    /**
     * EBERT vocabularies for shards without a state array (FASTA records, plain tokens): one
     * "no annotation" state, so the encoder reads sequence alone (DNABERT-like); null when the
     * shards have states or peaks.
     */
    private static Vocabularies sequenceOnly(Path shards, PretrainConfig config) {
        try (org.regbert.shards.TokenShard first = org.regbert.shards.TokenShard.open(
                org.regbert.shards.ShardSet.list(shards).get(0))) {
            if (ShardCorpus.STATE_ARRAYS.stream().anyMatch(first::hasArray)) {
                return null;
            }
            org.regbert.shards.ShardManifest m = first.manifest();
            if (m.tokenizer() == null || m.vocabulary() == null) {
                throw new BadInputException(first.file(), "manifest has no tokenizer or vocabulary section");
            }
            return new Vocabularies(m.vocabulary(), m.tokenizer().k(), m.specialTokens(), m.tokenizer().windowTokens(),
                    m.tokenizer().overlapping(), null, List.of("none"), List.of(), null, 0, null, null, null);
        }
    }

    private static PretrainedModel build(PretrainConfig config, Vocabularies vocab, long seed, Device device) {
        Model model = Model.newInstance("regbert-" + config.model, device, "PyTorch");
        try {
            PretrainingModel block = EngineSteps.inTurn(() -> {  // seeded initialisation: one at a time per JVM
                ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(PretrainRun.seedInt(seed));
                PretrainingModel created = PretrainingModel.create(config, vocab);
                created.initializeParameters(model.getNDManager(), config.architecture.maxLength);
                return created;
            });
            model.setBlock(block);
            return new PretrainedModel(null, config, vocab, model, block, 0, null);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** A 31-bit engine seed from a 64-bit one, as pre-training derives its seeds. */
    public static int engineSeed(long seed) {
        return PretrainRun.seedInt(seed);
    }

    /** The device {@code cpu}, {@code gpu} or {@code auto} names (auto: a GPU when the engine sees one). */
    public static Device device(String wanted) {
        return PretrainRun.device(wanted);
    }

    /**
     * Writes the model as a checkpoint folder {@link #load} reads: parameters.npz (the current
     * values, e.g. after fine-tuning), config.json, vocabularies.json and, when recorded, the
     * pre-training windows (so a fine-tuned model carries them to evaluate).
     */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        java.util.List<String> names = new java.util.ArrayList<>();
        java.util.List<NDArray> arrays = new java.util.ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            names.add(p.getKey());
            arrays.add(p.getValue().getArray());
        }
        TensorFiles.write(dir.resolve(Checkpoints.PARAMETERS), names, arrays);
        Files.write(dir.resolve(Checkpoints.CONFIG), ConfigLoader.toJson(config));
        Files.write(dir.resolve(Checkpoints.VOCABULARIES), ConfigLoader.JSON.writeValueAsBytes(vocabularies));
        if (pretrainingWindows != null) {
            pretrainingWindows.write(dir);
        }
    }

    /** Copies the tensors read from {@code file} into a model's parameters, checking names and shapes. */
    public static void assign(Path file, PairList<String, Parameter> parameters, Map<String, TensorFiles.Tensor> saved) {
        if (saved.size() != parameters.size()) {
            throw new BadInputException(file, "holds " + saved.size() + " tensors, the model has " + parameters.size()
                    + " parameters");
        }
        for (Pair<String, Parameter> p : parameters) {
            TensorFiles.Tensor tensor = saved.get(p.getKey());
            NDArray array = p.getValue().getArray();
            if (tensor == null) {
                throw new BadInputException(file, "has no tensor '" + p.getKey() + "'");
            }
            if (!Arrays.equals(tensor.shape(), array.getShape().getShape())) {
                throw new BadInputException(file, "tensor '" + p.getKey() + "' is " + Arrays.toString(tensor.shape())
                        + ", the model expects " + array.getShape());
            }
            array.set(tensor.values());
        }
    }

    /** The checkpoint folder this was loaded from; null for a {@link #fromScratch} model. */
    public Path checkpoint() {
        return checkpoint;
    }

    /** Optimiser steps the checkpoint had trained. */
    public long step() {
        return step;
    }

    /**
     * The genomic intervals the encoder was pre-trained on ({@link PretrainingWindows#FILE}); null
     * for a from-scratch model and for checkpoints written before regbert recorded them.
     */
    public PretrainingWindows pretrainingWindows() {
        return pretrainingWindows;
    }

    public PretrainConfig config() {
        return config;
    }

    public Vocabularies vocabularies() {
        return vocabularies;
    }

    /** A DJL model holding {@link #block()} (its NDManager owns the parameters). */
    public Model model() {
        return model;
    }

    /** The whole pre-training block ({@link EbertModel} or {@link GeneBertModel}). */
    public PretrainingModel block() {
        return block;
    }

    /** The sequence encoder, for task heads on its [CLS] or token states. */
    public SequenceEncoder encoder() {
        return block.sequenceEncoder();
    }

    public int hiddenSize() {
        return config.architecture.hidden;
    }

    /** Longest input, [CLS] and [SEP] included. */
    public int maxLength() {
        return config.architecture.maxLength;
    }

    /** The model card of the run, when the checkpoint is a run's final one; null otherwise. */
    public JsonNode modelCard() {
        if (checkpoint == null) {
            return null;
        }
        Path card = checkpoint.resolve(ModelCard.JSON_FILE);
        try {
            return Files.exists(card) ? ConfigLoader.JSON.readTree(card.toFile()) : null;
        } catch (IOException e) {
            throw new BadInputException(card, -1, "unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Hidden states [B, S, H] for windows given as the shards store them (token ids without
     * [CLS]/[SEP]; the model adds them, pads with [PAD] to the longest, and needs every window to
     * fit {@link #maxLength()} - 2 tokens).
     *
     * @param states EBERT: a state id per token (0 "no annotation"), or null for all 0; ignored by GeneBERT
     * @param cellTypes EBERT with a cell-type embedding: one id per window, else null
     */
    public NDArray encode(NDManager manager, int[][] windows, int[][] states, int[] cellTypes) {
        int b = windows.length;
        int s = 0;
        for (int[] w : windows) {
            s = Math.max(s, w.length + 2);
        }
        if (s > maxLength()) {
            throw new IllegalArgumentException("a window of " + (s - 2) + " tokens exceeds maxLength - 2 = "
                    + (maxLength() - 2));
        }
        int[] tokens = new int[b * s];
        int[] stateIds = new int[b * s];
        for (int i = 0; i < b; i++) {
            tokens[i * s] = KmerVocabulary.CLS;
            System.arraycopy(windows[i], 0, tokens, i * s + 1, windows[i].length);
            tokens[i * s + 1 + windows[i].length] = KmerVocabulary.SEP;
            if (states != null && states[i] != null) {
                System.arraycopy(states[i], 0, stateIds, i * s + 1, states[i].length);
            }
        }
        NDArray tokenArray = manager.create(tokens, new Shape(b, s));
        NDList inputs = new NDList(tokenArray);
        if (block instanceof EbertModel) {
            inputs.add(manager.create(stateIds, new Shape(b, s)));
            if (cellTypes != null && config.architecture.cellTypeEmbedding) {
                inputs.add(manager.create(cellTypes));
            }
        }
        return block.encode(inputs, false).get(0);
    }

    @Override
    public void close() {
        model.close();
    }
}
