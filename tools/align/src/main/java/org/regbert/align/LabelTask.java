package org.regbert.align;

import java.util.Map;

/** One labelling task: a label (and optionally a level) for the bin of each window. */
interface LabelTask {
    String name();

    /** What the labels mean, for the manifest. */
    Map<String, Object> describe();

    /** The label of window {@code w} (see {@link LabelCodes}). */
    byte label(WindowCoordinates windows, int w, int bin);

    /** Whether the task also writes {@code label_<name>_level} (int16). */
    default boolean hasLevels() {
        return false;
    }

    /** The level of window {@code w} (0 when none); only when {@link #hasLevels()}. */
    default short level(WindowCoordinates windows, int w, int bin) {
        return 0;
    }
}
