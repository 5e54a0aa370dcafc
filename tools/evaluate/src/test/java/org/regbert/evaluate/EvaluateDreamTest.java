package org.regbert.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.regbert.finetune.FinetuneCommand;
import org.regbert.finetune.Stages;

/**
 * An ENCODE-DREAM label table end to end: tokenize (200-bp windows at DREAM's 50-bp steps), align
 * with the table and a blacklist, finetune, evaluate. Evaluate scores exactly the test windows
 * labelled B or U that the blacklist does not touch: ambiguous (A), unlabelled and excluded
 * windows are left out, per cell type, as counted by hand below.
 */
class EvaluateDreamTest {
    // The test chromosome's 17 bins (starts 0, 50, ..., 800), one letter per bin and cell type.
    private static final String TEST_GM = "UUBBAUUBUUUUAUBUU";
    private static final String TEST_HELA = "BUUAUBBUUUBUUUUAU";

    @Test
    void ambiguousUnlabelledAndExcludedTestWindowsAreNotScored() throws Exception {
        Path dir = Stages.tempDir("regbert-evaluate-dream-");
        Random random = new Random(7);
        Map<String, Integer> lengths = Map.of("chrA", 3000, "chrV", 1000, "chrT", 1200);
        StringBuilder fasta = new StringBuilder();
        for (String contig : new String[] {"chrA", "chrV", "chrT"}) {
            fasta.append('>').append(contig).append('\n');
            for (int i = 0; i < lengths.get(contig); i++) {
                fasta.append("ACGT".charAt(random.nextInt(4)));
            }
            fasta.append('\n');
        }
        Path reference = Files.writeString(dir.resolve("g.fa"), fasta);
        Path tokens = dir.resolve("tokens");
        ok(Stages.tokenize(args("--reference", reference, "--kmer", 6, "--window", 195, "--stride", 50, "--quiet",
                "--output", tokens)));

        // Training and validation bins: every fourth bound, the rest unbound, on the whole grid.
        StringBuilder table = new StringBuilder("chr\tstart\tstop\tGM12878\tHeLa-S3\n");
        for (String contig : new String[] {"chrA", "chrT", "chrV"}) {
            int bins = contig.equals("chrT") ? TEST_GM.length() : (lengths.get(contig) - 200) / 50 + 1;
            for (int b = 0; b < bins; b++) {
                String gm = contig.equals("chrT") ? String.valueOf(TEST_GM.charAt(b)) : b % 4 == 0 ? "B" : "U";
                String hela = contig.equals("chrT") ? String.valueOf(TEST_HELA.charAt(b)) : b % 4 == 1 ? "B" : "U";
                table.append(contig).append('\t').append(b * 50).append('\t').append(b * 50 + 200).append('\t')
                        .append(gm).append('\t').append(hela).append('\n');
            }
        }
        Path labels = Files.writeString(dir.resolve("CTCF.train.labels.tsv"), table);
        // chrT [420, 430) touches the windows starting at 250, 300, 350 and 400 (bins 5 to 8).
        Path blacklist = Files.writeString(dir.resolve("blacklist.bed"), "chrT\t420\t430\n");
        Path aligned = dir.resolve("aligned");
        ok(Stages.align(args("--shards", tokens, "--labels", "CTCF=" + labels, "--exclude", blacklist, "--valid",
                "chrV", "--test", "chrT", "--quiet", "--output", aligned)));
        Path model = dir.resolve("model");
        ok(Stages.run(new FinetuneCommand(), args("--from-scratch", "--shards", aligned, "--task", "CTCF",
                "--max-steps", 4, "--eval-every", 4, "--quiet", "--output", model)));
        Path report = dir.resolve("report");
        ok(Stages.run(new EvaluateCommand(), args("--model", "m=" + model, "--shards", aligned, "--bootstrap", 0,
                "--quiet", "--output", report)));

        // chrT (1,200 bases) has 21 windows (starts 0 .. 1000); the first 17 have their own bins. Window 850's
        // centre 950 lies only in bin [800, 1000), whose label it takes (U for both); windows 900-1000 have
        // centres at 1000 or later, which no bin contains: unlabelled.
        // GM12878 UUBBA|UUBU|UUUAUBUU: bins 5-8 excluded, A at 4 and 12 -> 11 scored + window 850 = 12;
        //                              B at 2, 3, 14 -> 3 positives.
        // HeLa-S3 BUUAU|BBUU|UBUUUUAU: bins 5-8 excluded, A at 3 and 15 -> 11 scored + window 850 = 12;
        //                              B at 0, 10 -> 2 positives.
        Map<String, int[]> expected = Map.of("GM12878", new int[] {12, 3}, "HeLa-S3", new int[] {12, 2});
        JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
        Map<String, int[]> found = new HashMap<>();
        for (JsonNode task : json.path("tasks")) {
            assertEquals("CTCF", task.path("task").asText());
            JsonNode counts = task.path("classCounts");
            found.put(task.path("cellType").asText(), new int[] {counts.path("scored").asInt(),
                    counts.path("positives").asInt()});
        }
        assertEquals(expected.keySet(), found.keySet());
        expected.forEach((cell, counts) -> {
            assertEquals(counts[0], found.get(cell)[0], cell + " scored windows");
            assertEquals(counts[1], found.get(cell)[1], cell + " positives");
        });
    }
}
