package org.regbert.motifs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths into the real data kit: {@code -Dregbert.data}, {@code REGBERT_DATA}, or ../shared/data above. */
final class TestData {
    private TestData() {
    }

    static Path dir() {
        String configured = System.getProperty("regbert.data", System.getenv("REGBERT_DATA"));
        if (configured != null && Files.isDirectory(Path.of(configured))) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/data");
            if (Files.isRegularFile(candidate.resolve("README.md"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("the data kit (../shared/data) was not found; set REGBERT_DATA");
    }

    static Path file(String relative) {
        Path path = dir().resolve(relative);
        assertTrue(Files.isRegularFile(path), "missing data kit file " + path);
        return path;
    }

    static Path jaspar() {
        return file("motifs/JASPAR2022_vertebrates.pfm");
    }

    static Path factors() {
        return file("motifs/JASPAR2022_vertebrates.motif2factors.txt");
    }

    static Path chr20() {
        return file("genome/hg19.chr20.fa.gz");
    }
}
