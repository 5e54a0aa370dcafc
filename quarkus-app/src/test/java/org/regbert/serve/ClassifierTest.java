package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.regbert.common.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What arrives decides the route: labels and VCFs next to references and epigenomes. */
class ClassifierTest {
    static final List<String> HG19 = List.of("hg19", "GRCh37");

    @TempDir
    Path dir;

    @Test
    void tssFilesArePromoterLabelsAndVcfsAreVariants() {
        MetadataCatalog none = new MetadataCatalog();
        Classifier.Decision tss = Classifier.classify("RefSeqTSS.hg19.bed.gz", none, HG19);
        assertEquals(Classifier.Kind.LABELS, tss.kind());
        assertEquals("promoter", tss.task());
        assertEquals(Classifier.Kind.LABELS, Classifier.classify("RefSeqTSS.hg19.chr20-5mb.bed", none, HG19).kind());
        Classifier.Decision named = Classifier.classify("splice.labels.bed.gz", none, HG19);
        assertEquals("splice", named.task());
        assertEquals(Classifier.Kind.VARIANTS, Classifier.classify("gwas-snps.hg19.vcf.gz", none, HG19).kind());
        assertEquals(Classifier.Kind.VARIANTS, Classifier.classify("x.vcf", none, HG19).kind());
        // a TSS file of another assembly is refused, not aligned
        assertEquals(Classifier.Kind.REJECTED, Classifier.classify("RefSeqTSS.hg38.bed.gz", none, HG19).kind());
        // still peaks
        assertEquals(Classifier.Kind.PEAKS, Classifier.classify("uw-dhs-master.hg19.bed.gz", none, HG19).kind());
        // TSS +- 2 kb windows are not TSS positions
        assertEquals(Classifier.Kind.IGNORED, Classifier.classify("RefSeqTSS2kb.hg19.bed.gz", none, HG19).kind());
    }

    @Test
    void encodeTfChipSeqConservativePeaksAreLabelsForTheTarget() throws Exception {
        Path tsv = dir.resolve("metadata.tsv");
        Files.writeString(tsv, "File accession\tFile format\tOutput type\tAssay\tBiosample term name\t"
                + "Experiment target\tFile assembly\n"
                + "ENCFF001CTC\tbed narrowPeak\tconservative IDR thresholded peaks\tTF ChIP-seq\tHepG2\tCTCF-human\thg19\n"
                + "ENCFF001OPT\tbed narrowPeak\toptimal IDR thresholded peaks\tTF ChIP-seq\tHepG2\tCTCF-human\thg19\n",
                StandardCharsets.UTF_8);
        MetadataCatalog m = new MetadataCatalog();
        m.read(tsv);
        Classifier.Decision chip = Classifier.classify("ENCFF001CTC.bed.gz", m, HG19);
        assertEquals(Classifier.Kind.LABELS, chip.kind(), chip.reason());
        assertEquals("CTCF", chip.task());
        assertEquals("HepG2", chip.cellType());
        assertEquals(Classifier.Kind.IGNORED, Classifier.classify("ENCFF001OPT.bed.gz", m, HG19).kind());
    }

