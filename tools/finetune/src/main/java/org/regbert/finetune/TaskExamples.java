package org.regbert.finetune;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.regbert.common.BadInputException;
import org.regbert.shards.NpyArray;
import org.regbert.shards.TokenShard;

/**
 * The labelled examples of a task in a set of shards: (window, cell type) pairs whose label is
 * known (align's negative values — DREAM "ambiguous", negatives not drawn, no DREAM bin, excluded
 * — are left out, and so are windows align's {@code excluded} array marks), with
 * their split (align's {@code split}: 0 train, 1 validation, 2 test) and position.
 *
 * <p>Labels are per cell type when the shards hold {@code label_<task>.<cell type>} arrays (TF
 * binding in several cell types), else one {@code label_<task>} for every cell type.
 */
public final class TaskExamples {
    final int size;
    final int tasks;
    final int[] shard;
    final int[] row;
    final String[] cellType;
    /** Labels [size * tasks]; negative = unknown for that task (multi-label). */
    final byte[] labels;
    /** Regression targets [size] (align's label_<task>_level), else null. */
    final float[] targets;
    final byte[] split;

    private TaskExamples(int size, int tasks, int[] shard, int[] row, String[] cellType, byte[] labels, float[] targets,
            byte[] split) {
        this.size = size;
        this.tasks = tasks;
        this.shard = shard;
        this.row = row;
        this.cellType = cellType;
        this.labels = labels;
        this.targets = targets;
        this.split = split;
    }

    /** Cell types with per-cell-type labels of {@code task} ({@code label_<task>.<cell type>}), sorted. */
    static List<String> labelCellTypes(TokenShard shard, String task) {
        Set<String> cells = new TreeSet<>();
        String prefix = "label_" + task + ".";
        for (String member : shard.archive().memberNames()) {
            if (member.startsWith(prefix) && member.length() > prefix.length() + 4 && member.endsWith(".npy")
                    && !member.endsWith("_level.npy")) {
                cells.add(member.substring(prefix.length(), member.length() - 4));
            }
        }
        return List.copyOf(cells);
    }

    /** The label array of {@code task} for {@code cellType} in a shard. */
    static String labelArray(String task, String cellType, boolean perCellType) {
        return "label_" + task + (perCellType ? "." + cellType : "");
    }

    /**
     * Every example of {@code spec}'s tasks for {@code cellTypes} ("" when the model reads no cell
     * type), in shard, cell type, row order.
     */
    static TaskExamples collect(ShardInputs inputs, TaskSpec spec, List<String> cellTypes) {
        return collect(inputs.shards, spec, cellTypes);
    }

    /** As {@link #collect(ShardInputs, TaskSpec, List)}, from open shards (models other than finetune's read these). */
    static TaskExamples collect(List<TokenShard> shards, TaskSpec spec, List<String> cellTypes) {
        int t = spec.tasks().size();
        boolean regression = spec.head() == HeadKind.REGRESSION;
        List<int[]> keep = new ArrayList<>();
        List<String> keepCells = new ArrayList<>();
        ByteList labels = new ByteList();
        List<Float> targets = new ArrayList<>();
        ByteList split = new ByteList();
        for (int s = 0; s < shards.size(); s++) {
            TokenShard shard = shards.get(s);
            int n = (int) shard.windows();
            NpyArray splitArray = shard.hasArray("split") ? shard.array("split") : null;
            // align --exclude (e.g. the ENCODE blacklist): such windows are never trained on nor scored.
            NpyArray excluded = shard.hasArray("excluded") ? shard.array("excluded") : null;
            for (String cell : cellTypes) {
                NpyArray[] label = new NpyArray[t];
                for (int k = 0; k < t; k++) {
                    String name = labelArray(spec.tasks().get(k), cell, spec.perCellTypeLabels());
                    if (!shard.hasArray(name)) {
                        throw new BadInputException(shard.file(), "has no '" + name + "' array: label the shards with"
                                + " 'regbert align --labels " + name.substring(6) + "=FILE'");
                    }
                    label[k] = shard.array(name);
                }
                NpyArray level = null;
                if (regression) {
                    String name = labelArray(spec.tasks().get(0), cell, spec.perCellTypeLabels()) + "_level";
                    if (!shard.hasArray(name)) {
                        throw new BadInputException(shard.file(), "has no '" + name + "' array: regression reads the"
                                + " levels align writes for MCV-n intervals");
                    }
                    level = shard.array(name);
                }
                for (int r = 0; r < n; r++) {
                    if (excluded != null && excluded.getByte(r) != 0) {
                        continue;
                    }
                    boolean known = false;
                    for (int k = 0; k < t; k++) {
                        known |= label[k].getByte(r) >= 0;
                    }
                    if (!known) {
                        continue;
                    }
                    keep.add(new int[] {s, r});
                    keepCells.add(cell);
                    for (int k = 0; k < t; k++) {
                        labels.add(label[k].getByte(r));
                    }
                    if (level != null) {
                        targets.add((float) (short) level.getUnsignedShort(r));
                    }
                    split.add(splitArray == null ? (byte) 0 : splitArray.getByte(r));
                }
            }
        }
        int size = keep.size();
        int[] shard = new int[size];
        int[] row = new int[size];
        for (int i = 0; i < size; i++) {
            shard[i] = keep.get(i)[0];
            row[i] = keep.get(i)[1];
        }
        float[] target = null;
        if (regression) {
            target = new float[size];
            for (int i = 0; i < size; i++) {
                target[i] = targets.get(i);
            }
        }
        return new TaskExamples(size, t, shard, row, keepCells.toArray(String[]::new), labels.toArray(), target,
                split.toArray());
    }

    /** Indices of the examples in {@code splitId} whose cell type is in {@code cells} (null: any). */
    int[] select(int splitId, Set<String> cells) {
        int count = 0;
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            if (split[i] == splitId && (cells == null || cells.contains(cellType[i]))) {
                out[count++] = i;
            }
        }
        return java.util.Arrays.copyOf(out, count);
    }

    /** Label of example {@code i} for task {@code k}. */
    byte label(int i, int k) {
        return labels[i * tasks + k];
    }

    /** A growable byte array. */
    private static final class ByteList {
        private byte[] data = new byte[1024];
        private int size;

        void add(byte value) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, size * 2);
            }
            data[size++] = value;
        }

        byte[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
