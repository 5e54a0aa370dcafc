package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** score gets the reference's bigWig tracks for the signal columns its model reads, one per column, the first aligned. */
class ScoreStageSignalTest {
    @TempDir
    Path model;

    @Test
    void oneSignalTrackPerColumnTheModelReads() throws Exception {
        ReferenceState ref = new ReferenceState();
        ref.epigenomes.addAll(List.of("--peaks /in/dhs.bed:DHS", "--signal /in/a.bw:K562", "--signal /in/b.bw:K562.H3K27ac",
                "--signal /in/c.bw:HepG2", "--signal /in/d.bw:HepG2.H3K4me3"));
        Files.createDirectories(model.resolve("model"));
        Files.writeString(model.resolve("model/task.json"),
                "{\"featureNames\": [\"signal\", \"signal:has-data\", \"signal:H3K27ac\", \"signal:H3K27ac:has-data\"]}");
        // 'signal' <- the first CELL track (a.bw), 'signal:H3K27ac' <- b.bw; c.bw (a second 'signal') and d.bw (a column the model lacks) not
        assertEquals(List.of("--signal", "/in/a.bw:K562", "--signal", "/in/b.bw:K562.H3K27ac"),
                ScoreStage.signalArgs(ref, model));
        Files.writeString(model.resolve("model/task.json"), "{\"featureNames\": []}");
        assertEquals(List.of(), ScoreStage.signalArgs(ref, model), "a model without signal features gets none");
    }
}
