package org.regbert.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.regbert.common.BadInputException;
import org.regbert.shards.KmerVocabulary;
import org.regbert.shards.NpyArray;
import org.regbert.shards.NpyDType;
import org.regbert.shards.ShardManifest;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;

/**
 * The windows a run trains on: every shard memory-mapped (nothing is copied up front), checked
 * for the arrays the model needs, and split into training and held-out windows (the {@code split}
 * array of align when present, else a seeded fraction).
 */
final class ShardCorpus implements AutoCloseable {
    private final Path source;
    private final List<TokenShard> shards = new ArrayList<>();
    private final List<NpyArray> tokens = new ArrayList<>();
    private final List<NpyArray> states = new ArrayList<>();
    private final List<NpyArray> motifs = new ArrayList<>();
    private final ShardManifest manifest;
    private final int windowTokens;
    private final int k;
    private final List<String> vocabulary;
    private String stateArray;
    /** signal_states: cut points of every cell type (row), else null. */
    private Map<String, float[]> levelCuts;
    private List<String> stateVocabulary = List.of();
    private List<String> allCellTypes = List.of();
    private int[] cellTypeColumns = new int[0];
    private List<String> motifNames = List.of();
    private int regions;
    private int[] trainShard;
    private int[] trainRow;
    private int[] validShard;
    private int[] validRow;
    private long testWindows;
    private String holdout;

