package org.regbert.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import htsjdk.samtools.util.BlockCompressedOutputStream;
import htsjdk.samtools.util.CloseableIterator;
import htsjdk.samtools.util.IOUtil;
import htsjdk.variant.variantcontext.VariantContext;
import htsjdk.variant.vcf.VCFFileReader;
import htsjdk.variant.vcf.VCFHeader;
import htsjdk.variant.vcf.VCFHeaderLineCount;
import htsjdk.variant.vcf.VCFInfoHeaderLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.genome.ReferenceGenome;

/**
 * Variant effects for the kit's GWAS SNPs on chr20 (a VCF built from the BED: REF from the
 * reference, an ALT base), plus flipped REFs, an insertion, a deletion, a multi-allelic record and
 * a record on a contig the reference lacks.
 */
class VariantScoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FLIPPED = 3;
    private static Path vcf;
    private static Path snpBed;
    private static int records;

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    private record Rec(String contig, long pos, String ref, String alt, String trait) {
    }

    @BeforeAll
    static void buildVcf() throws IOException {
        RealModel.dir();
        List<Rec> recs = new ArrayList<>();
        StringBuilder bed = new StringBuilder();
        try (ReferenceGenome genome = ReferenceGenome.open(StageRuns.chr20());
                BufferedReader in = IOUtil.openFileForBufferedReading(
                        StageRuns.kitData().resolve("variants/gwas-snps.hg19.bed.gz"))) {
            int snp = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] f = line.split("\t");
                if (!f[0].equals("chr20")) {
                    continue;
                }
                long start = Long.parseLong(f[1]);
                String ref = base(genome, start, 1);
                if (ref.equals("N")) {
                    continue;
                }
                String alt = String.valueOf("CGTA".charAt("ACGT".indexOf(ref)));
                // A few records with the REF flipped: they must be counted and skipped, never scored.
                boolean flip = snp % 40 == 5 && recs.stream().filter(r -> r.trait().equals("flipped")).count() < FLIPPED;
                recs.add(flip ? new Rec("chr20", start + 1, alt, ref, "flipped") : new Rec("chr20", start + 1, ref, alt,
                        f[4]));
                if (!flip) {
                    bed.append("chr20\t").append(start).append('\t').append(start + 1).append('\n');
                }
                snp++;
            }
            long p = 30_500_000L;
            recs.add(new Rec("chr20", p + 1, base(genome, p, 1), base(genome, p, 1) + "ACGT", "insertion"));
            recs.add(new Rec("chr20", p + 1001, base(genome, p + 1000, 4), base(genome, p + 1000, 1), "deletion"));
            String r = base(genome, p + 2000, 1);
            String other = "ACGT".replace(r, "");
            recs.add(new Rec("chr20", p + 2001, r, other.charAt(0) + "," + other.charAt(1), "multiallelic"));
        }
        recs.add(new Rec("chr1", 1005806, "A", "G", "elsewhere"));
        recs.sort(Comparator.comparing((Rec x) -> x.contig()).thenComparingLong(Rec::pos));
        records = recs.size();
        vcf = shared.resolve("gwas.vcf.gz");
        // bgzipped, no index: score must read it as it is.
        try (OutputStream out = new BlockCompressedOutputStream(vcf.toFile())) {
            StringBuilder text = new StringBuilder("##fileformat=VCFv4.2\n##contig=<ID=chr1,length=249250621>\n"
                    + "##contig=<ID=chr20,length=63025520>\n"
                    + "##INFO=<ID=TRAIT,Number=1,Type=String,Description=\"GWAS trait\">\n"
                    + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
            for (Rec x : recs) {
                text.append(x.contig()).append('\t').append(x.pos()).append("\t.\t").append(x.ref()).append('\t')
                        .append(x.alt()).append("\t.\t.\tTRAIT=").append(x.trait()).append('\n');
            }
            out.write(text.toString().getBytes(StandardCharsets.US_ASCII));
        }
        snpBed = shared.resolve("snps.bed");
        Files.writeString(snpBed, bed);
    }

    private static String base(ReferenceGenome genome, long start, int n) {
        return new String(genome.fetch("20", start, start + n), StandardCharsets.US_ASCII).toUpperCase();
    }

    private static String[] args(Path input, Path output, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("--model", RealModel.model().toString(), "--reference",
                StageRuns.chr20().toString(), "--vcf", input.toString(), "--contig-alias", "chr20=20",
                "--threads", "2", "--output", output.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static float f(VariantContext vc, String key) {
        return Float.parseFloat(vc.getAttributeAsString(key, null));
    }

    private static List<String> list(VariantContext vc, String key) {
        return vc.getAttributeAsStringList(key, null);
    }

    @Test
    void gwasSnpsGetEffectsWrittenBackAsInfoFields() throws Exception {
        Path out = tmp.resolve("gwas.scored.vcf.gz");
        StageRuns.Run run = StageRuns.score(args(vcf, out, "--peaks", StageRuns.dhs() + ":DHS",
                "--skip-missing-contigs", "--batch-size", "32"));
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(FLIPPED + " records whose REF differs from the reference were skipped"),
                run.stderr());
        assertTrue(Files.exists(Path.of(out + ".tbi")), "bgzipped output gets a tabix index");

        Map<Long, Float> refScores = new HashMap<>();
        int scored = 0;
        try (VCFFileReader reader = new VCFFileReader(out, true)) {
            VCFHeader header = reader.getFileHeader();
            for (String key : List.of("RB_REF", "RB_ALT", "RB_DIFF", "RB_LOGOR", "RB_SKIP")) {
                assertNotNull(header.getInfoHeaderLine(key), key);
            }
            VCFInfoHeaderLine diff = header.getInfoHeaderLine("RB_DIFF");
            assertEquals(VCFHeaderLineCount.A, diff.getCountType());
            assertTrue(diff.getDescription().contains("ALT minus REF"));
            assertEquals(1, header.getInfoHeaderLine("RB_REF").getCount());
            assertNotNull(header.getInfoHeaderLine("TRAIT"), "the input's header lines stay");
            assertNotNull(header.getOtherHeaderLine("regbert_score"));
            int n = 0;
            try (CloseableIterator<VariantContext> it = reader.iterator()) {
                while (it.hasNext()) {
                    VariantContext vc = it.next();
                    n++;
                    String trait = vc.getAttributeAsString("TRAIT", "");
                    switch (trait) {
                        case "flipped" -> {
                            assertEquals(List.of("ref_mismatch"), list(vc, "RB_SKIP"));
                            assertFalse(vc.hasAttribute("RB_REF"), "a REF mismatch is never scored");
                        }
                        case "elsewhere" -> assertEquals(List.of("contig_not_in_reference"), list(vc, "RB_SKIP"));
                        default -> {
                            assertFalse(vc.hasAttribute("RB_SKIP"), vc.toString());
                            float ref = f(vc, "RB_REF");
                            List<String> alts = list(vc, "RB_ALT");
                            List<String> diffs = list(vc, "RB_DIFF");
                            List<String> logors = list(vc, "RB_LOGOR");
                            assertEquals(vc.getAlternateAlleles().size(), alts.size());
                            for (int a = 0; a < alts.size(); a++) {
                                float alt = Float.parseFloat(alts.get(a));
                                assertTrue(alt > 0 && alt < 1 && ref > 0 && ref < 1);
                                assertEquals(alt - ref, Float.parseFloat(diffs.get(a)), 2e-6, "RB_DIFF = ALT - REF");
                                double logor = Math.log(alt / (1 - alt)) - Math.log(ref / (1 - ref));
                                assertEquals(logor, Float.parseFloat(logors.get(a)), 1e-4 + 1e-3 * Math.abs(logor));
                            }
                            if (trait.equals("multiallelic")) {
                                assertEquals(2, alts.size());
                            }
                            if (vc.isSNP() && vc.getAlternateAlleles().size() == 1) {
                                refScores.put(vc.getStart() - 1L, ref);
                            }
                            scored++;
                        }
                    }
                }
            }
            assertEquals(records, n, "every record is written, scored or not");
            // The index answers region queries.
            try (CloseableIterator<VariantContext> it = reader.query("chr20", 30_500_000, 30_503_000)) {
                assertEquals(3, it.stream().count());
            }
        }
        JsonNode summary = JSON.readTree(tmp.resolve("gwas.scored.score-summary.json").toFile());
        assertEquals(FLIPPED, summary.get("refMismatches").asInt());
        assertEquals(FLIPPED, summary.get("refMismatchExamples").size());
        assertEquals(scored, summary.get("variantsScored").asInt());
        assertEquals(2, summary.get("indels").asInt(), "the insertion and the deletion are scored");
        assertEquals(1, summary.at("/skipped/contig_not_in_reference").asInt());
        assertTrue(summary.get("variantsPerSecond").asDouble() > 0);
        assertTrue(scored >= 130, "GWAS SNPs on chr20 scored: " + scored);

        // RB_REF is the model's score of the window centred on the SNV: the same as a 1-base BED region's.
        Path bedGraph = tmp.resolve("snps.bedGraph");
        run = StageRuns.score("--model", RealModel.model().toString(), "--reference", StageRuns.chr20().toString(),
                "--regions", snpBed.toString(), "--contig-alias", "chr20=20", "--peaks", StageRuns.dhs() + ":DHS",
                "--quiet", "--output", bedGraph.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        int checked = 0;
        for (String line : Files.readAllLines(bedGraph).subList(1, Files.readAllLines(bedGraph).size())) {
            String[] f = line.split("\t");
            Float ref = refScores.get(Long.parseLong(f[1]) + 65);
            if (ref != null) {
                assertEquals(ref, Float.parseFloat(f[3]), 2e-6, line);
                checked++;
            }
        }
        assertTrue(checked >= 100, "REF windows matched to region windows: " + checked);
    }

    @Test
    void refMismatchErrorModeAndDeterminism() throws Exception {
        Path out = tmp.resolve("strict/gwas.vcf");
        StageRuns.Run run = StageRuns.score(args(vcf, out, "--skip-missing-contigs", "--ref-mismatch", "error"));
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("REF does not match the reference"), run.stderr());
        assertTrue(run.stderr().contains(vcf + ":"), "names the file and line: " + run.stderr());
        assertFalse(Files.exists(out));

        Path a = tmp.resolve("a/gwas.vcf");
        Path b = tmp.resolve("b/gwas.vcf");
        run = StageRuns.score(args(vcf, a, "--skip-missing-contigs", "-q"));
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(0, StageRuns.score(args(vcf, b, "--skip-missing-contigs", "-q")).exitCode());
        assertEquals(-1, Files.mismatch(a, b), "same input, byte-identical VCF");
        assertNull(new VCFFileReader(a, false).getFileHeader().getInfoHeaderLine("RB_REF_promoter"),
                "one output column: plain keys");

        // Without --skip-missing-contigs the chr1 record is an error naming the contig.
        run = StageRuns.score(args(vcf, tmp.resolve("c/gwas.vcf")));
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("contig 'chr1' is not in the reference"), run.stderr());
    }

    @Test
    void aVcfOfAnotherChromosomeIsAClearError() throws Exception {
        Path out = tmp.resolve("chr22.vcf");
        StageRuns.Run run = StageRuns.score(args(StageRuns.kitData().resolve("variants/1000G_chr22_subset.vcf.gz"),
                out));
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("contig '22' is not in the reference"), run.stderr());
        assertFalse(Files.exists(out));
    }

    @Test
    void anUnsortedVcfToAnIndexedOutputIsABadInputNotACrash() throws Exception {
        List<String> lines = new ArrayList<>();
        String body = "";
        try (BufferedReader in = IOUtil.openFileForBufferedReading(vcf)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("#")) {
                    body += line + "\n";
                } else if (line.startsWith("chr20\t")) {
                    lines.add(line);
                }
            }
        }
        java.util.Collections.reverse(lines);
        Path unsorted = tmp.resolve("unsorted.vcf");
        Files.writeString(unsorted, body + String.join("\n", lines.subList(0, 4)) + "\n");
        Path out = tmp.resolve("out/unsorted.vcf.gz");
        StageRuns.Run run = StageRuns.score(args(unsorted, out, "-q"));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("is not sorted by position"), run.stderr());
        assertFalse(Files.exists(out));
    }
}
