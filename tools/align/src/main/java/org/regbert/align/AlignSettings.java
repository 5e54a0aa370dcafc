package org.regbert.align;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The validated options of one align run. */
record AlignSettings(
        Path shards,
        Path output,
        List<String> states,
        List<String> peaks,
        int peakLevels,
        Path metadata,
        Path motifs,
        int regionsPerWindow,
        Path motifFactors,
        int motifTop,
        String motifBackground,
        Map<String, Path> labels,
        Map<String, Path> ambiguous,
        int labelBin,
        Double negativesPerPositive,
        boolean matchedNegatives,
        boolean sampleValidation,
        boolean sampleTest,
        long seed,
        List<String> valid,
        List<String> test,
        List<String> contigAliases,
        boolean skipMissingContigs,
        Path liftover,
        double liftoverMinMatch,
        int threads,
        boolean overwrite,
        boolean quiet,
        List<String> command,
        Path exclude,
        List<String> signals,
        Integer signalLevels) {
}
