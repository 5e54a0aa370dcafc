package org.regbert.finetune;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.regbert.common.BadInputException;
import org.regbert.pretrain.GeneBertModel;
import org.regbert.pretrain.PretrainedModel;
import org.regbert.pretrain.TensorFiles;
import org.regbert.pretrain.Vocabularies;

/**
 * A fine-tuned model: a pre-trained encoder, a task head and the {@link TaskSpec} saying which
 * inputs it reads. On disk (what {@code finetune} writes as {@code OUTPUT/model/}):
 *
 * <pre>
 * task.json                the TaskSpec
 * encoder/parameters.npz   the encoder as a pretrain checkpoint (config.json, vocabularies.json beside)
 * head.npz                 the head's parameters (float32, NumPy-readable)
 * motifs.json, motifs/     GeneBERT with motifs: align's scan settings and a copy of its motif file
 *                          ({@link ModelMotifs}; absent in models saved before they were kept)
 * </pre>
 *
 * Inference goes through a DJL {@link Predictor} with {@link ScoresTranslator}:
 *
 * <pre>{@code
 * try (FinetunedModel model = FinetunedModel.load(Path.of("runs/promoter"));
 *      Predictor<InputBatch, float[][]> predictor = model.newPredictor()) {
 *     float[][] probabilities = predictor.predict(batch);     // [windows][outputs]
 * }
 * }</pre>
 */
public final class FinetunedModel implements AutoCloseable {
    public static final String MODEL_DIR = "model";
    public static final String TASK_FILE = "task.json";
    public static final String ENCODER_DIR = "encoder";
    public static final String HEAD_FILE = "head.npz";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PretrainedModel pretrained;
    private final FinetuneBlock block;
    private final TaskSpec spec;
    /** GeneBERT with motifs: how to rebuild its motif matrices; null otherwise or for older models. */
    private final ModelMotifs motifs;

    private FinetunedModel(PretrainedModel pretrained, FinetuneBlock block, TaskSpec spec, ModelMotifs motifs) {
        this.pretrained = pretrained;
        this.block = block;
        this.spec = spec;
        this.motifs = motifs;
    }

    /** A new head (initialised from the engine's generator, seed it first) on {@code pretrained}, which this takes over. */
    static FinetunedModel create(PretrainedModel pretrained, TaskSpec spec) {
        return create(pretrained, spec, null);
    }

    /** {@link #create(PretrainedModel, TaskSpec)} keeping the motif scan its matrices came from. */
    static FinetunedModel create(PretrainedModel pretrained, TaskSpec spec, ModelMotifs motifs) {
        boolean genebert = pretrained.block() instanceof GeneBertModel;
        FinetuneBlock block = new FinetuneBlock(pretrained.block(), spec, pretrained.hiddenSize(),
                pretrained.config().architecture.dropout, genebert);
        block.head().initialize(pretrained.model().getNDManager(), DataType.FLOAT32, new Shape(1, 1));
        pretrained.model().setBlock(block);
        return new FinetunedModel(pretrained, block, spec, motifs);
    }

    /** Loads {@code path}: a finetune output directory (its {@code model/}) or a model directory itself. */
    public static FinetunedModel load(Path path) {
        return load(path, Device.cpu());
    }

    public static FinetunedModel load(Path path, Device device) {
        Path dir = resolve(path);
        TaskSpec spec = readSpec(dir.resolve(TASK_FILE));
        PretrainedModel pretrained = PretrainedModel.load(dir.resolve(ENCODER_DIR), device);
        try {
            ModelMotifs motifs = ModelMotifs.load(dir);
            // The head's initialisation draws from the engine's generator before its weights are read:
            // in the turn, so those draws never fall inside another training's seeded turn.
            FinetunedModel model = org.regbert.pretrain.EngineSteps.inTurn(() -> create(pretrained, spec, motifs));
            Path head = dir.resolve(HEAD_FILE);
            PretrainedModel.assign(head, model.block.head().getParameters(), TensorFiles.read(head));
            return model;
        } catch (RuntimeException e) {
            pretrained.close();
            throw e;
        }
    }

    /** The task a fine-tuned model predicts, read without loading its weights. */
    public static TaskSpec spec(Path path) {
        return readSpec(resolve(path).resolve(TASK_FILE));
    }

