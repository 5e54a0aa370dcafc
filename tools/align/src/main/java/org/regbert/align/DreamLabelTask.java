package org.regbert.align;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The labels of one cell type of an ENCODE-DREAM label table, written as {@code
 * label_<factor>.<cell type>} (the per-cell-type arrays finetune reads as one task over cell
 * types). The table decides which bin labels a window, so {@code --label-bin} does not apply.
 */
final class DreamLabelTask implements LabelTask {
    private final String factor;
    private final DreamLabelTable table;
    private final int cell;

    DreamLabelTask(String factor, DreamLabelTable table, int cell) {
        this.factor = factor;
        this.table = table;
        this.cell = cell;
    }

    @Override
    public String name() {
        return factor + "." + table.cellTypes().get(cell);
    }

    @Override
    public byte label(WindowCoordinates windows, int w, int bin) {
        return table.label(windows, w, cell);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("kind", "dream-labels");
        description.put("labels", table.file().toString());
        description.put("factor", factor);
        description.put("cellType", table.cellTypes().get(cell));
        description.put("bins", table.bins());
        description.put("window", "a window on the table's grid takes its own bin's label; any other window the"
                + " label of the bin that contains its centre with the nearest centre (ties: the lower start)");
        description.put("values", new TreeMap<>(Map.of("1", "B: bound", "0", "U: unbound", "-1", "A: ambiguous, excluded",
                "-2", "negative not sampled", "-3", "no bin contains the window's centre", "-4",
                "window overlaps --exclude")));
        if (!table.skippedLines().isEmpty()) {
            description.put("linesSkippedOnMissingContigs", table.skippedLines());
        }
        return description;
    }
}
