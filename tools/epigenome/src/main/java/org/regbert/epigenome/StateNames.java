package org.regbert.epigenome;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * State numbers in the names ChromHMM and Roadmap write: {@code E7} (segmentations, ChromHMM's
 * ordering letter then the number), {@code 7} (dense files without labels), {@code 7_Enh} or
 * {@code 7 Weak Enhancer} (labelled). States order by that number (so {@code E10} follows
 * {@code E9}); names without a number order as text, after numbered ones.
 */
final class StateNames {
    private static final Pattern NUMBERED = Pattern.compile("^[A-Za-z]?(\\d{1,4})(?:[_ ].*)?$");

    static final Comparator<String> MODEL_ORDER = (a, b) -> {
        int na = number(a);
        int nb = number(b);
        if (na >= 0 && nb >= 0 && na != nb) {
            return Integer.compare(na, nb);
        }
        if ((na >= 0) != (nb >= 0)) {
            return na >= 0 ? -1 : 1;
        }
        return a.compareTo(b);
    };

    private StateNames() {
    }

    /** The state number in {@code name}, or -1 when it has none. */
    static int number(String name) {
        Matcher matcher = NUMBERED.matcher(name);
        return matcher.matches() ? Integer.parseInt(matcher.group(1)) : -1;
    }
}
