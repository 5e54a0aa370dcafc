package org.regbert.finetune;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.common.BadInputException;
import org.regbert.pretrain.PretrainedModel;
import org.regbert.pretrain.SignalLevelCutTable;
import org.regbert.pretrain.Vocabularies;
import org.regbert.shards.NpyArray;
import org.regbert.shards.NpyDType;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;

/**
 * The model inputs a set of shards holds for a {@link TaskSpec}: tokens (cropped around the
 * window centre to what the encoder reads), per-token states of a cell type, task features of a
 * cell type and standardised motif matrices. Shards are memory-mapped; {@link #fill} copies only
 * the windows of one batch.
 */
public final class ShardInputs implements AutoCloseable {
    /** align's bigWig signal array (float, NaN = no data), whose rows {@code signal_tracks} names. */
    public static final String SIGNAL = "signal";
    final List<TokenShard> shards = new ArrayList<>();
    private final Path source;
    private final TaskSpec spec;
    private final Vocabularies vocab;
    private final int shardTokens;
    private final int cropOffset;
    /** Cell types of the state rows and of each feature array's rows (names as the shards give them). */
    private final List<String> stateCellTypes;
    private final Map<String, List<String>> featureRows = new LinkedHashMap<>();
    private final Map<String, Integer> featureLevels = new java.util.HashMap<>();
    /** Whether the encoder has a cell-type embedding (then every window needs its cell type's id). */
    private final boolean cellTypeEmbedding;

