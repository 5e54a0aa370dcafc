package org.regbert.motifs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.regbert.common.KitData;

/** Paths into the real data kit: {@code -Dregbert.data}, {@code REGBERT_DATA}, or ../shared/data above. */
final class TestData {
    private TestData() {
    }

    static Path dir() {
        return KitData.root();
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
