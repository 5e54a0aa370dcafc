package org.regbert.common;

import java.time.Instant;

/** Creation times for manifests and provenance. */
public final class Timestamps {
    private Timestamps() {
    }

    /** Now in UTC, or {@code SOURCE_DATE_EPOCH} when set, so reruns can be byte-identical. */
    public static String created() {
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        Instant instant = epoch != null && epoch.matches("\\d+") ? Instant.ofEpochSecond(Long.parseLong(epoch))
                : Instant.now();
        return instant.toString();
    }
}
