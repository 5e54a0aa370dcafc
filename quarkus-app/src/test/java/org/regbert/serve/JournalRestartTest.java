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
            public int taskWorkers() { return 2; }
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
        j.processed = processed();
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

    /**
     * The defect a kill after a waiting VCF's outcome and before the outcome of the labels run whose
     * chain scored it exposed: the rollback put the VCF back into the reference's pendingVcfs while its
     * record said "succeeded", so the rerun never scored it again and it stayed pending for ever. Its
     * record is part of the transaction now: a restart puts back the record as it was before the chain
     * (waiting), beside the pending entry, so the rerun scores it once.
     */
    @Test
    void aRestartPutsBackTheRecordOfAWaitingVcfThatACutChainScored() throws Exception {
        Path state = root.resolve("state");
        Path ref = Files.createDirectories(state.resolve("references/r")).resolve("state.json");
        String pending = "{\"id\":\"r\",\"pendingVcfs\":[{\"runId\":\"vcf\",\"vcf\":\"v.vcf\"}]}";
        Files.writeString(ref, pending);
        RunJournal first = runs();
        RunRecord vcf = new RunRecord();
        vcf.id = "vcf";
        vcf.status = "waiting";
        vcf.finished = "2026-12-06T00:00:00Z";
        RunRecord.Stage score = new RunRecord.Stage();
        score.stage = "score";
        score.status = "waiting";
        vcf.stages.add(score);
        first.save(vcf);
        RunRecord labels = new RunRecord();
        labels.id = "labels";
        labels.status = "running";
        first.save(labels);
        // the labels run's chain: the VCF's record kept before its first change (RunRecorder.attempt), the
        // VCF scored (its pending entry removed, ScoreStage) and finished; killed before the labels run ends
        ReferenceUndo.rememberRecord(state, "labels", "vcf", new ObjectMapper().writeValueAsBytes(first.get("vcf")));
        RunRecord scored = first.get("vcf");
        scored.stages.get(0).status = "succeeded";
        scored.stages.get(0).attempts = 1;
        scored.status = "succeeded";
        first.save(scored);
        ReferenceUndo.remember(state, "labels", ref);
        Files.writeString(ref, "{\"id\":\"r\",\"pendingVcfs\":[]}");

        RunJournal again = runs();
        assertEquals("interrupted", again.get("labels").status);
        assertEquals(pending, Files.readString(ref), "pending again");
        assertEquals("waiting", again.get("vcf").status, "and its record waits again, as before the chain");
        assertEquals("waiting", again.get("vcf").stages.get(0).status);
        assertEquals(0, again.get("vcf").stages.get(0).attempts);
        assertEquals("waiting", runs().get("vcf").status, "and that is journalled");
        assertTrue(ReferenceUndo.open(state).isEmpty());
    }

    /**
     * A stage cut by the kill reads "interrupted", and what it left half-made goes: its output folder
     * (a staging folder in it), the claim file and evaluate's staging folder beside it. Its run's
     * finished stages keep their outputs; a folder outside the runs folder is never touched.
     */
    @Test
    void aRestartRemovesWhatTheStageCutByTheKillLeftHalfMade() throws Exception {
        Path run = root.resolve("runs/run-cut");
        Path aligned = Files.createDirectories(run.resolve("align"));
        Files.writeString(aligned.resolve("shard-00000.npz"), "done");
        Path evaluate = Files.createDirectories(run.resolve("evaluate-promoter"));
        Files.createDirectories(run.resolve(".evaluate-promoter.staging-123")).resolve("report.json").toFile()
                .createNewFile();
        Files.writeString(run.resolve(".evaluate-promoter.regbert-lock"), "token");
        Path outside = Files.createDirectories(root.resolve("elsewhere/finetune-promoter"));
        RunRecord cut = new RunRecord();
        cut.id = "run-cut";
        cut.status = "running";
        cut.stages.add(stage("align", "succeeded", aligned));
        cut.stages.add(stage("evaluate", "running", evaluate));
        RunRecord other = new RunRecord();
        other.id = "run-other";
        other.status = "running";
        other.stages.add(stage("finetune", "running", outside));
        RunJournal first = runs();
        first.save(cut);
        first.save(other);

        RunJournal again = runs();
        assertEquals(List.of("succeeded", "interrupted"), again.get("run-cut").stages.stream().map(s -> s.status).toList());
        try (java.util.stream.Stream<Path> left = Files.list(run)) {
            assertEquals(List.of("align"), left.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals("done", Files.readString(aligned.resolve("shard-00000.npz")));
        assertTrue(Files.isDirectory(outside), "outside the runs folder: not the service's to remove");
    }

    /**
     * A kill between a run's final record and its processed key (two files, forced one after the other):
     * the restart journals the key the record carries, so the input still in the inbox is a duplicate
     * and does not run a second time (a DHS file run twice registers its epigenome twice). A refused
     * input (no key in its record) stays unjournalled: dropped again, it runs.
     */
    @Test
    void aRestartJournalsTheKeyOfAFinishedRunKilledBeforeItsKeyWasWritten() throws Exception {
        RunJournal first = runs();
        RunRecord done = new RunRecord();
        done.id = "run-done";
        done.status = "succeeded";
        done.finished = "2026-12-06T00:00:00Z";
        done.processedKey = ProcessedJournal.key(null, "dhs.bed", "abc");
        first.save(done);  // the record's line is written; killed before the key's
        RunRecord refused = new RunRecord();
        refused.id = "run-refused";
        refused.status = "rejected";
        refused.finished = "2026-12-06T00:00:01Z";
        first.save(refused);
        assertFalse(processed().contains("dhs.bed:abc"));

        runs();
        assertTrue(processed().contains("dhs.bed:abc"), "journalled on restart");
        assertEquals(List.of("dhs.bed:abc"), Files.readAllLines(root.resolve("state/processed.keys")), "once");
        runs();
        assertEquals(List.of("dhs.bed:abc"), Files.readAllLines(root.resolve("state/processed.keys")), "still once");
    }

    /** A waiting VCF cut inside its score in a labels run's chain: waiting again, its half-made score folder gone. */
    @Test
    void aWaitingVcfCutInsideItsScoreWaitsAgainWithoutItsHalfMadeOutput() throws Exception {
        Path state = root.resolve("state");
        Path out = Files.createDirectories(root.resolve("runs/vcf/score/.regbert-staging-v-1"));
        Files.writeString(out.resolveSibling(".v.regbert-lock"), "token");
        RunJournal first = runs();
        RunRecord vcf = new RunRecord();
        vcf.id = "vcf";
        vcf.status = "waiting";
        vcf.finished = "2026-12-06T00:00:00Z";
        vcf.stages.add(stage("score", "waiting", out.getParent()));
        first.save(vcf);
        RunRecord labels = new RunRecord();
        labels.id = "labels";
        labels.status = "running";
        first.save(labels);
        ReferenceUndo.rememberRecord(state, "labels", "vcf", new ObjectMapper().writeValueAsBytes(first.get("vcf")));
        RunRecord scoring = first.get("vcf");
        scoring.stages.get(0).status = "running";
        first.save(scoring);

        RunJournal again = runs();
        assertEquals("waiting", again.get("vcf").stages.get(0).status);
        assertFalse(Files.exists(root.resolve("runs/vcf/score")), "the cut score's folder, staging and claim");
        assertTrue(Files.isDirectory(root.resolve("runs/vcf")));
    }

    static RunRecord.Stage stage(String name, String status, Path output) {
        RunRecord.Stage s = new RunRecord.Stage();
        s.stage = name;
        s.status = status;
        s.output = output.toString();
        return s;
    }
}
