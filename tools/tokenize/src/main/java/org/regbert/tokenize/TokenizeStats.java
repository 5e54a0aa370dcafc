package org.regbert.tokenize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.regbert.genome.Inflaters;

/** What a run did: windows written, windows skipped and why, bases covered, time spent. */
final class TokenizeStats {
    long windowsWritten;
    long tokensWritten;
    long basesScanned;
    final Map<String, Long> skipped = new TreeMap<>();
    Map<String, Long> aliasesUsed = Map.of();
    Map<String, Long> skippedContigs = Map.of();
    /** Characters that are no nucleotide (nor IUPAC code) per contig, in reference order; only contigs with some. */
    final Map<String, Long> nonNucleotides = new LinkedHashMap<>();
    /** Contigs genome-wide tiling left out by {@link ContigConventions} (no --all-contigs). */
    final List<String> conventionSkipped = new ArrayList<>();
    /** The --exclude regions read, or null. */
    Map<String, Object> exclude;
    double secondsChecksums;
    double secondsTokenizing;
    int shards;

    void skip(String reason) {
        skipped.merge(reason, 1L, Long::sum);
    }

    /** Counts a batch's windows, skips and bases once it reached the writer. */
    void add(WindowBatch batch) {
        windowsWritten += batch.windows();
        tokensWritten += (long) batch.windows() * batch.windowTokens();
        basesScanned += batch.basesScanned;
        batch.skipped.forEach((reason, n) -> skipped.merge(reason, n, Long::sum));
        if (batch.nonNucleotides > 0) {
            nonNucleotides.merge(batch.contigName, batch.nonNucleotides, Long::sum);
        }
    }

    long nonNucleotideTotal() {
        return nonNucleotides.values().stream().mapToLong(Long::longValue).sum();
    }

    long skippedTotal() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("windows", windowsWritten);
        map.put("tokens", tokensWritten);
        map.put("shards", shards);
        map.put("basesScanned", basesScanned);
        map.put("skippedWindows", skipped);
        map.put("nonNucleotideCharacters", nonNucleotides);
        map.put("contigAliasesUsed", aliasesUsed);
        map.put("intervalsSkippedOnMissingContigs", skippedContigs);
        map.put("skippedContigs", conventionSkipped);
        if (exclude != null) {
            map.put("exclude", exclude);
        }
        map.put("secondsReferenceChecksums", round(secondsChecksums));
        map.put("secondsTokenizing", round(secondsTokenizing));
        map.put("basesPerSecond", secondsTokenizing > 0 ? Math.round(basesScanned / secondsTokenizing) : 0);
        map.put("bgzipInflater", Inflaters.accelerated() ? "ISA-L (Intel GKL)" : "zlib (JDK)");
        return map;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
