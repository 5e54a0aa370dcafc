package org.regbert.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.finetune.FinetuneCommand;
import org.regbert.finetune.SignalShards;

/**
 * A model reading bigWig signal task features of two tracks (the cell type's own and a mark) needs
 * one --signal file per column: without them score refuses, naming the option and the columns, and
 * writes nothing. (RegionScoreTest checks the values against the model's shard predictions.)
 */
class ScoreSignalModelTest {
    @TempDir
    Path tmp;

    @Test
    void aModelReadingBigWigSignalNeedsOneSignalFilePerColumn() throws Exception {
        Path model = tmp.resolve("ft-signal");
        StageRuns.Run ft = StageRuns.run(new FinetuneCommand(), "--from-scratch", "--shards",
                SignalShards.shards().toString(), "--task", "dhs", "--feature", "signal", "--max-steps", "1",
                "--batch-size", "8", "--device", "cpu", "--quiet", "--output", model.toString());
        assertEquals(0, ft.exitCode(), ft.stderr());
        Path out = tmp.resolve("scores/x.bedGraph");
        StageRuns.Run run = StageRuns.score("--model", model.toString(), "--reference", StageRuns.chr20().toString(),
                "--tile", "20:50000000-50001000", "--output", out.toString());
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("bigWig signal task features [signal, signal:has-data, signal:H3K27ac,"
                + " signal:H3K27ac:has-data] (finetune --feature signal): pass --signal FILE.bw:TRACK for each of its"
                + " columns [signal, signal:H3K27ac]"), run.stderr());
        assertFalse(Files.exists(out), "nothing written");
    }
}
