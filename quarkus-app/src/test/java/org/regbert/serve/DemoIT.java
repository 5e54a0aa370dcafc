package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.KitData;

/**
 * README's main command, {@code ./regbert demo}, through the launcher and the packaged service on
 * the kit's real data (a 5 Mb slice of hg19 chr20, its DHSs, RefSeq TSSs, GWAS SNPs as a VCF): the
 * chain tokenize -> align -> pretrain -> align (labels) -> finetune -> evaluate -> score succeeds.
 */
class DemoIT {
    @TempDir
    Path dir;

    @Test
    void theDemoCarriesTheKitThroughTheLandedStages() throws Exception {
        Path root = Path.of(System.getProperty("regbert.root", ".."));
        Path work = dir.resolve("demo");
        ProcessBuilder builder = new ProcessBuilder(root.resolve("regbert").toString(), "demo", work.toString())
                .redirectErrorStream(true);
        builder.environment().put("REGBERT_DATA", KitData.root().toString());
        Process demo = builder.start();
        String output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(demo.waitFor(10, TimeUnit.MINUTES), "the demo must finish in 10 minutes");
        assertEquals(0, demo.exitValue(), output);
        assertTrue(output.contains("== hg19.chr20-5mb.fa: succeeded"), output);
        assertTrue(output.contains("== uw-dhs.hg19.chr20-5mb.bed: succeeded"), output);
        assertTrue(output.contains("== RefSeqTSS.hg19.chr20-5mb.bed: succeeded"), output);
        assertTrue(output.contains("== gwas-snps.hg19.chr20-5mb.vcf: succeeded"), output);
        for (String stage : new String[] {"tokenize", "align", "pretrain", "finetune", "evaluate", "score"}) {
            assertTrue(output.contains(String.format("   %-9s succeeded", stage)), stage + ": " + output);
        }
        assertTrue(!output.contains("not-landed") && !output.contains("not-wired"), output);
        Matcher report = Pattern.compile("evaluate report: (\\S+report\\.html)").matcher(output);
        assertTrue(report.find(), output);
        assertTrue(Files.size(Path.of(report.group(1))) > 0);
        String reportJson = Files.readString(Path.of(report.group(1)).resolveSibling("report.json"));
        assertTrue(reportJson.contains("\"model\" : \"kmer-lr\""), "the demo's report has the k-mer baseline row");
        Matcher scored = Pattern.compile("scored VCF: +(\\S+\\.scored\\.vcf)").matcher(output);
        assertTrue(scored.find(), output);
        String vcf = Files.readString(Path.of(scored.group(1)));
        assertTrue(vcf.lines().filter(l -> !l.startsWith("#")).anyMatch(l -> l.contains("RB_DIFF=")), vcf);
        String runs = Files.readString(work.resolve("state/runs.jsonl"));
        assertTrue(runs.contains("\"tokenize\"") && runs.contains("\"pretrain\"") && runs.contains("\"score\""), runs);
    }
}
