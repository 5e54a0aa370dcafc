package org.regbert.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void filesOfACommitCutByAKillGoAndTheRerunWritesThemAllWithoutOverwrite() throws Exception {
        // A kill after the commit moved a.txt, before b.txt: a.txt is visible, b.txt still staged, and the
        // staging folder holds the commit's list. The next run removes a.txt (half a result), so
        // requireAbsent lets it write both without --overwrite; kept.txt, an earlier result, stays.
        Path out = dir.resolve("out");
        Path killed = Files.createDirectories(out.resolve(".regbert-staging-77"));
        Files.writeString(killed.resolve(".publishing"), "a.txt\nb.txt\n");
        Files.writeString(killed.resolve("b.txt"), "b of the killed run");
        Files.writeString(out.resolve("a.txt"), "a of the killed run");
        Files.writeString(out.resolve("kept.txt"), "an earlier result");
        try (StagedOutput output = StagedOutput.open(out)) {
            assertEquals(List.of("kept.txt"), names(out).stream().filter(n -> !n.startsWith(".")).toList());
            output.requireAbsent(List.of("a.txt", "b.txt"), false);
            Files.writeString(output.stage("a.txt"), "a");
            Files.writeString(output.stage("b.txt"), "b");
            output.commit();
        }
        assertEquals(List.of("a.txt", "b.txt", "kept.txt"), names(out));
        assertEquals("a", Files.readString(out.resolve("a.txt")));
    }

    @Test
    void aCommitThatMovedEveryFileBeforeTheKillLeftAFinishedResult() throws Exception {
        // Killed after both moves, before its staging folder was deleted: the result is complete and stays,
        // and a run without --overwrite is refused on it as on any finished result.
        Path out = dir.resolve("out");
        Path killed = Files.createDirectories(out.resolve(".regbert-staging-78"));
        Files.writeString(killed.resolve(".publishing"), "a.txt\nb.txt\n");
        Files.writeString(out.resolve("a.txt"), "a");
        Files.writeString(out.resolve("b.txt"), "b");
        try (StagedOutput output = StagedOutput.open(out)) {
            assertThrows(BadInputException.class, () -> output.requireAbsent(List.of("a.txt"), false));
        }
        assertEquals(List.of("a.txt", "b.txt"), names(out));
    }
}
