package org.regbert.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run killed while writing leaves (its staging folder) is cleared by the next run of that output. */
class StagedOutputTest {
    @TempDir
    Path dir;

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aStagingFolderLeftByAKilledRunIsGoneAfterTheNextRunCommits() throws Exception {
        Path out = dir.resolve("out");
        Path stale = Files.createDirectories(out.resolve(".regbert-staging-123"));
        Files.writeString(stale.resolve("shard-00000.npz"), "half");
        Files.writeString(out.resolve("kept.txt"), "a result of an earlier run");
        try (StagedOutput output = StagedOutput.open(out)) {
            Files.writeString(output.stage("result.txt"), "new");
            output.commit();
        }
        assertEquals(List.of("kept.txt", "result.txt"), names(out));
    }

    @Test
    void aFailedRunOnAFolderHoldingOnlyAKilledRunsStagingRemovesIt() throws Exception {
        Path out = dir.resolve("out");
        Files.createDirectories(out.resolve(".regbert-staging-456"));
        try (StagedOutput output = StagedOutput.open(out)) {
            Files.writeString(output.stage("result.txt"), "never committed");
        }
        assertFalse(Files.exists(out), "nothing left: " + (Files.exists(out) ? names(out) : List.of()));
    }

    @Test
    void runsOnOtherStemsOfOneFolderKeepTheirStagingAndAKilledRunsOfTheSameStemGoes() throws Exception {
        // score's claims: the stems a and b of one folder. a is writing when b opens; b's killed run left
        // .regbert-staging-b-123, and .regbert-staging-bb-7 is stem bb's (another run's, not b's).
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.createDirectories(out.resolve(".regbert-staging-b-123"));
        Files.createDirectories(out.resolve(".regbert-staging-bb-7"));
        try (StagedOutput a = StagedOutput.open(out, OutputLock.acquire(out.resolve("a.vcf"), out.resolve("a")))) {
            Files.writeString(a.stage("a.vcf"), "a");
            try (StagedOutput b = StagedOutput.open(out, OutputLock.acquire(out.resolve("b.vcf"), out.resolve("b")))) {
                Files.writeString(b.stage("b.vcf"), "b");
                b.commit();
            }
            a.commit();
        }
        assertEquals(List.of(".regbert-staging-bb-7", "a.vcf", "b.vcf"), names(out));
        assertEquals("a", Files.readString(out.resolve("a.vcf")));
    }
}
