package org.regbert.tokenize;

import java.nio.file.Path;
import java.util.List;

/** The validated options of one tokenize run. */
record TokenizeSettings(
        Path reference,
        Path regions,
        boolean fastaRecords,
        WindowGeometry geometry,
        boolean reverseComplement,
        double maxNFraction,
        boolean softmaskArray,
        List<String> contigs,
        List<String> contigAliases,
        boolean skipMissingContigs,
        boolean ignoreStrand,
        String assembly,
        int windowsPerShard,
        int threads,
        Path output,
        boolean overwrite,
        boolean quiet,
        List<String> command,
        boolean strictBases,
        boolean allContigs,
        Path exclude) {

    String source() {
        return regions != null ? "regions" : fastaRecords ? "fasta-records" : "genome";
    }
}
