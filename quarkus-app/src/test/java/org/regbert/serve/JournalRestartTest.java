package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journals as a restarted service reads them: last state of each run wins; a torn line is skipped. */
class JournalRestartTest {
    @TempDir
    Path root;

    ServeSettings settings() {
        return new ServeSettings() {
            public Path root() { return root; }
            public int workers() { return 1; }
            public int laneThreads() { return 16; }
            public List<String> assembly() { return List.of("hg19"); }
            public List<String> tokenizeArgs() { return List.of(); }
            public List<String> alignArgs() { return List.of(); }
            public int retries() { return 0; }
            public long retryDelayMs() { return 0; }
            public long readLockIntervalMs() { return 0; }
            public long pollMs() { return 0; }
            public long readLockTimeoutMs() { return 0; }
            public String inboxExclude() { return "^\\..*"; }
            public List<String> pretrainArgs() { return List.of(); }
            public double pretrainMinutes() { return 1; }
            public int pretrainSteps() { return 1; }
            public double finetuneMinutes() { return 1; }
            public int finetuneMaxSteps() { return 1; }
            public List<String> finetuneArgs() { return List.of(); }
            public int evaluateBootstrap() { return 0; }
            public double negativesPerPositive() { return 2; }
            public String backend() { return "in-process"; }
            public Path nextflowDir() { return Path.of("nextflow"); }
            public java.util.Optional<String> apiToken() { return java.util.Optional.empty(); }
            public java.util.Optional<Path> runsDir() { return java.util.Optional.empty(); }
            public java.util.Optional<String> jdbcUrl() { return java.util.Optional.empty(); }
            public java.util.Optional<String> jdbcUser() { return java.util.Optional.empty(); }
            public java.util.Optional<String> jdbcPassword() { return java.util.Optional.empty(); }
        };
    }

    RunJournal runs() {
        RunJournal j = new RunJournal();
        j.settings = settings();
        j.mapper = new ObjectMapper();
        j.references = new References();
        j.references.settings = j.settings;
        j.references.mapper = j.mapper;
        j.load();
        return j;
    }

    ProcessedJournal processed() {
        ProcessedJournal p = new ProcessedJournal();
        p.settings = settings();
        p.load();
        return p;
    }

    @Test
    void recordsAndKeysSurviveARestart() throws Exception {
        RunJournal first = runs();
        RunRecord r = new RunRecord();
        r.id = "run-1";
        r.status = "running";
        first.save(r);
        r.status = "succeeded";
        r.finished = "2026-11-22T00:00:00Z";
        first.save(r);
        RunRecord cut = new RunRecord();
        cut.id = "run-cut";
        cut.status = "running";
        first.save(cut);
        ProcessedJournal keys = processed();
        keys.add(ProcessedJournal.key(null, "a.fa", "abc"));
        // a crash in the middle of a line
        Files.writeString(root.resolve("state/runs.jsonl"), "{\"id\":\"run-2\",\"sta", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        RunJournal again = runs();
        assertEquals(2, again.all().size());
        assertEquals("succeeded", again.get("run-1").status);
        assertEquals("interrupted", again.get("run-cut").status, "a run without an end was cut by a crash");
        assertEquals("interrupted", runs().get("run-cut").status, "and that is journalled");
        ProcessedJournal keysAgain = processed();
        assertTrue(keysAgain.contains("a.fa:abc"));
        assertFalse(keysAgain.contains("a.fa:abd"));
    }

    /**
     * On restart the state changes of a run cut short are undone and those of a finished run (killed
     * between its record and its commit) stand.
     */
    @Test
    void aRestartRollsBackTheStateOfARunCutShortAndCommitsThatOfAFinishedOne() throws Exception {
        Path state = root.resolve("state");
        Path refA = Files.createDirectories(state.resolve("references/a")).resolve("state.json");
        Path refB = Files.createDirectories(state.resolve("references/b")).resolve("state.json");
        Files.writeString(refA, "{\"id\":\"a\",\"epigenomes\":[]}");
        RunJournal first = runs();
        RunRecord cut = new RunRecord();
        cut.id = "run-cut";
        cut.status = "running";
        first.save(cut);
        ReferenceUndo.remember(state, "run-cut", refA);
        Files.writeString(refA, "{\"id\":\"a\",\"epigenomes\":[\"--peaks x:DHS\"]}");
        RunRecord done = new RunRecord();
        done.id = "run-done";
        done.status = "running";
        first.save(done);
        ReferenceUndo.remember(state, "run-done", refB);
        Files.writeString(refB, "{\"id\":\"b\"}");
        done.status = "succeeded";
        done.finished = "2026-12-05T00:00:00Z";
        first.save(done);  // killed here, before the commit

        RunJournal again = runs();
        assertEquals("interrupted", again.get("run-cut").status);
        assertEquals("{\"id\":\"a\",\"epigenomes\":[]}", Files.readString(refA), "the cut run's change undone");
        assertEquals("{\"id\":\"b\"}", Files.readString(refB), "the finished run's change stands");
        assertTrue(ReferenceUndo.open(state).isEmpty());
    }
}
