package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's main command, {@code ./regbert demo}, through the launcher and the packaged service on
 * the kit's real data: every landed stage succeeds, the others are reported as not landed.
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
        builder.environment().put("REGBERT_DATA", System.getProperty("regbert.data", "../../shared/data"));
        Process demo = builder.start();
        String output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(demo.waitFor(10, TimeUnit.MINUTES), "the demo must finish in 10 minutes");
        assertEquals(0, demo.exitValue(), output);
        assertTrue(output.contains("== hg19.chr20.fa.gz: succeeded"), output);
        assertTrue(output.contains("== uw-dhs-master.hg19.bed.gz: succeeded"), output);
        assertTrue(output.contains("pretrain  not-wired"), output);
        assertTrue(output.contains("finetune  not-landed"), output);
        String runs = Files.readString(work.resolve("state/runs.jsonl"));
        assertTrue(runs.contains("\"tokenize\"") && runs.contains("\"align\""), runs);
    }
}
