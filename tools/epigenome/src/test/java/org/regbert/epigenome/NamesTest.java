package org.regbert.epigenome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cell type names, FILE:CELL options, format detection by name and content, and state order. */
class NamesTest {
    @TempDir
    Path dir;

    @Test
    void cellTypesFromFileNames() {
        assertEquals("GM12878", CellTypeNames.fromFileName(Path.of("/x/GM12878_10_segments.bed.gz")));
        assertEquals("E003", CellTypeNames.fromFileName(Path.of("E003_15_coreMarks_dense.bed.gz")));
        assertEquals("E116", CellTypeNames.fromFileName(Path.of("E116_18_core_K27ac_hg38lift_mnemonics.bed.gz")));
        assertEquals("E017", CellTypeNames.fromFileName(Path.of("E017_25_imputed12marks_expanded.bed")));
        assertEquals("HUVEC_umbilical", CellTypeNames.fromFileName(Path.of("HUVEC_umbilical_15_dense.bed")));
        assertEquals("K562", CellTypeNames.fromFileName(Path.of("K562_chr11_binary.txt.gz")));
        assertEquals("K562", CellTypeNames.fromFileName(Path.of("K562.narrowPeak.gz")));
        assertEquals("HeLa-S3_dnase", CellTypeNames.fromFileName(Path.of("HeLa-S3_dnase.bed")));
        assertEquals("ENCFF123ABC", EncodeMetadata.accessionOf(Path.of("/d/ENCFF123ABC.bed.gz")));
        assertNull(EncodeMetadata.accessionOf(Path.of("GM12878_10_segments.bed.gz")));
    }

    @Test
    void fileColonCellOptions() {
        assertEquals(new TrackSpec(Path.of("/data/a.bed.gz"), "GM12878"), TrackSpec.parse("/data/a.bed.gz:GM12878"));
        assertEquals(new TrackSpec(Path.of("a.bed"), null), TrackSpec.parse("a.bed"));
        assertEquals(new TrackSpec(Path.of("odd:dir/a.bed"), null), TrackSpec.parse("odd:dir/a.bed"));
        assertEquals(new TrackSpec(Path.of("x.bed"), "liver tissue"), TrackSpec.parse("x.bed:liver tissue"));
    }

    @Test
    void formatsByNameAndContent() throws IOException {
        assertEquals(TrackFormat.CHROMHMM_BINARY, FormatDetector.detect(Fixtures.binarized("K562")));
        assertEquals(TrackFormat.CHROMHMM_SEGMENTS, FormatDetector.detect(Fixtures.segmentation("K562")));
        assertEquals(TrackFormat.NARROW_PEAK, FormatDetector.byName("ENCFF1.NarrowPeak.gz"));
        assertEquals(TrackFormat.BROAD_PEAK, FormatDetector.byName("h3k27me3.broadPeak"));
        assertEquals(TrackFormat.ROADMAP_EXPANDED, FormatDetector.byName("E003_15_coreMarks_expanded.bed.gz"));
        assertEquals(TrackFormat.NARROW_PEAK, FormatDetector.byEncodeFormat("bed narrowPeak"));
        assertEquals(TrackFormat.BED_PEAKS, FormatDetector.byEncodeFormat("bed bed3+"));
        // Content only: the same binarized rows under a neutral name, and a narrowPeak line.
        Path binary = Fixtures.write(dir.resolve("cells.txt"), "GM12878\tchr11\nCTCF\tH3K4me3\n0\t0\n1\t0\n");
        assertEquals(TrackFormat.CHROMHMM_BINARY, FormatDetector.detect(binary));
        Path narrow = Fixtures.write(dir.resolve("peaks.txt"), "chr1\t10\t20\tp\t0\t.\t3.5\t-1\t2.1\t5\n");
        assertEquals(TrackFormat.NARROW_PEAK, FormatDetector.detect(narrow));
        Path broad = Fixtures.write(dir.resolve("broad.txt"), "chr1\t10\t20\tp\t0\t.\t3.5\t-1\t2.1\n");
        assertEquals(TrackFormat.BROAD_PEAK, FormatDetector.detect(broad));
    }

    @Test
    void statesOrderByNumber() {
        List<String> names = new ArrayList<>(List.of("E10", "E2", "E1", "E9"));
        names.sort(StateNames.MODEL_ORDER);
        assertEquals(List.of("E1", "E2", "E9", "E10"), names);
        List<String> labelled = new ArrayList<>(List.of("15_Quies", "2_TssAFlnk", "10_TssBiv", "1_TssA", "8_ZNF/Rpts"));
        labelled.sort(StateNames.MODEL_ORDER);
        assertEquals(List.of("1_TssA", "2_TssAFlnk", "8_ZNF/Rpts", "10_TssBiv", "15_Quies"), labelled);
        assertEquals(7, StateNames.number("7 Weak Enhancer"));
        assertEquals(-1, StateNames.number("Enhancer"));
        assertEquals(12, StateNames.number("U12"));
    }
}