    /** ENCODE bigWig signal becomes a signal track (CELL, or CELL.TARGET for ChIP-seq); bigBed peaks are peaks, and labels. */
    @Test
    void encodeBigWigSignalAndBigBedPeaksAreRoutedByTheirRow() throws Exception {
        Path tsv = dir.resolve("metadata.tsv");
        Files.writeString(tsv, "File accession\tFile format\tOutput type\tAssay\tBiosample term name\t"
                + "Experiment target\tFile assembly\n"
                + "ENCFF100DNS\tbigWig\tread-depth normalized signal\tDNase-seq\tK562\t\thg19\n"
                + "ENCFF100FCH\tbigWig\tfold change over control\tHistone ChIP-seq\tK562\tH3K27ac-human\thg19\n"
                + "ENCFF100RAW\tbigWig\traw signal\tRNA-seq\tK562\t\thg19\n"
                + "ENCFF100BBP\tbigBed narrowPeak\tpeaks\tATAC-seq\tGM12878\t\thg19\n"
                + "ENCFF100BBL\tbigBed narrowPeak\tconservative IDR thresholded peaks\tTF ChIP-seq\tHepG2\tCTCF-human\thg19\n"
                + "ENCFF100WIG\tbigWig\tfold change over control\tHistone ChIP-seq\tK562\tH3K4me3-human\tGRCh38\n",
                StandardCharsets.UTF_8);
        MetadataCatalog m = new MetadataCatalog();
        m.read(tsv);
        Classifier.Decision dnase = Classifier.classify("ENCFF100DNS.bigWig", m, HG19);
        assertEquals(Classifier.Kind.SIGNAL, dnase.kind(), dnase.reason());
        assertEquals("K562", dnase.cellType());
        Classifier.Decision mark = Classifier.classify("ENCFF100FCH.bigWig", m, HG19);
        assertEquals(Classifier.Kind.SIGNAL, mark.kind(), mark.reason());
        assertEquals("K562.H3K27ac", mark.cellType());
        Classifier.Decision rna = Classifier.classify("ENCFF100RAW.bigWig", m, HG19);
        assertEquals(Classifier.Kind.IGNORED, rna.kind());
        assertTrue(rna.reason().contains("RNA-seq"), rna.reason());
        Classifier.Decision peaks = Classifier.classify("ENCFF100BBP.bigBed", m, HG19);
        assertEquals(Classifier.Kind.PEAKS, peaks.kind(), peaks.reason());
        assertEquals("GM12878", peaks.cellType());
        // bigBed conservative IDR peaks label the target's task as their BED does (align reads bigBed labels)
        Classifier.Decision labels = Classifier.classify("ENCFF100BBL.bigBed", m, HG19);
        assertEquals(Classifier.Kind.LABELS, labels.kind(), labels.reason());
        assertEquals("CTCF", labels.task());
        assertEquals("HepG2", labels.cellType());
        assertEquals(Classifier.Kind.REJECTED, Classifier.classify("ENCFF100WIG.bigWig", m, HG19).kind());
    }

    @Test
    void aMalformedMetadataTableIsRefusedWithItsLineAndALaterTableUpdatesRows() throws Exception {
        String header = "File accession\tFile format\tOutput type\tAssay\tBiosample term name\tExperiment target\t"
                + "File assembly\n";
        Path bad = dir.resolve("bad-metadata.tsv");
        Files.writeString(bad, header + "ENCFF001CTC\tbed narrowPeak\tpeaks\n", StandardCharsets.UTF_8);
        MetadataCatalog m = new MetadataCatalog();
        BadInputException e = assertThrows(BadInputException.class, () -> m.read(bad));
        assertTrue(e.getMessage().contains("bad-metadata.tsv") && e.getMessage().contains("2"), e.getMessage());
        Path first = dir.resolve("a-metadata.tsv");
        Files.writeString(first, header + "ENCFF001CTC\tbed narrowPeak\tpeaks\tDNase-seq\tK562\t\thg19\n",
                StandardCharsets.UTF_8);
        Path second = dir.resolve("b-metadata.tsv");
        Files.writeString(second, header + "ENCFF001CTC\tbed narrowPeak\tpeaks\tDNase-seq\tHepG2\t\thg19\n",
                StandardCharsets.UTF_8);
        assertEquals(1, m.read(first));
        assertEquals("K562", Classifier.classify("ENCFF001CTC.bed.gz", m, HG19).cellType());
        m.read(second);
        assertEquals("HepG2", Classifier.classify("ENCFF001CTC.bed.gz", m, HG19).cellType());
    }

    @Test
    void holdoutsAreTheLastFifthAndTheTenthBeforeItOfTheFirstContig() throws Exception {
        Path fai = dir.resolve("ref.fa.fai");
        Files.writeString(fai, "20\t5000000\t4\t60\t61\n21\t100\t5083338\t60\t61\n", StandardCharsets.US_ASCII);
        assertEquals(List.of("--valid", "20:3500000-4000000", "--test", "20:4000000-5000000"), ReferenceContigs.holdouts(fai));
    }
}
