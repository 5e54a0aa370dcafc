package org.regbert.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GRCh38 conventions on a small FASTA with GRCh38's contig names: genome-wide tiling leaves out
 * alt, random, chrUn, HLA and EBV contigs unless --all-contigs, and --exclude (a blacklist) drops
 * the windows it touches. Windows are 100 bases (95 6-mers) every 100 bases, so a contig of L
 * bases has L / 100 of them; every count below is worked out from that.
 */
class TokenizeGrch38Test {
    static final List<String> SKIPPED = List.of("chr1_KI270706v1_random", "chrUn_GL000195v1", "chr6_GL000250v2_alt",
            "HLA-A*01:01:01:01", "chrEBV");

    @TempDir
    Path dir;
    Path fasta;

    @BeforeEach
    void genome() throws IOException {
        Map<String, String> random = Fixtures.randomGenome(38, 1000, 300, 300, 300, 300, 300, 500);
        List<String> names = new ArrayList<>();
        names.add("chr1");
        names.addAll(SKIPPED);
        names.add("chr2");
        Map<String, String> genome = new LinkedHashMap<>();
        int i = 0;
        for (String bases : random.values()) {
            genome.put(names.get(i++), bases);
        }
        fasta = Fixtures.writeFasta(dir.resolve("grch38.fa"), genome);
    }

    private JsonNode tokenize(Path out, String... extra) throws IOException {
        List<String> args = Fixtures.args("--reference", fasta, "--kmer", 6, "--window", 95, "--stride", 100,
                "--output", out, "--quiet");
        args.addAll(List.of(extra));
        Fixtures.Run run = Fixtures.tokenize(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.stderr());
        return new ObjectMapper().readTree(out.resolve(TokenizeRun.SUMMARY).toFile());
    }

    private static Map<String, Long> windowsPerContig(Path out) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (ShardContents.Window w : ShardContents.read(out).windows()) {
            counts.merge(w.contig(), 1L, Long::sum);
        }
        return counts;
    }

    @Test
    void genomeWideTilingSkipsAltRandomUnplacedHlaAndEbvContigs() throws IOException {
        Path out = dir.resolve("default");
        JsonNode summary = tokenize(out);
        // chr1 1000 bases -> 10 windows, chr2 500 -> 5; the five others are not tiled.
        assertEquals(Map.of("chr1", 10L, "chr2", 5L), windowsPerContig(out));
        assertEquals(15, summary.path("windows").asLong());
        List<String> skipped = new ArrayList<>();
        summary.path("skippedContigs").forEach(n -> skipped.add(n.asText()));
        assertEquals(SKIPPED, skipped);
    }

    @Test
    void allContigsKeepsThemAndContigsNamesThemExplicitly() throws IOException {
        Path all = dir.resolve("all");
        JsonNode summary = tokenize(all, "--all-contigs");
        // 15 as above + 5 contigs x 300 bases -> 3 windows each.
        assertEquals(30, summary.path("windows").asLong());
        assertEquals(0, summary.path("skippedContigs").size());
        assertEquals(3L, windowsPerContig(all).get("HLA-A*01:01:01:01"));

        Path ebv = dir.resolve("ebv");
        tokenize(ebv, "--contigs", "chrEBV");
        assertEquals(Map.of("chrEBV", 3L), windowsPerContig(ebv));
    }

    @Test
    void excludeDropsEveryWindowSharingABaseWithTheBlacklist() throws IOException {
        // chr1 250-260 -> window 200-300; 599-601 -> 500-600 and 600-700; 890-900 -> 800-900 (not 900-1000: ends
        // are exclusive); chr2 0-1 -> 0-100; the chrUn line touches a contig not tiled; chr9 is not in the FASTA.
        Path blacklist = Files.writeString(dir.resolve("blacklist.bed"), "chr1\t250\t260\nchr1\t599\t601\n"
                + "chr1\t890\t900\nchr2\t0\t1\nchrUn_GL000195v1\t0\t100\nchr9\t0\t100\n");
        Path out = dir.resolve("excluded");
        JsonNode summary = tokenize(out, "--exclude", blacklist.toString());
        List<Long> chr1 = new ArrayList<>();
        List<Long> chr2 = new ArrayList<>();
        for (ShardContents.Window w : ShardContents.read(out).windows()) {
            (w.contig().equals("chr1") ? chr1 : chr2).add(w.start());
        }
        assertEquals(List.of(0L, 100L, 300L, 400L, 700L, 900L), chr1);
        assertEquals(List.of(100L, 200L, 300L, 400L), chr2);
        assertEquals(10, summary.path("windows").asLong());
        assertEquals(5, summary.path("skippedWindows").path(ParallelTokenizer.SKIP_EXCLUDED).asLong(),
                summary.toString());
        assertEquals(5, summary.path("exclude").path("intervals").asLong(), "six lines, the chr9 one skipped");
        assertEquals(1, summary.path("exclude").path("linesSkippedOnMissingContigs").path("chr9").asLong());
    }

    @Test
    void aFastaOfOnlySkippedContigsSaysToPassAllContigs() throws IOException {
        Path only = Fixtures.writeFasta(dir.resolve("alts.fa"), Map.of("chr6_GL000250v2_alt", "ACGT".repeat(50)));
        Fixtures.Run run = Fixtures.tokenize("--reference", only.toString(), "--window", "95", "--output",
                dir.resolve("none").toString(), "--quiet");
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("--all-contigs"), run.stderr());
    }
}
