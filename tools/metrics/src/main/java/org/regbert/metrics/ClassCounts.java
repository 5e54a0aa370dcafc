package org.regbert.metrics;

/**
 * The windows of the evaluated split by label: how many were scored in each class and how many
 * were left out, and why. Shown in every report header so a reader sees the class ratio the
 * ranking metrics were measured at.
 *
 * @param scored windows that entered the metrics
 * @param perClass scored windows by label: binary {@code [negatives, positives]}, multi-class one
 *     count per class id, regression empty
 * @param ambiguous left out with label −1 (DREAM "A": relaxed-only peaks)
 * @param notSampled left out with label −2 (a negative not drawn by align's sampling)
 * @param otherExcluded left out for another reason (another negative label; regression: no finite target)
 */
public record ClassCounts(int scored, long[] perClass, int ambiguous, int notSampled, int otherExcluded) {

    /** Counts of one task's windows (already restricted to the evaluated split). */
    static ClassCounts of(Predictions p) {
        int classes = switch (p.kind()) {
            case BINARY -> 2;
            case MULTICLASS -> p.classes();
            case REGRESSION -> 0;
        };
        long[] perClass = new long[classes];
        int scored = 0;
        int ambiguous = 0;
        int notSampled = 0;
        int other = 0;
        for (int i = 0; i < p.windows(); i++) {
            byte label = p.labels()[i];
            if (label == -1) {
                ambiguous++;
            } else if (label == -2) {
                notSampled++;
            } else if (label < 0 || (p.targets() != null && !Float.isFinite(p.targets()[i]))) {
                other++;
            } else {
                scored++;
                if (label < classes) {
                    perClass[label]++;
                }
            }
        }
        return new ClassCounts(scored, perClass, ambiguous, notSampled, other);
    }

    public int excluded() {
        return ambiguous + notSampled + otherExcluded;
    }
}