    /** Opens {@code dir} for a model's inputs; {@code spec} may still lack features' names (they are derived here). */
    public ShardInputs(Path dir, TaskSpec spec, PretrainedModel encoder) {
        this.source = dir;
        this.spec = spec;
        this.vocab = encoder.vocabularies();
        try {
            for (Path file : ShardSet.list(dir)) {
                shards.add(TokenShard.open(file));
            }
            TokenShard first = shards.get(0);
            if (first.manifest().tokenizer() == null || !vocab.tokens().equals(first.manifest().vocabulary())) {
                throw new BadInputException(first.file(), "its k-mer vocabulary differs from the model's (k = "
                        + vocab.k() + "): tokenize with the k the model was pre-trained with");
            }
            shardTokens = first.manifest().tokenizer().windowTokens();
            for (TokenShard shard : shards) {
                if (shard.manifest().tokenizer() == null || shard.manifest().tokenizer().windowTokens() != shardTokens) {
                    throw new BadInputException(shard.file(), "comes from another tokenize run than " + first.file()
                            .getFileName() + " (window length differs)");
                }
            }
            if (spec.motifs() && shardTokens != spec.windowTokens()) {
                throw new BadInputException(first.file(), "GeneBERT reads whole windows: these have " + shardTokens
                        + " tokens, the model " + spec.windowTokens());
            }
            if (shardTokens < spec.windowTokens()) {
                throw new BadInputException(first.file(), "windows of " + shardTokens + " tokens are shorter than the "
                        + spec.windowTokens() + " the model reads");
            }
            cropOffset = (shardTokens - spec.windowTokens()) / 2;
            stateCellTypes = spec.stateArray() == null ? List.of() : rowNames(spec.stateArray());
            if (SignalLevelCutTable.STATE_ARRAY.equals(spec.stateArray())) {
                checkLevelCuts();
            }
            for (String feature : spec.features()) {
                featureRows.put(feature, rowNames(feature));
                featureLevels.put(feature, levels(feature));
            }
            if (spec.motifs()) {
                for (TokenShard shard : shards) {
                    if (!shard.hasArray("motifs")) {
                        throw new BadInputException(shard.file(), "has no 'motifs' array: run 'regbert align --motifs"
                                + " ...' with the motifs the model was pre-trained on");
                    }
                }
            }
            cellTypeEmbedding = encoder.config().architecture.cellTypeEmbedding;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Names of the rows of a [C, N, L] array, checked to be the same in every shard: uint8 levels
     * whose rows {@code <array>_cell_types} names, or float {@code signal} named by {@code signal_tracks}.
     */
    private List<String> rowNames(String array) {
        boolean signal = array.equals(SIGNAL);
        String rowArray = signal ? "signal_tracks" : array + "_cell_types";
        List<String> names = null;
        for (TokenShard shard : shards) {
            if (!shard.hasArray(array) || !shard.hasArray(rowArray)) {
                throw new BadInputException(shard.file(), "has no '" + array + "' array (with '" + rowArray
                        + "'): run 'regbert align --" + array + (signal ? " FILE.bw[:TRACK] ..." : " ...")
                        + "' on the shards first"
                        + (array.equals(spec.stateArray()) ? ", or pass --ignore-states to read sequence alone" : ""));
            }
            NpyArray a = shard.array(array);
            boolean typeOk = signal ? a.dtype().equals(NpyDType.FLOAT16) || a.dtype().equals(NpyDType.FLOAT32)
                    : a.dtype().equals(NpyDType.UINT8);
            if (!typeOk || a.shape().length != 3 || a.shape()[2] != shardTokens) {
                throw new BadInputException(shard.file(), "array '" + array + "' must be "
                        + (signal ? "float16 or float32 [tracks" : "uint8 [cell types") + ", windows, " + shardTokens + "]");
            }
            NpyArray n = shard.array(rowArray);
            List<String> here = new ArrayList<>();
            for (int i = 0; i < n.rows(); i++) {
                here.add(n.getString(i));
            }
            if (names == null) {
                names = here;
            } else if (!names.equals(here)) {
                throw new BadInputException(shard.file(), "'" + array + "' rows " + here + " differ from "
                        + shards.get(0).file().getFileName() + "'s " + names);
            }
        }
        return List.copyOf(names);
    }

    /**
     * signal_states: the shards' levels must mean what they meant in pre-training, so each cell type the
     * model keeps cut points for must have been quantised with the same ones (the shards of one
     * tokenize run aligned with the same holdouts and --seed have them); other cell types (held out
     * of pre-training) keep their shards' own.
     */
    private void checkLevelCuts() {
        Map<String, float[]> model = vocab.stateLevelCuts();
        if (model == null) {
            return;
        }
        for (TokenShard shard : shards) {
            Map<String, float[]> here = SignalLevelCutTable.read(shard, stateCellTypes, vocab.states().size() - 1);
            if (!SignalLevelCutTable.agree(model, here)) {
                throw new BadInputException(shard.file(), "its signal levels ('" + SignalLevelCutTable.CUTS + "') were"
                        + " cut at other points than the model's (pre-trained on shards aligned with other holdouts,"
                        + " --seed or bigWig files): align these shards with the same --signal files, --valid/--test"
                        + " and --seed as the pre-training shards");
            }
        }
    }

    /** Cell types with a row in the state array (EBERT), empty otherwise. */
    public List<String> stateCellTypes() {
        return stateCellTypes;
    }

    /** What a feature column holds: a uint8 array's mean level, or a signal track's scaled mean or has-data flag. */
    private enum Measure { LEVEL, SIGNAL_MEAN, SIGNAL_HAS_DATA }

    /** A feature column: the array, its row for the cell type, the column's name and what it measures. */
    private record FeatureColumn(String array, int row, String name, Measure measure) {
    }

    private final Map<String, List<FeatureColumn>> columnsByCellType = new java.util.HashMap<>();

    /**
     * Feature columns for {@code cellType}: each row of each feature array named after it
     * ({@code K562}, or {@code K562/H3K27ac} for marks; signal tracks {@code K562} or
     * {@code K562.H3K27ac}, as align --signal names them); the column is named after the array (and
     * mark), not the cell type, so a held-out cell type fills the same columns. A signal track
     * gives two columns: its scaled mean ({@code signal}, {@code signal:H3K27ac}) and its has-data
     * flag ({@code signal:has-data}, {@code signal:H3K27ac:has-data}).
     */
    private List<FeatureColumn> featureColumns(String cellType) {
        return columnsByCellType.computeIfAbsent(cellType, c -> {
            List<FeatureColumn> columns = new ArrayList<>();
            featureRows.forEach((array, rows) -> {
                boolean signal = array.equals(SIGNAL);
                String markSeparator = signal ? "." : "/";
                for (int r = 0; r < rows.size(); r++) {
                    String name = rows.get(r);
                    String column = name.equals(c) ? array
                            : name.startsWith(c + markSeparator) ? array + ":" + name.substring(c.length() + 1) : null;
                    if (column == null) {
                        continue;
                    }
                    if (signal) {
                        columns.add(new FeatureColumn(array, r, column, Measure.SIGNAL_MEAN));
                        columns.add(new FeatureColumn(array, r, column + WindowSignal.HAS_DATA, Measure.SIGNAL_HAS_DATA));
                    } else {
                        columns.add(new FeatureColumn(array, r, column, Measure.LEVEL));
                    }
                }
            });
            return List.copyOf(columns);
        });
    }

    /** The row names of a feature array (cell types, or signal tracks), for messages. */
    List<String> featureRows(String array) {
        return featureRows.getOrDefault(array, List.of());
    }

    /** The feature column names for {@code cellType}. */
    List<String> featureNames(String cellType) {
        return featureColumns(cellType).stream().map(FeatureColumn::name).toList();
    }

    public int shards() {
        return shards.size();
    }

    public TokenShard shard(int index) {
        return shards.get(index);
    }

    /**
     * The inputs of {@code count} windows: {@code shard[i]}, {@code row[i]}, for cell type
     * {@code cellType[i]} (a name, or "" where the model reads no cell type).
     */
    public InputBatch fill(int[] shard, int[] row, String[] cellType, int count) {
        int length = spec.windowTokens();
        int[] tokens = new int[count * length];
        int[] states = spec.stateArray() == null ? null : new int[count * length];
        int featureCount = spec.featureNames().size();
        float[] features = featureCount == 0 ? null : new float[count * featureCount];
        int regions = vocab.regions();
        int motifs = vocab.motifNames() == null ? 0 : vocab.motifNames().size();
        float[] motifInput = spec.motifs() ? new float[count * regions * motifs] : null;
        float[] matrix = spec.motifs() ? new float[regions * motifs] : null;
        int[] cellTypes = cellTypeEmbedding ? new int[count] : null;
        byte[] stateRow = new byte[length];
        for (int i = 0; i < count; i++) {
            TokenShard s = shards.get(shard[i]);
            NpyArray t = s.tokens();
            long base = (long) row[i] * shardTokens + cropOffset;
            for (int j = 0; j < length; j++) {
                tokens[i * length + j] = t.getUnsignedShort(base + j);
            }
            if (states != null) {
                int c = stateRow(cellType[i], s);
                NpyArray a = s.array(spec.stateArray());
                long offset = ((long) c * a.shape()[1] + row[i]) * shardTokens + cropOffset;
                a.data().duplicate().get(Math.toIntExact(offset), stateRow, 0, length);
                for (int j = 0; j < length; j++) {
                    states[i * length + j] = stateRow[j] & 0xFF;
                }
            }
            if (features != null) {
                fillFeatures(s, row[i], cellType[i], features, i * featureCount);
            }
            if (motifInput != null) {
                readMotifs(s, row[i], matrix, motifs * regions);
                vocab.standardise(matrix);
                for (int m = 0; m < motifs; m++) {
                    for (int r = 0; r < regions; r++) {
                        motifInput[(i * regions + r) * motifs + m] = matrix[m * regions + r];
                    }
                }
            }
            if (cellTypes != null) {
                int id = vocab.cellTypes() == null ? -1 : vocab.cellTypes().indexOf(cellType[i]);
                if (id < 0) {
                    throw new BadInputException(source, "cell type '" + cellType[i] + "' has no embedding in the"
                            + " pre-trained model (it knows " + vocab.cellTypes() + ")");
                }
                cellTypes[i] = id;
            }
        }
        return new InputBatch(count, length, tokens, states, cellTypes, features, featureCount, motifInput, regions,
                motifs);
    }

    private int stateRow(String cellType, TokenShard shard) {
        int c = stateCellTypes.indexOf(cellType);
        if (c < 0) {
            throw new BadInputException(shard.file(), "'" + spec.stateArray() + "' has no row for cell type '"
                    + cellType + "' (rows: " + String.join(", ", stateCellTypes) + ")");
        }
        return c;
    }

    /**
     * Each of the cell type's feature columns over the window's tokens: a level array's mean level,
     * scaled to [0, 1]; a signal track's asinh mean and has-data flag ({@link WindowSignal}).
     */
    private void fillFeatures(TokenShard shard, int row, String cellType, float[] into, int at) {
        List<FeatureColumn> columns = featureColumns(cellType);
        if (!featureNames(cellType).equals(spec.featureNames())) {
            throw new BadInputException(shard.file(), "cell type '" + cellType + "' has feature rows "
                    + featureNames(cellType) + ", the model reads " + spec.featureNames());
        }
        float[] signalTokens = null;
        for (int i = 0; i < columns.size(); i++) {
            FeatureColumn column = columns.get(i);
            NpyArray a = shard.array(column.array());
            long offset = ((long) column.row() * a.shape()[1] + row) * shardTokens;
            if (column.measure() != Measure.LEVEL) {
                signalTokens = signalTokens == null ? new float[shardTokens] : signalTokens;
                a.copyFloats(offset, signalTokens, shardTokens);
                WindowSignal signal = new WindowSignal(signalTokens, shardTokens);
                into[at + i] = column.measure() == Measure.SIGNAL_MEAN ? signal.scaledMean() : signal.hasData();
                continue;
            }
            long sum = 0;
            for (int j = 0; j < shardTokens; j++) {
                sum += a.getByte(offset + j) & 0xFF;
            }
            into[at + i] = (float) sum / shardTokens / featureLevels.get(column.array());
        }
    }

    /** Highest level of a feature array, from its vocabulary in the manifest (names[0] is "none"). */
    private int levels(String array) {
        var section = shards.get(0).manifest().annotations() == null ? null
                : shards.get(0).manifest().annotations().get(array);
        var names = section == null ? null : section.path("vocabulary").path("names");
        return names != null && names.isArray() && names.size() > 1 ? names.size() - 1 : 1;
    }

    private static void readMotifs(TokenShard shard, int row, float[] into, int size) {
        shard.array("motifs").copyFloats((long) row * size, into, size);
    }

    @Override
    public void close() {
        for (TokenShard shard : shards) {
            shard.close();
        }
    }
}
