package org.regbert.align;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Class counts of every label task per split, for align-summary.json: positives (any value above 0,
 * so splice donors and acceptors together), negatives, ambiguous and not sampled. Per-cell-type
 * labels are tasks of their own ({@code TASK.CELL}), so they are counted per cell type.
 */
final class LabelCounts {
    static final String[] SPLIT_NAMES = {"train", "validation", "test"};

    /** task -> split -> [positives, negatives, ambiguous, not sampled, unlabelled, excluded]. */
    private final Map<String, long[][]> counts = new LinkedHashMap<>();

    void add(String task, byte[] labels, byte[] split) {
        long[][] perSplit = counts.computeIfAbsent(task, t -> new long[SPLIT_NAMES.length][6]);
        for (int w = 0; w < labels.length; w++) {
            byte label = labels[w];
            int column = label > 0 ? 0 : switch (label) {
                case LabelCodes.NEGATIVE -> 1;
                case LabelCodes.AMBIGUOUS -> 2;
                case LabelCodes.UNLABELLED -> 4;
                case LabelCodes.EXCLUDED -> 5;
                default -> 3;
            };
            perSplit[split[w]][column]++;
        }
    }

    /** {task: {train|validation|test: {positives, negatives, ambiguous, notSampled, unlabelled, excluded}}}. */
    Map<String, Map<String, Map<String, Long>>> describe() {
        Map<String, Map<String, Map<String, Long>>> description = new LinkedHashMap<>();
        counts.forEach((task, perSplit) -> {
            Map<String, Map<String, Long>> splits = new LinkedHashMap<>();
            for (int s = 0; s < SPLIT_NAMES.length; s++) {
                Map<String, Long> classes = new LinkedHashMap<>();
                classes.put("positives", perSplit[s][0]);
                classes.put("negatives", perSplit[s][1]);
                classes.put("ambiguous", perSplit[s][2]);
                classes.put("notSampled", perSplit[s][3]);
                classes.put("unlabelled", perSplit[s][4]);
                classes.put("excluded", perSplit[s][5]);
                splits.put(SPLIT_NAMES[s], classes);
            }
            description.put(task, splits);
        });
        return description;
    }
}