    ShardCorpus(Path dir, PretrainConfig config) {
        this.source = dir;
        try {
            for (Path file : ShardSet.list(dir)) {
                shards.add(TokenShard.open(file));
            }
            manifest = shards.get(0).manifest();
            if (manifest.tokenizer() == null || manifest.vocabulary() == null) {
                throw new BadInputException(shards.get(0).file(), "manifest has no tokenizer or vocabulary section");
            }
            k = manifest.tokenizer().k();
            windowTokens = manifest.tokenizer().windowTokens();
            vocabulary = manifest.vocabulary();
            for (TokenShard shard : shards) {
                checkSameRun(shard);
                NpyArray t = shard.tokens();
                if (!t.dtype().equals(NpyDType.UINT16) || t.shape().length != 2 || t.shape()[1] != windowTokens
                        || t.shape()[0] != shard.windows()) {
                    throw new BadInputException(shard.file(), "array 'tokens' must be uint16 [" + shard.windows() + ", "
                            + windowTokens + "], is " + t.dtype().name() + " " + java.util.Arrays.toString(t.shape()));
                }
                tokens.add(t);
            }
            if (config.isGeneBert()) {
                openMotifs();
            } else {
                openStates(config.data);
            }
            split(config);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void checkSameRun(TokenShard shard) {
        ShardManifest m = shard.manifest();
        if (m.tokenizer() == null || m.tokenizer().k() != k || m.tokenizer().windowTokens() != windowTokens
                || !vocabulary.equals(m.vocabulary())) {
            throw new BadInputException(shard.file(), "comes from another tokenize run than "
                    + shards.get(0).file().getFileName() + " (k, window length or vocabulary differ)");
        }
    }

    /** State arrays EBERT can read, in the order a run without --state-array tries them. */
    static final List<String> STATE_ARRAYS = List.of("states", "peaks", SignalLevelCutTable.STATE_ARRAY);

    private void openStates(PretrainConfig.Data data) {
        List<String> present = STATE_ARRAYS.stream()
                .filter(name -> shards.stream().allMatch(s -> s.hasArray(name))).toList();
        String wanted = data.stateArray;
        if (wanted == null) {
            if (present.isEmpty()) {
                throw new BadInputException(source, "the shards have no chromatin-state array ('states' or 'peaks',"
                        + " or quantised signal 'signal_states'): EBERT pairs every token with its cell type's state. Run 'regbert align"
                        + " --states ...' (ChromHMM), 'regbert align --peaks ...' (DNase/ATAC peaks) or 'regbert align"
                        + " --signal FILE.bw --signal-levels Q' (quantised bigWig signal) on them first");
            }
            wanted = present.get(0);
        } else if (!present.contains(wanted)) {
            String how = wanted.equals(SignalLevelCutTable.STATE_ARRAY) ? "--signal FILE.bw --signal-levels Q"
                    : "--" + wanted + " ...";
            throw new BadInputException(source, "the shards have no '" + wanted + "' array in every shard"
                    + (!present.isEmpty() ? " (they have '" + String.join("', '", present) + "': use --state-array "
                            + present.get(0) + ")"
                            : "; run 'regbert align " + how + "' on them first"));
        }
        stateArray = wanted;
        JsonNode section = manifest.annotations() == null ? null : manifest.annotations().get(wanted);
        JsonNode vocab = section == null ? null : section.get("vocabulary");
        if (vocab != null && vocab.isObject()) {
            vocab = vocab.get("names"); // align: {"kind", "source", "none", "names": [...]}
        }
        if (vocab == null || !vocab.isArray() || vocab.isEmpty()) {
            throw new BadInputException(shards.get(0).file(), "manifest has no annotations." + wanted
                    + ".vocabulary (the state names): were the shards written by 'regbert align'?");
        }
        List<String> names = new ArrayList<>();
        vocab.forEach(n -> names.add(n.asText()));
        stateVocabulary = List.copyOf(names);
        if (stateVocabulary.size() > 255) {
            throw new BadInputException(shards.get(0).file(), "more than 255 states in annotations." + wanted);
        }
        List<String> cellTypes = null;
        for (TokenShard shard : shards) {
            NpyArray a = shard.array(wanted);
            long[] shape = a.shape();
            if (!a.dtype().equals(NpyDType.UINT8) || shape.length != 3 || shape[1] != shard.windows()
                    || shape[2] != windowTokens) {
                throw new BadInputException(shard.file(), "array '" + wanted + "' must be uint8 [cell types, "
                        + shard.windows() + ", " + windowTokens + "], is " + a.dtype().name() + " "
                        + java.util.Arrays.toString(shape));
            }
            List<String> names2 = cellTypeNames(shard, wanted, (int) shape[0]);
            if (cellTypes == null) {
                cellTypes = names2;
            } else if (!cellTypes.equals(names2)) {
                throw new BadInputException(shard.file(), "cell types " + names2 + " differ from "
                        + shards.get(0).file().getFileName() + "'s " + cellTypes);
            }
            states.add(a);
            if (wanted.equals(SignalLevelCutTable.STATE_ARRAY)) {
                Map<String, float[]> cuts = SignalLevelCutTable.read(shard, names2, stateVocabulary.size() - 1);
                if (levelCuts == null) {
                    levelCuts = cuts;
                } else if (!SignalLevelCutTable.agree(levelCuts, cuts)) {
                    throw new BadInputException(shard.file(), "its signal level cut points ('"
                            + SignalLevelCutTable.CUTS + "') differ from " + shards.get(0).file().getFileName()
                            + "'s: the shards come from different align runs");
                }
            }
        }
        allCellTypes = List.copyOf(cellTypes);
        if (allCellTypes.isEmpty()) {
            throw new BadInputException(source, "array '" + wanted + "' has no cell types");
        }
        if (data.cellTypes == null || data.cellTypes.isEmpty()) {
            cellTypeColumns = java.util.stream.IntStream.range(0, allCellTypes.size()).toArray();
        } else {
            cellTypeColumns = new int[data.cellTypes.size()];
            for (int i = 0; i < cellTypeColumns.length; i++) {
                int column = allCellTypes.indexOf(data.cellTypes.get(i));
                if (column < 0) {
                    throw new BadInputException("--cell-types: '" + data.cellTypes.get(i) + "' is not in the shards"
                            + " (cell types: " + String.join(", ", allCellTypes) + ")");
                }
                cellTypeColumns[i] = column;
            }
        }
    }

    private static List<String> cellTypeNames(TokenShard shard, String array, int count) {
        String namesArray = array + "_cell_types";
        if (!shard.hasArray(namesArray)) {
            throw new BadInputException(shard.file(), "has '" + array + "' but no '" + namesArray + "' (cell-type names)");
        }
        NpyArray names = shard.array(namesArray);
        if (names.rows() != count) {
            throw new BadInputException(shard.file(), "'" + namesArray + "' names " + names.rows() + " cell types, '"
                    + array + "' has " + count);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(names.getString(i));
        }
        return out;
    }

    private void openMotifs() {
        if (!shards.stream().allMatch(s -> s.hasArray("motifs"))) {
            throw new BadInputException(source, "the shards have no 'motifs' array (the TF x region motif-score matrix"
                    + " per window) that GeneBERT's region encoder reads. Run 'regbert align --motifs JASPAR.pfm ...'"
                    + " on them first");
        }
        for (TokenShard shard : shards) {
            NpyArray a = shard.array("motifs");
            long[] shape = a.shape();
            if (!(a.dtype().equals(NpyDType.FLOAT16) || a.dtype().equals(NpyDType.FLOAT32)) || shape.length != 3
                    || shape[0] != shard.windows()) {
                throw new BadInputException(shard.file(), "array 'motifs' must be float16 [" + shard.windows()
                        + ", motifs, regions], is " + a.dtype().name() + " " + java.util.Arrays.toString(shape));
            }
            if (motifs.isEmpty()) {
                regions = (int) shape[2];
                if (!shard.hasArray("motif_names")) {
                    throw new BadInputException(shard.file(), "has 'motifs' but no 'motif_names'");
                }
                NpyArray names = shard.array("motif_names");
                List<String> out = new ArrayList<>();
                for (int i = 0; i < names.rows(); i++) {
                    out.add(names.getString(i));
                }
                motifNames = List.copyOf(out);
                if (motifNames.size() != shape[1]) {
                    throw new BadInputException(shard.file(), "'motif_names' has " + motifNames.size()
                            + " names for " + shape[1] + " motifs");
                }
            } else if (shape[1] != motifNames.size() || shape[2] != regions) {
                throw new BadInputException(shard.file(), "motif matrix shape " + java.util.Arrays.toString(shape)
                        + " differs from the first shard's [" + motifNames.size() + ", " + regions + "]");
            }
            motifs.add(a);
        }
        if (regions < 1 || motifNames.isEmpty()) {
            throw new BadInputException(source, "the motif matrices are empty (" + motifNames.size() + " motifs, "
                    + regions + " regions)");
        }
    }

    private void split(PretrainConfig config) {
        boolean fromShards = shards.stream().allMatch(s -> s.hasArray("split"));
        IntPairs train = new IntPairs();
        IntPairs valid = new IntPairs();
        SplittableRandom random = new SplittableRandom(config.training.seed ^ 0x5EED_5A17L);
        for (int s = 0; s < shards.size(); s++) {
            TokenShard shard = shards.get(s);
            NpyArray split = fromShards ? shard.array("split") : null;
            for (int row = 0; row < shard.windows(); row++) {
                int code = split != null ? split.getByte(row) : random.nextDouble() < config.data.validFraction ? 1 : 0;
                if (code == 0) {
                    train.add(s, row);
                } else if (code == 1) {
                    valid.add(s, row);
                } else {
                    testWindows++;
                }
            }
        }
        holdout = fromShards ? "split array (0 train, 1 valid, 2 test)"
                : "seeded fraction " + config.data.validFraction + " (no split array in the shards)";
        if (fromShards && valid.size == 0 && train.size > 0) {
            // align wrote no validation holdout: hold out a seeded fraction of the training windows.
            IntPairs kept = new IntPairs();
            for (int i = 0; i < train.size; i++) {
                (random.nextDouble() < Math.max(config.data.validFraction, 0.01) ? valid : kept)
                        .add(train.first[i], train.second[i]);
            }
            train = kept;
            holdout = "split array had no validation windows: seeded fraction of its training windows";
        }
        if (train.size == 0) {
            throw new BadInputException(source, "no training windows (split 0) in the shards");
        }
        if (valid.size == 0) {
            valid.add(train.first[train.size - 1], train.second[train.size - 1]);
            holdout += "; too few windows to hold any out: the last training window is scored";
        }
        trainShard = java.util.Arrays.copyOf(train.first, train.size);
        trainRow = java.util.Arrays.copyOf(train.second, train.size);
        validShard = java.util.Arrays.copyOf(valid.first, valid.size);
        validRow = java.util.Arrays.copyOf(valid.second, valid.size);
    }

    /** A growable list of (shard, row) pairs without boxing. */
    private static final class IntPairs {
        int[] first = new int[1024];
        int[] second = new int[1024];
        int size;

        void add(int a, int b) {
            if (size == first.length) {
                first = java.util.Arrays.copyOf(first, size * 2);
                second = java.util.Arrays.copyOf(second, size * 2);
            }
            first[size] = a;
            second[size] = b;
            size++;
        }
    }

    Path source() {
        return source;
    }

    ShardManifest manifest() {
        return manifest;
    }

    int shardCount() {
        return shards.size();
    }

    /** Shard {@code index}, for its coordinate arrays. */
    TokenShard shard(int index) {
        return shards.get(index);
    }

    int windowTokens() {
        return windowTokens;
    }

    int k() {
        return k;
    }

    List<String> vocabulary() {
        return vocabulary;
    }

    String stateArray() {
        return stateArray;
    }

    List<String> stateVocabulary() {
        return stateVocabulary;
    }

    /** signal_states: the signal-level cut points of the cell types sampled (in order), else null. */
    Map<String, float[]> stateLevelCuts() {
        if (levelCuts == null) {
            return null;
        }
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        cellTypes().forEach(c -> out.put(c, levelCuts.get(c).clone()));
        return out;
    }

    /** The cell types sampled (the selection, in order). */
    List<String> cellTypes() {
        List<String> out = new ArrayList<>();
        for (int column : cellTypeColumns) {
            out.add(allCellTypes.get(column));
        }
        return out;
    }

    List<String> motifNames() {
        return motifNames;
    }

    int regions() {
        return regions;
    }

    int trainWindows() {
        return trainShard.length;
    }

    int validWindows() {
        return validShard.length;
    }

    long testWindows() {
        return testWindows;
    }

    String holdout() {
        return holdout;
    }

    int trainShard(int i) {
        return trainShard[i];
    }

    int trainRow(int i) {
        return trainRow[i];
    }

    int validShard(int i) {
        return validShard[i];
    }

    int validRow(int i) {
        return validRow[i];
    }

    /** Token ids of one window into {@code into[offset ..]}, {@code count} tokens from {@code first}. */
    void readTokens(int shard, int row, int first, int count, short[] into) {
        ShortBuffer view = tokens.get(shard).data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        view.get((int) ((long) row * windowTokens + first), into, 0, count);
    }

    /** States of one window for the selected cell type {@code cellType} (an index into {@link #cellTypes()}). */
    void readStates(int shard, int row, int cellType, int first, int count, byte[] into) {
        NpyArray a = states.get(shard);
        long windows = a.shape()[1];
        long offset = ((long) cellTypeColumns[cellType] * windows + row) * windowTokens + first;
        a.data().duplicate().get(Math.toIntExact(offset), into, 0, count);
    }

    /** The motif matrix of one window as stored: [motifs, regions], row-major. */
    void readMotifs(int shard, int row, float[] into) {
        int size = motifNames.size() * regions;
        motifs.get(shard).copyFloats((long) row * size, into, size);
    }

    boolean isKmer(int token) {
        return token >= KmerVocabulary.FIRST_KMER;
    }

    @Override
    public void close() {
        for (TokenShard shard : shards) {
            shard.close();
        }
    }
}
