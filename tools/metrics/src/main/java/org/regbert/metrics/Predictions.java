package org.regbert.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One model's scores for one task and cell type, window by window, with what evaluation needs
 * from the shards: labels, split and position. Written by the finetune/score stages as
 * {@code predictions.npz} ({@link PredictionsFile}).
 *
 * @param kind how scores and labels are read
 * @param classNames class names for multi-class tasks (size {@code classes}); for binary and
 *     regression tasks the single name of what is predicted
 * @param classes score columns: 1 for binary and regression, K for K-class tasks
 * @param scores row-major [N, classes]: probabilities or logits (higher means more positive)
 * @param labels int8 [N] as in the shards: class id or 1/0, negative = excluded (DREAM "A", not
 *     sampled); for regression, negative marks windows left out
 * @param targets float [N] measured levels for regression, null otherwise
 * @param split int8 [N]: 0 train, 1 validation, 2 test
 * @param contig int32 [N] index into {@code contigNames}
 * @param start int64 [N] 0-based window start; {@code end} exclusive end
 * @param coordinates whether contigs are genomic sequences (block bootstrap over genomic blocks)
 *     or FASTA records cut from anywhere (the records themselves are the resampling units)
 */
public record Predictions(String task, String cellType, String model, Kind kind, List<String> classNames,
        int classes, float[] scores, byte[] labels, float[] targets, byte[] split, int[] contig,
        List<String> contigNames, long[] start, long[] end, Coordinates coordinates) {

    /** What a window's contig and position mean. */
    public enum Coordinates {
        /** Contigs of a reference genome (tiling or BED regions): nearby windows are correlated. */
        GENOME("genome"),
        /** Records of a FASTA of short sequences (tokenize --fasta-records): no genomic position. */
        FASTA_RECORDS("fasta-records");

        private final String id;

        Coordinates(String id) {
            this.id = id;
        }

        /** As in the shards' {@code tokenizer.source} and the predictions manifest. */
        public String id() {
            return id;
        }

        /** From a shard's {@code tokenizer.source} or a manifest's {@code coordinates}; null or unknown means genome. */
        public static Coordinates of(String id) {
            return FASTA_RECORDS.id.equals(id) ? FASTA_RECORDS : GENOME;
        }
    }

    /** Genomic windows (what every regbert stage wrote before coordinates were recorded). */
    public Predictions(String task, String cellType, String model, Kind kind, List<String> classNames,
            int classes, float[] scores, byte[] labels, float[] targets, byte[] split, int[] contig,
            List<String> contigNames, long[] start, long[] end) {
        this(task, cellType, model, kind, classNames, classes, scores, labels, targets, split, contig, contigNames,
                start, end, Coordinates.GENOME);
    }

    /** What the scores predict. */
    public enum Kind {
        BINARY, MULTICLASS, REGRESSION;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Kind parse(String id) {
            return valueOf(id.toUpperCase(java.util.Locale.ROOT));
        }
    }

    public Predictions {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(cellType, "cellType");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(coordinates, "coordinates");
        classNames = List.copyOf(classNames);
        contigNames = List.copyOf(contigNames);
        int n = labels.length;
        if ((kind == Kind.MULTICLASS) != (classes > 1) || classes < 1) {
            throw new IllegalArgumentException(kind.id() + " predictions with " + classes + " score columns");
        }
        if (scores.length != (long) n * classes || split.length != n || contig.length != n
                || start.length != n || end.length != n || (targets != null && targets.length != n)) {
            throw new IllegalArgumentException("arrays of " + n + " windows differ in length");
        }
        if ((kind == Kind.REGRESSION) != (targets != null)) {
            throw new IllegalArgumentException("targets are required for regression and only for it");
        }
        if (kind == Kind.MULTICLASS && classNames.size() != classes) {
            throw new IllegalArgumentException(classes + " classes but " + classNames.size() + " class names");
        }
        for (int c : contig) {
            if (c < 0 || c >= contigNames.size()) {
                throw new IllegalArgumentException("contig index " + c + " outside " + contigNames.size() + " names");
            }
        }
    }

    public int windows() {
        return labels.length;
    }

    /** The windows of one split (0 train, 1 validation, 2 test), or all when {@code split < 0}. */
    public Predictions select(int wanted) {
        if (wanted < 0) {
            return this;
        }
        int[] keep = java.util.stream.IntStream.range(0, windows()).filter(i -> split[i] == wanted).toArray();
        float[] s = new float[keep.length * classes];
        byte[] l = new byte[keep.length];
        float[] t = targets == null ? null : new float[keep.length];
        byte[] sp = new byte[keep.length];
        int[] c = new int[keep.length];
        long[] st = new long[keep.length];
        long[] en = new long[keep.length];
        for (int k = 0; k < keep.length; k++) {
            int i = keep[k];
            System.arraycopy(scores, i * classes, s, k * classes, classes);
            l[k] = labels[i];
            if (t != null) {
                t[k] = targets[i];
            }
            sp[k] = split[i];
            c[k] = contig[i];
            st[k] = start[i];
            en[k] = end[i];
        }
        return new Predictions(task, cellType, model, kind, classNames, classes, s, l, t, sp, c, contigNames, st, en,
                coordinates);
    }

    /** The same windows and scores under another model name. */
    public Predictions withModel(String name) {
        return new Predictions(task, cellType, name, kind, classNames, classes, scores, labels, targets, split, contig,
                contigNames, start, end, coordinates);
    }

    /** The same windows and scores under another cell type. */
    public Predictions withCellType(String name) {
        return new Predictions(task, name, model, kind, classNames, classes, scores, labels, targets, split, contig,
                contigNames, start, end, coordinates);
    }

    /**
     * Null when {@code other} scores the same windows in the same order with the same labels
     * (what a paired comparison needs), else why not.
     */
    public String windowMismatch(Predictions other) {
        if (windows() != other.windows()) {
            return windows() + " windows against " + other.windows();
        }
        if (kind != other.kind || classes != other.classes) {
            return kind.id() + " with " + classes + " columns against " + other.kind.id() + " with " + other.classes;
        }
        for (int i = 0; i < windows(); i++) {
            if (start[i] != other.start[i] || end[i] != other.end[i]
                    || !contigNames.get(contig[i]).equals(other.contigNames.get(other.contig[i]))) {
                return "window " + i + " is " + describe(i) + " against " + other.describe(i);
            }
            if (labels[i] != other.labels[i] || (targets != null && Float.compare(targets[i], other.targets[i]) != 0)) {
                return "window " + i + " (" + describe(i) + ") has different labels";
            }
        }
        return null;
    }

    /** {@code contig:start-end} of window i. */
    public String describe(int i) {
        return contigNames.get(contig[i]) + ":" + start[i] + "-" + end[i];
    }

    @Override
    public String toString() {
        return "Predictions[" + model + " " + task + "/" + cellType + ", " + kind.id() + ", " + windows()
                + " windows" + (classes > 1 ? ", " + classes + " classes" : "") + ", splits "
                + Arrays.toString(countSplits()) + "]";
    }

    private int[] countSplits() {
        int[] counts = new int[3];
        for (byte s : split) {
            if (s >= 0 && s < 3) {
                counts[s]++;
            }
        }
        return counts;
    }
}
