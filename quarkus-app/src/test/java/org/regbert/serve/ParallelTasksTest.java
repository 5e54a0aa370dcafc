package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tasks of one reference fine-tuned side by side (issue #15 item 2), with the shipped routes and the
 * real stages (a few steps each) on PipelineServiceTest's 1 Mb slice of the kit's chr20: labels of two
 * tasks arrive before any pre-trained model (task "open": the DHSs; task "sparse": every second DHS, listed
 * second because its labels come second), then a VCF that waits, then DHS peaks, whose run pre-trains and
 * splits into the two tasks. Here with 2 workers and 2 task workers: the two fine-tunes overlap in time
 * (the stage times of the run record say so). {@link ParallelTasksOneWorkerTest}: the same with 1 worker,
 * which must not deadlock (the branches queue for the one worker; no two stages overlap).
 */
@QuarkusTest
@TestProfile(ParallelTasksTest.TwoWorkers.class)
class ParallelTasksTest {
    public static class TwoWorkers implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(TasksResource.class, Map.of("workers", "2")));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;  // not PipelineServiceTest's root and S3 server
        }
    }

    /** A fresh root; the shipped routes; short model stages; regbert.serve.workers from the profile, 2 task workers. */
    public static class TasksResource implements QuarkusTestResourceLifecycleManager {
        static Path root;
        private Path scratch;
        private String workers;

        @Override
        public void init(Map<String, String> args) {
            workers = args.get("workers");
        }

        @Override
        public Map<String, String> start() {
            try {
                scratch = Files.createTempDirectory("regbert-tasks-test");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            root = scratch.resolve("root");
            Map<String, String> config = EditedRoutesResource.shortStages(root);
            config.put("regbert.serve.workers", workers);
            config.put("regbert.serve.task-workers", "2");
            return config;
        }

        @Override
        public void stop() {
            try (Stream<Path> files = Files.walk(scratch)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // temporary folder
            }
        }
    }

    @Inject
    RunJournal journal;
    @Inject
    References references;

    @BeforeAll
    static void slices() throws IOException {
        PipelineServiceTest.slices();
    }

    /** True when the two fine-tunes must overlap (2 workers); false when no two stages may (1 worker). */
    boolean overlapping() {
        return true;
    }

    void drop(String name, byte[] bytes) throws IOException {
        Path inbox = Files.createDirectories(TasksResource.root.resolve("inbox"));
        Path tmp = inbox.resolve(name + ".part");
        Files.write(tmp, bytes);
        Files.move(tmp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    List<RunRecord> runsOf(String name) {
        return journal.all().stream().filter(r -> r.inputs.get(0).name.equals(name)).toList();
    }

    /** The finished run of NAME; a chain that deadlocks never finishes and fails here. */
    RunRecord awaitFinished(String name, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            for (RunRecord r : runsOf(name)) {
                if (r.finished != null) {
                    return r;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no finished run for " + name + " after " + millis + " ms (a deadlock?): "
                + runsOf(name).stream().map(r -> r.status + " " + stages(r)).toList());
    }

    static List<String> stages(RunRecord run) {
        return run.stages.stream().map(s -> s.stage + (s.task == null ? "" : "[" + s.task + "]") + ":" + s.status)
                .toList();
    }

    static RunRecord.Stage stage(RunRecord run, String name, String task) {
        List<RunRecord.Stage> found = run.stages.stream().filter(s -> s.stage.equals(name)
                && java.util.Objects.equals(s.task, task)).toList();
        assertEquals(1, found.size(), name + " " + task + " once in " + stages(run));
        return found.get(0);
    }

    static Instant started(RunRecord.Stage s) {
        return Instant.parse(s.started);
    }

    static Instant finished(RunRecord.Stage s) {
        return Instant.parse(s.finished);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void twoTasksOfOneReferenceFineTuneSideBySide() throws Exception {
        byte[] dhs = PipelineServiceTest.dhs;
        StringBuilder everySecond = new StringBuilder();
        String[] lines = new String(dhs, StandardCharsets.US_ASCII).split("\n");
        for (int i = 0; i < lines.length; i += 2) {
            everySecond.append(lines[i]).append('\n');
        }
        drop("chr20-1mb.fa", PipelineServiceTest.fasta);
        RunRecord fasta = awaitFinished("chr20-1mb.fa", 120_000);
        assertEquals("succeeded", fasta.status, fasta.reason);
        // labels before any pre-trained model: aligned, then they wait. "open" is listed first, "sparse" second
        drop("open.labels.bed", dhs);
        assertEquals("succeeded", awaitFinished("open.labels.bed", 120_000).status);
        drop("sparse.labels.bed", everySecond.toString().getBytes(StandardCharsets.US_ASCII));
        assertEquals("succeeded", awaitFinished("sparse.labels.bed", 120_000).status);
        drop("gwas.chr20-1mb.vcf", PipelineServiceTest.vcf);
        RunRecord vcf = awaitFinished("gwas.chr20-1mb.vcf", 60_000);
        assertEquals("waiting", vcf.status, vcf.reason);

        // the DHSs: align -> pretrain -> the two tasks side by side, each finetune -> evaluate; "sparse" scores the VCF
        drop("uw-dhs.chr20-1mb.bed", dhs);
        RunRecord run = awaitFinished("uw-dhs.chr20-1mb.bed", 480_000);
        assertEquals("succeeded", run.status, run.reason + " " + stages(run) + " " + run.errors);

        // the run record: every stage once (one entry per task), each succeeded at its first attempt, and one
        // note of the VCF's score; nothing else (no waiting: the model exists and no VCF waits any more)
        List<String> expected = new ArrayList<>(List.of("align:succeeded", "pretrain:succeeded",
                "finetune[open]:succeeded", "finetune[sparse]:succeeded", "evaluate[open]:succeeded",
                "evaluate[sparse]:succeeded", "score:succeeded"));
        List<String> got = new ArrayList<>(stages(run));
        expected.sort(null);
        got.sort(null);
        assertEquals(expected, got);
        assertEquals(List.of("align:succeeded", "pretrain:succeeded"), stages(run).subList(0, 2), "the run's own stages first");
        assertTrue(run.stages.stream().filter(s -> s.task != null).allMatch(s -> s.attempts == 1), stages(run).toString());
        assertTrue(run.errors.isEmpty(), run.errors.toString());

        // within each task: finetune, then evaluate; the VCF after the evaluate of the task listed last
        for (String task : List.of("open", "sparse")) {
            RunRecord.Stage ft = stage(run, "finetune", task);
            RunRecord.Stage ev = stage(run, "evaluate", task);
            assertTrue(String.join(" ", ft.arguments).contains("--task " + task), ft.arguments.toString());
            assertTrue(!finished(ft).isAfter(started(ev)), task + ": finetune " + ft.finished + ", evaluate " + ev.started);
            assertTrue(ev.outputs.stream().anyMatch(o -> o.endsWith("report.html")), ev.outputs.toString());
        }
        RunRecord.Stage open = stage(run, "finetune", "open");
        RunRecord.Stage sparse = stage(run, "finetune", "sparse");
        if (overlapping()) {
            // two workers: the fine-tunes ran at the same time (each began before the other ended)
            assertTrue(started(open).isBefore(finished(sparse)) && started(sparse).isBefore(finished(open)),
                    "open " + open.started + ".." + open.finished + ", sparse " + sparse.started + ".." + sparse.finished);
        } else {
            // one worker: no two stages of the tasks overlap (the branches queued for it)
            List<RunRecord.Stage> ran = run.stages.stream().filter(s -> s.task != null).toList();
            for (RunRecord.Stage a : ran) {
                for (RunRecord.Stage b : ran) {
                    assertTrue(a == b || !finished(a).isAfter(started(b)) || !finished(b).isAfter(started(a)),
                            a.stage + " " + a.task + " and " + b.stage + " " + b.task + " overlap");
                }
            }
        }

        // both models registered; the latest model is the task listed last ("sparse"), whichever finished last
        Path outputs = TasksResource.root.resolve("runs").resolve(run.id);
        ReferenceState ref = references.load(run.reference);
        assertEquals(outputs.resolve("finetune-open").toString(), ref.finetuned.get("open"));
        assertEquals(outputs.resolve("finetune-sparse").toString(), ref.finetuned.get("sparse"));
        assertTrue(open.outputs.stream().anyMatch(o -> o.endsWith("finetune-summary.json")), open.outputs.toString());
        assertTrue(sparse.outputs.stream().anyMatch(o -> o.endsWith("finetune-summary.json")), sparse.outputs.toString());
        String lastToFinish = finished(open).isAfter(finished(sparse)) ? "open" : "sparse";
        assertEquals(outputs.resolve("finetune-sparse").toString(), ref.model, "finished last: " + lastToFinish);
        assertEquals("sparse", ref.modelTask);
        assertTrue(ref.pendingVcfs.isEmpty(), "no VCF waits");

        // the VCF that waited: scored once, in its own record, with the latest model, after sparse's evaluate
        assertEquals(1, runsOf("gwas.chr20-1mb.vcf").size());
        RunRecord scored = journal.get(vcf.id);
        assertEquals("succeeded", scored.status, scored.reason);
        RunRecord.Stage score = stage(scored, "score", null);
        assertEquals(List.of("score:succeeded"), stages(scored));
        assertEquals(1, score.attempts);
        assertEquals(ref.model, score.arguments.get(score.arguments.indexOf("--model") + 1));
        assertTrue(!finished(stage(run, "evaluate", "sparse")).isAfter(started(score)), "scored after sparse's evaluate");
        RunRecord.Stage note = stage(run, "score", null);
        assertTrue(note.message.contains(vcf.id), note.message);
        Path out = Path.of(score.outputs.stream().filter(o -> o.endsWith(".scored.vcf")).findFirst().orElseThrow());
        assertTrue(Files.readString(out).contains("RB_DIFF="), "scored records in " + out);
    }
}
