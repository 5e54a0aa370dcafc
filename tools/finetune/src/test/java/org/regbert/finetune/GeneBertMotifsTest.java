package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.BadInputException;
import org.regbert.common.Checksums;

/**
 * A GeneBERT model keeps the motif file align scanned and the scan settings (model/motifs.json),
 * checked against the shards' manifest; a moved or changed motif file is refused until pointed at.
 */
class GeneBertMotifsTest {
    @TempDir
    Path tmp;

    private static String[] finetune(Path shards, Path output, String... more) {
        List<String> list = new java.util.ArrayList<>(List.of(args("--from-scratch", "--model", "genebert",
                "--preset", "tiny", "--shards", shards, "--task", "promoter", "--epochs", 1, "--max-steps", 2,
                "--device", "cpu", "--threads", 2, "--quiet", "--output", output)));
        list.addAll(List.of(more));
        return list.toArray(String[]::new);
    }

    @Test
    void theModelKeepsTheMotifFileAndTheScanSettings() throws Exception {
        Path out = tmp.resolve("ft");
        ok(Stages.finetune(finetune(GeneBertShards.aligned(), out)));
        Path motifFile = GeneBertShards.motifFile();
        Path model = out.resolve("model");
        MotifSettings settings = FinetunedModel.JSON.readValue(model.resolve("motifs.json").toFile(),
                MotifSettings.class);
        assertEquals("motifs/" + motifFile.getFileName(), settings.file());
        assertEquals(-1, Files.mismatch(motifFile, model.resolve(settings.file())), "a byte copy of align's file");
        assertEquals(Checksums.sha256(motifFile), settings.sha256());
        assertEquals(motifFile.toString(), settings.source());
        assertEquals(GeneBertShards.MOTIFS, settings.motifIds());
        assertEquals(4, settings.regionsPerWindow(), "align's default --regions-per-window");
        assertEquals(1, settings.topN());
        assertTrue(settings.bothStrands());
        assertEquals(0.8, settings.pseudocount(), 0);
        assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, new double[] {settings.background().a(),
            settings.background().c(), settings.background().g(), settings.background().t()}, 0);
        try (FinetunedModel loaded = FinetunedModel.load(out)) {
            assertTrue(loaded.spec().motifs());
            assertNotNull(loaded.motifs());
            assertEquals(settings, loaded.motifs().settings());
            assertEquals(GeneBertShards.MOTIFS.size(), loaded.motifs().motifs(null).size());
        }
        String checkpoint = Files.readString(out.resolve("checkpoints/latest")).trim();
        assertTrue(Files.isRegularFile(out.resolve("checkpoints").resolve(checkpoint).resolve(settings.file())),
                "checkpoints keep the copy too (--resume)");
    }

    @Test
    void aMovedMotifFileLeavesTheModelWithoutACopyAndAChangedOneIsRefused() throws Exception {
        Path original = GeneBertShards.writeMotifs(tmp.resolve("align/promoter.pfm"), GeneBertShards.MOTIFS);
        Path shards = GeneBertShards.align(original, tmp.resolve("aligned"));
        Path moved = tmp.resolve("moved/promoter.pfm");
        Files.createDirectories(moved.getParent());
        Files.move(original, moved);

        // As in a workflow engine's work folder: the file is gone. The model keeps the settings, no copy.
        Stages.Run run = Stages.finetune(java.util.Arrays.stream(finetune(shards, tmp.resolve("a")))
                .filter(arg -> !arg.equals("--quiet")).toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(original.toString()) && run.stderr().contains("not reachable")
                && run.stderr().contains("--motifs FILE"), run.stderr());
        try (FinetunedModel kept = FinetunedModel.load(tmp.resolve("a/model"))) {
            assertNull(kept.motifs().settings().file());
            assertEquals(GeneBertShards.MOTIFS.size(), kept.motifs().settings().motifIds().size());
            BadInputException noCopy = assertThrows(BadInputException.class, () -> kept.motifs().motifs(null));
            assertTrue(noCopy.getMessage().contains("--motifs FILE"), noCopy.getMessage());
            assertEquals(GeneBertShards.MOTIFS.size(), kept.motifs().motifs(moved).size());
        }

        Path other = GeneBertShards.writeMotifs(tmp.resolve("other.pfm"),
                List.of("MA0079.5_MA0079.5.SP1", "MA0139.1_MA0139.1.CTCF"));
        run = Stages.finetune(finetune(shards, tmp.resolve("b"), "--motifs", other.toString()));
        assertEquals(2, run.exitCode(), run.stderr());
        // align records the motif file's sha256, so another file is told apart before its motifs are read
        assertTrue(run.stderr().contains(other.toString())
                && run.stderr().contains("differs from the motif file align scanned"), run.stderr());

        run = Stages.finetune(args("--from-scratch", "--shards", shards, "--task", "promoter", "--motifs", moved,
                "--max-steps", 1, "--device", "cpu", "--quiet", "--output", tmp.resolve("c")));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("reads no motif matrices"), run.stderr());

        ok(Stages.finetune(finetune(shards, tmp.resolve("d"), "--motifs", moved.toString())));
        assertEquals(-1, Files.mismatch(moved, tmp.resolve("d/model/motifs/promoter.pfm")));
    }
}
