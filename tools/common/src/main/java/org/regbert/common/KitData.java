package org.regbert.common;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the real-data kit is (hg19 chr20, ChromHMM, DHSs, JASPAR, ...): {@code -Dregbert.data},
 * else {@code $REGBERT_DATA}, else the {@code shared/data} folder beside the nearest ancestor of
 * the working directory (a checkout's {@code ../shared/data}, from any module). Used by tests and
 * benchmarks; the stages themselves only read the files they are given.
 */
public final class KitData {
    private KitData() {
    }

    public static Path root() {
        String configured = System.getProperty("regbert.data", System.getenv("REGBERT_DATA"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/data");
            if (Files.isRegularFile(candidate.resolve("README.md"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("the data kit (../shared/data) was not found: set -Dregbert.data or REGBERT_DATA");
    }

    /** The kit's hg19 chr20 (bgzip, with .fai and .gzi; contig {@code 20}). */
    public static Path chr20() {
        return root().resolve("genome/hg19.chr20.fa.gz");
    }
}