    /** The model folder inside a finetune output directory, or {@code path} when it is one. */
    public static Path resolve(Path path) {
        if (Files.isRegularFile(path.resolve(TASK_FILE))) {
            return path;
        }
        if (Files.isRegularFile(path.resolve(MODEL_DIR).resolve(TASK_FILE))) {
            return path.resolve(MODEL_DIR);
        }
        throw new BadInputException(path, "is not a fine-tuned model (no " + TASK_FILE + " in it or in " + MODEL_DIR
                + "/): pass the --output directory of 'regbert finetune'");
    }

    static TaskSpec readSpec(Path file) {
        try {
            return JSON.readValue(file.toFile(), TaskSpec.class);
        } catch (IOException e) {
            throw new BadInputException(file, -1, "unreadable task description: " + e.getMessage(), e);
        }
    }

    /** Writes the model to {@code dir} (created; must not exist). */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        pretrained.save(dir.resolve(ENCODER_DIR));
        List<String> names = new ArrayList<>();
        List<NDArray> arrays = new ArrayList<>();
        for (Pair<String, Parameter> p : block.head().getParameters()) {
            names.add(p.getKey());
            arrays.add(p.getValue().getArray());
        }
        TensorFiles.write(dir.resolve(HEAD_FILE), names, arrays);
        if (motifs != null) {
            motifs.save(dir);
        }
        Files.write(dir.resolve(TASK_FILE), JSON.writeValueAsBytes(spec));
    }

    public TaskSpec spec() {
        return spec;
    }

    /**
     * GeneBERT with motifs: the motif file and scan settings its matrices came from; null for other
     * models and for GeneBERT models saved before finetune kept them.
     */
    public ModelMotifs motifs() {
        return motifs;
    }

    public Vocabularies vocabularies() {
        return pretrained.vocabularies();
    }

    public PretrainedModel encoder() {
        return pretrained;
    }

    /** Longest window the encoder reads, in tokens without [CLS]/[SEP]. */
    public int maxWindowTokens() {
        return pretrained.maxLength() - 2;
    }

    FinetuneBlock block() {
        return block;
    }

    /** Every trainable parameter: the encoder's (fine-tuned too) and the head's. */
    ai.djl.util.PairList<String, Parameter> parameters() {
        return block.getParameters();
    }

    /**
     * Each parameter's learning-rate fraction, by its name in {@link #parameters()}: ENCODER_SCALE for
     * the encoder's (found by identity: DJL prefixes child names with their index), 1 for the head's.
     */
    java.util.function.ToDoubleFunction<String> lrScales(double encoderScale) {
        java.util.Set<Parameter> encoder = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        block.encoder().getParameters().values().forEach(encoder::add);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (ai.djl.util.Pair<String, Parameter> p : parameters()) {
            if (encoder.contains(p.getValue())) {
                names.add(p.getKey());
            }
        }
        if (names.isEmpty() || names.size() == parameters().size()) {
            throw new IllegalStateException("the encoder holds " + names.size() + " of " + parameters().size()
                    + " parameters");
        }
        return name -> names.contains(name) ? encoderScale : 1.0;
    }

    /** Logits [B, outputs] for a batch, in {@code manager}. */
    NDArray logits(NDManager manager, InputBatch batch, boolean training) {
        return block.logits(new ParameterStore(manager, false), batch.toNDList(manager), training);
    }

    /** A DJL predictor: batches of windows in, probabilities (or regression levels) [B][outputs] out. */
    public Predictor<InputBatch, float[][]> newPredictor() {
        return pretrained.model().newPredictor(new ScoresTranslator(spec));
    }

    /** Pooled window vectors [B][H] ([CLS] or mean, as the model was trained; GeneBERT with motifs 2H). */
    public float[][] embed(InputBatch batch) {
        try (NDManager manager = pretrained.model().getNDManager().newSubManager()) {
            NDArray pooled = block.pooled(new ParameterStore(manager, false), batch.toNDList(manager), false);
            return ScoresTranslator.rows(pooled);
        }
    }

    /** The vector size {@link #embed} returns. */
    public int embeddingSize() {
        return pretrained.hiddenSize() * (spec.motifs() ? 2 : 1);
    }

    @Override
    public void close() {
        pretrained.close();
    }
}
