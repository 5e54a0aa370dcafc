package org.regbert.finetune;

import java.util.Locale;
import org.regbert.common.BadInputException;

/** How a window's hidden states become one vector for the head (DNABERT users ask for both). */
public enum Pooling {
    /** The [CLS] position's state. */
    CLS,
    /** The mean over the window's token positions ([CLS], [SEP] and [PAD] left out). */
    MEAN,
    /**
     * The middle token's state (of n window tokens, token (n - 1) / 2, rounded down): for windows
     * centred on what is classified (splice sites, variants), whose label is about one place.
     */
    CENTER;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Pooling parse(String id) {
        try {
            return valueOf(id.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--pooling " + id + ": expected mean, cls or center");
        }
    }
}
