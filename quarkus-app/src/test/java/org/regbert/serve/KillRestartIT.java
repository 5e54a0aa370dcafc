package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged service killed with SIGKILL inside every stage and at every stage boundary of the chains
 * its inputs start (reliability item 1), restarted on the same root after each kill. At the end its
 * reference state, current shards, run records, processed keys and scored VCFs must be those of a
 * second service root fed the same files without a kill (run ids, times and the root aside): nothing
 * run twice, nothing lost, no transaction left open, no half-made output left behind.
 *
 * <p>Where a kill lands is not left to chance. Inside a stage: when the journal has the stage running
 * and its output folder holds the command's staging folder (it is writing its results). At a boundary:
 * when the journal has a stage's end and not the next stage's start, and the reference state already
 * holds the stage's change (the run's transaction open). Those boundaries last a few milliseconds, so
 * the killed service runs an edited copy of routes/pipeline.camel.yaml (the documented way to change
 * the chain; no Java changed) whose only edit is a {@value #GAP_MS} ms pause at the start of routes
 * stage-finished and run-finished, the two places every boundary passes through. After each kill the
 * journal and the folders, frozen by the kill, are checked again: the condition must still hold, or the
 * kill landed later than claimed and is tried again on the rerun (at most {@value #TRIES} times).
 */
class KillRestartIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String FASTA = "chr20-1mb.fa";
    static final String DHS = "uw-dhs.chr20-1mb.bed";
    static final String TSS = "refseq.tss.chr20-1mb.bed";
    /** Dropped before any model: waits, and is scored in the chain of the labels run that makes one. */
    static final String WAITING_VCF = "gwas.chr20-1mb.vcf";
    /** The same variants dropped once there is a model: scored in a run of its own. */
    static final String VCF = "gwas-again.chr20-1mb.vcf";
    static final int GAP_MS = 500;
    static final int TRIES = 3;
    static byte[] tss;
    static Path editedRoutes;
    static final List<ServiceProcess> services = new ArrayList<>();

    /** PipelineServiceTest's 1 Mb slice of chr20, its DHSs and GWAS SNPs; the kit's RefSeq TSSs inside it. */
    @BeforeAll
    static void inputs() throws IOException {
        PipelineServiceTest.slices();
        tss = tssSlice();
        String shipped;
        try (InputStream in = KillRestartIT.class.getClassLoader().getResourceAsStream("routes/pipeline.camel.yaml")) {
            shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String gap = "        - delay:\n            asyncDelayed: false\n            expression:\n              constant: \""
                + GAP_MS + "\"\n";
        String edited = shipped;
        for (String route : List.of("stage-finished", "run-finished")) {
            String start = "      uri: direct:" + route + "\n      steps:\n";
            edited = EditedRoutesResource.replaceOnce(edited, start, start + gap);
        }
        editedRoutes = Files.createTempFile("regbert-kill-it-routes", ".camel.yaml");
        Files.writeString(editedRoutes, edited, StandardCharsets.UTF_8);
    }

    /** The kit's RefSeq TSSs inside PipelineServiceTest's 1 Mb slice of chr20 (labels: task promoter). */
    static byte[] tssSlice() throws IOException {
        StringBuilder bed = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(
                PipelineServiceTest.KIT.resolve("chromhmm/coords-hg19/RefSeqTSS.hg19.bed.gz"))), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null;) {
                String[] f = line.split("\t");
                if (f[0].equals("chr20") && Long.parseLong(f[2]) < PipelineServiceTest.SLICE) {
                    bed.append(line).append('\n');
                }
            }
        }
        byte[] tss = bed.toString().getBytes(StandardCharsets.US_ASCII);
        assertTrue(tss.length > 0, "the kit has TSSs in the first Mb of chr20");
        return tss;
    }

    @AfterAll
    static void removeRoots() throws Exception {
        for (ServiceProcess service : services) {  // also when the test failed half-way: no service outlives it
            service.close();
        }
        if (editedRoutes != null) {
            Files.deleteIfExists(editedRoutes);
        }
    }

    @Test
    void killedInsideEveryStageAndAtEveryBoundaryTheServiceReachesTheStateOfAnUninterruptedOne() throws Exception {
        Kills kills = new Kills(service("-Dcamel.main.routes-include-pattern=file:" + editedRoutes));
        ServiceProcess killed = kills.service;
        killed.start();

        killed.drop(FASTA, PipelineServiceTest.fasta);
        kills.inside(FASTA, "tokenize");
        kills.at("tokenize -> the run's outcome", FASTA, s -> s.ended(s.live(FASTA), "tokenize")
                && s.reference().has("tokens") && s.open(s.live(FASTA)));
        await(killed, FASTA, r -> "succeeded".equals(r.status));

        killed.drop(DHS, PipelineServiceTest.dhs);
        kills.inside(DHS, "align");
        kills.at("align -> pretrain", DHS, s -> s.ended(s.live(DHS), "align") && s.stage(s.live(DHS), "pretrain") == null
                && s.reference().path("epigenomes").size() == 1 && s.open(s.live(DHS)));
        kills.inside(DHS, "pretrain");
        await(killed, DHS, r -> "succeeded".equals(r.status));

        killed.drop(WAITING_VCF, PipelineServiceTest.vcf);
        await(killed, WAITING_VCF, r -> "waiting".equals(r.status));

        killed.drop(TSS, tss);
        kills.inside(TSS, "align");
        kills.at("align (labels) -> finetune", TSS, s -> s.ended(s.live(TSS), "align")
                && s.stage(s.live(TSS), "finetune") == null && s.reference().path("labelled").size() == 1
                && s.open(s.live(TSS)));
        kills.inside(TSS, "finetune");
        kills.at("finetune -> evaluate", TSS, s -> s.ended(s.live(TSS), "finetune")
                && s.stage(s.live(TSS), "evaluate") == null && s.reference().path("finetuned").size() == 1
                && s.open(s.live(TSS)));
        kills.inside(TSS, "evaluate");
        // the chain goes on with the VCF that waited: scored, and given its outcome, in its own record; the
        // kill comes after that and before the labels run's outcome (the VCF's score stage and its
        // boundaries are killed below in a run of its own; each point here costs a fine-tuning more)
        kills.at("the waiting VCF's outcome -> the labels run's outcome", TSS, s -> s.live(TSS) != null
                && "succeeded".equals(s.last(WAITING_VCF).status) && s.open(s.live(TSS)));
        await(killed, TSS, r -> "succeeded".equals(r.status));

        killed.drop(VCF, PipelineServiceTest.vcf);
        kills.inside(VCF, "score");
        kills.at("score -> the VCF's outcome", VCF, s -> s.ended(s.live(VCF), "score") && s.open(s.live(VCF)));
        await(killed, VCF, r -> "succeeded".equals(r.status));
        killed.stop();

        ServiceProcess whole = service();  // the shipped routes, never killed
        whole.start();
        Map<String, String> outcomes = new LinkedHashMap<>();
        outcomes.put(FASTA, "succeeded");
        outcomes.put(DHS, "succeeded");
        outcomes.put(WAITING_VCF, "waiting");
        outcomes.put(TSS, "succeeded");
        outcomes.put(VCF, "succeeded");
        Map<String, byte[]> bytes = Map.of(FASTA, PipelineServiceTest.fasta, DHS, PipelineServiceTest.dhs, WAITING_VCF,
                PipelineServiceTest.vcf, TSS, tss, VCF, PipelineServiceTest.vcf);
        for (Map.Entry<String, String> input : outcomes.entrySet()) {
            whole.drop(input.getKey(), bytes.get(input.getKey()));
            await(whole, input.getKey(), r -> input.getValue().equals(r.status));
        }
        await(whole, WAITING_VCF, r -> "succeeded".equals(r.status));
        whole.stop();

        // the step counts, not the time budgets, decided how long the models trained (else the roots differ)
        for (ServiceProcess service : List.of(killed, whole)) {
            JsonNode ref = new Snapshot(service, Set.of()).reference();
            assertEquals(8, JSON.readTree(Path.of(ref.path("pretrained").asText()).resolve("model-card.json").toFile())
                    .path("training").path("steps").asInt(), "pre-trained for pretrain-steps");
            assertEquals(4, JSON.readTree(Path.of(ref.path("model").asText()).resolve("finetune-summary.json").toFile())
                    .path("steps").asInt(), "fine-tuned for finetune-max-steps");
        }

        // the reference state and the current shards of a service never killed
        JsonNode afterKills = referenceState(killed);
        assertEquals(1, afterKills.path("epigenomes").size(), afterKills.toString());
        assertEquals(1, afterKills.path("finetuned").size(), afterKills.toString());
        assertEquals(0, afterKills.path("pendingVcfs").size(), afterKills.toString());
        assertEquals(referenceState(whole), afterKills, "the state of a service never killed");
        assertEquals(currentShards(whole), currentShards(killed));
        assertEquals(List.of(), ReferenceUndo.open(killed.root.resolve("state")), "no transaction left open");

        // every input has one final run, the same as the uninterrupted one's; every other run is one a kill cut
        Map<String, JsonNode> finals = finalRuns(killed);
        assertEquals(finalRuns(whole), finals, "the run records of a service never killed");
        Set<String> interrupted = new LinkedHashSet<>();
        for (RunRecord r : killed.runs()) {
            if ("interrupted".equals(r.status)) {
                interrupted.add(r.id);
                assertTrue(r.stages.stream().noneMatch(st -> "running".equals(st.status)), r.id + " " + r.stages);
            }
        }
        assertEquals(kills.cut, interrupted, "the runs the kills cut, and only those, read interrupted");
        assertEquals(killed.runs().size(), finals.size() + interrupted.size());

        // nothing processed twice, nothing lost, nothing half-made left behind
        List<String> keys = Files.readAllLines(killed.root.resolve("state/processed.keys"));
        assertEquals(new LinkedHashSet<>(keys).size(), keys.size(), "no input journalled twice: " + keys);
        assertEquals(Set.copyOf(Files.readAllLines(whole.root.resolve("state/processed.keys"))), Set.copyOf(keys));
        assertEquals(outcomes.keySet(), Set.copyOf(taken(killed)), "every input taken once, none left in the inbox");
        assertEquals(outcomes.size(), taken(killed).size());
        assertEquals(List.of(), leftovers(killed), "no staging folder, claim file or checkpoint in progress");
        for (String vcf : List.of(WAITING_VCF, VCF)) {
            assertScoredAlike(scored(whole, vcf), scored(killed, vcf), vcf + " scored as without a kill");
        }
    }

    /** Kills at named points of the chains, each confirmed after the kill, the service restarted after each. */
    static final class Kills {
        final ServiceProcess service;
        /** The runs that were unfinished when a kill came (they must read "interrupted" after the restart). */
        final Set<String> cut = new LinkedHashSet<>();

        Kills(ServiceProcess service) {
            this.service = service;
        }

        /** Inside STAGE of INPUT's run: the stage running and its command writing its results. */
        void inside(String input, String stage) throws Exception {
            at("inside " + stage + " of " + input, input, s -> s.writing(s.stage(s.live(input), stage)));
        }

        /**
         * SIGKILL when POINT holds for the service (INPUT's run unfinished: its chain is where the kill
         * lands), then POINT is checked on what the kill froze; the service is restarted either way. A
         * kill that came too late counts as a kill elsewhere (its run is cut too) and is tried again.
         */
        void at(String point, String input, Point where) throws Exception {
            Snapshot view = new Snapshot(service, cut);
            for (int attempt = 1; ; attempt++) {
                service.killWhen(() -> {
                    try {
                        return view.refresh().live(input) != null && where.test(view);
                    } catch (IOException | RuntimeException e) {
                        return false;  // a state file replaced while read: look again
                    }
                }, 240_000);
                view.refresh();
                boolean landed = where.test(view);
                for (RunRecord r : view.runs) {
                    if (r.finished == null) {
                        cut.add(r.id);
                    }
                }
                service.start();
                if (landed) {
                    System.err.printf("KillRestartIT: killed %s (try %d)%n", point, attempt);
                    return;
                }
                assertTrue(attempt < TRIES, "the kill did not land " + point + " in " + TRIES + " tries");
            }
        }
    }

    /** A point of a chain: what the journal and the folders say while the service is there. */
    interface Point {
        boolean test(Snapshot s) throws IOException;
    }

    /** What a service's journal and folders say now. */
    static final class Snapshot {
        final ServiceProcess service;
        /** Runs cut by earlier kills: until the restarted service marks them interrupted they look unfinished. */
        final Set<String> cut;
        List<RunRecord> runs = List.of();

        Snapshot(ServiceProcess service, Set<String> cut) {
            this.service = service;
            this.cut = cut;
        }

        Snapshot refresh() throws IOException {
            runs = service.runs();
            return this;
        }

        /** The unfinished run of INPUT (not one an earlier kill cut), or null. */
        RunRecord live(String input) {
            return runs.stream().filter(r -> r.inputs.get(0).name.equals(input) && r.finished == null
                    && !cut.contains(r.id)).findFirst().orElse(null);
        }

        /** The latest run of INPUT (a VCF that waited keeps its record while it waits). */
        RunRecord last(String input) {
            RunRecord last = null;
            for (RunRecord r : runs) {
                last = r.inputs.get(0).name.equals(input) ? r : last;
            }
            return last;
        }

        RunRecord.Stage stage(RunRecord run, String name) {
            return run == null ? null : run.stages.stream().filter(s -> s.stage.equals(name)).findFirst().orElse(null);
        }

        /** The stage's status, or null when the run has no such stage (or there is no run). */
        String status(RunRecord run, String name) {
            RunRecord.Stage stage = stage(run, name);
            return stage == null ? null : stage.status;
        }

        /** The stage's end is journalled, succeeded. */
        boolean ended(RunRecord run, String name) {
            RunRecord.Stage stage = stage(run, name);
            return stage != null && "succeeded".equals(stage.status);
        }

        /**
         * The stage runs and its command holds the claim on its output (OutputLock's {@code .NAME.regbert-lock}
         * beside it; score claims its file's stem inside it): taken before it writes anything, removed
         * once its results are in place, so the command is between its start and its end.
         */
        boolean writing(RunRecord.Stage stage) throws IOException {
            if (stage == null || !"running".equals(stage.status) || stage.output == null) {
                return false;
            }
            Path out = Path.of(stage.output);
            if (Files.exists(out.resolveSibling("." + out.getFileName() + ".regbert-lock"))) {
                return true;
            }
            if (!Files.isDirectory(out)) {
                return false;
            }
            try (Stream<Path> files = Files.list(out)) {
                return files.anyMatch(p -> p.getFileName().toString().endsWith(".regbert-lock"));
            }
        }

        /** RUN's transaction has before-images: its chain changed the reference state and has not ended. */
        boolean open(RunRecord run) {
            return run != null && Files.isDirectory(service.root.resolve("state/undo").resolve(run.id));
        }

        /** The one reference's state, or a missing node before there is one. */
        JsonNode reference() throws IOException {
            Path refs = service.root.resolve("state/references");
            if (!Files.isDirectory(refs)) {
                return MissingNode.getInstance();
            }
            try (Stream<Path> dirs = Files.list(refs)) {
                List<Path> states = dirs.map(d -> d.resolve("state.json")).filter(Files::exists).toList();
                return states.size() == 1 ? JSON.readTree(states.get(0).toFile()) : MissingNode.getInstance();
            }
        }
    }

    /** A service on a fresh root with short polls and small model stages, closed at the end. */
    static ServiceProcess service(String... more) throws IOException {
        List<String> settings = new ArrayList<>(List.of("-Dregbert.serve.read-lock-interval-ms=300",
                "-Dregbert.serve.poll-ms=200", "-Dregbert.serve.tokenize-args=--kmer=6,--window=510,--threads=1",
                "-Dregbert.serve.pretrain-steps=8", "-Dregbert.serve.finetune-max-steps=4",
                "-Dregbert.serve.evaluate-bootstrap=20",
                // one libtorch thread: on two, CPU reductions may split differently from run to run, and a model
                // trained again after a kill drifts in the last bits (see scoredAlike)
                "-Dai.djl.pytorch.num_threads=1",
                // short budgets: the time budget's timing steps take a few % of it; the step counts above,
                // far below what the budgets fit, decide how long the models train, the same in every run
                "-Dregbert.serve.pretrain-minutes=2", "-Dregbert.serve.finetune-minutes=1"));
        settings.addAll(List.of(more));
        ServiceProcess service = new ServiceProcess("regbert-kill-it", settings.toArray(String[]::new));
        services.add(service);
        return service;
    }

    static RunRecord await(ServiceProcess service, String name, Predicate<RunRecord> p) throws Exception {
        return service.await(r -> r.inputs.get(0).name.equals(name) && p.test(r), 240_000);
    }

    /** The one reference's state.json, run folders (runs/RUN-ID/...) written as runs/RUN/. */
    static JsonNode referenceState(ServiceProcess service) throws IOException {
        try (Stream<Path> refs = Files.list(service.root.resolve("state/references"))) {
            List<Path> all = refs.toList();
            assertEquals(1, all.size(), all.toString());
            return JSON.readTree(runIdsAside(service, Files.readString(all.get(0).resolve("state.json"))));
        }
    }

    static String currentShards(ServiceProcess service) throws IOException {
        return runIdsAside(service, Files.readString(service.root.resolve("state/current-shards")));
    }

    /**
     * Each input's runs other than the interrupted ones (there must be one), by input name: the record
     * without its id and times, run ids written RUN and the root ROOT.
     */
    static Map<String, JsonNode> finalRuns(ServiceProcess service) throws IOException {
        Map<String, JsonNode> finals = new TreeMap<>();
        for (RunRecord r : service.runs()) {
            if (!"interrupted".equals(r.status)) {
                ObjectNode record = JSON.valueToTree(r);
                withoutIdAndTimes(record);
                JsonNode before = finals.put(r.inputs.get(0).name, JSON.readTree(runIdsAside(service, record.toString())));
                assertEquals(null, before, "a second final run of " + r.inputs.get(0).name);
            }
        }
        return finals;
    }

    private static void withoutIdAndTimes(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove(List.of("id", "created", "started", "finished"));
        }
        node.forEach(KillRestartIT::withoutIdAndTimes);
    }

    /** The names of the files the inbox took to the end of their runs (inbox/.processed/TIME-NAME); fails if one is left. */
    static List<String> taken(ServiceProcess service) throws IOException {
        try (Stream<Path> inbox = Files.list(service.root.resolve("inbox"))) {
            List<String> left = inbox.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".processed")).toList();
            assertEquals(List.of(), left, "left in the inbox");
        }
        try (Stream<Path> processed = Files.list(service.root.resolve("inbox/.processed"))) {
            return processed.map(p -> p.getFileName().toString().replaceFirst("^\\d{8}-\\d{9}-", "")).toList();
        }
    }

    /**
     * Files of work in progress anywhere under the runs folder: staging folders (inside an output, or
     * evaluate's beside it), claim files, checkpoints and other files being written (hidden, .tmp).
     */
    static List<Path> leftovers(ServiceProcess service) throws IOException {
        try (Stream<Path> all = Files.walk(service.root.resolve("runs"))) {
            return all.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(".") && (name.contains("staging") || name.endsWith(".regbert-lock")
                        || name.startsWith(".tmp") || name.endsWith(".tmp"));
            }).toList();
        }
    }

    /** The scored VCF of INPUT's final run (run ids and the root aside: its header may name the model). */
    static String scored(ServiceProcess service, String input) throws IOException {
        RunRecord run = service.runs().stream().filter(r -> r.inputs.get(0).name.equals(input)
                && "succeeded".equals(r.status)).findFirst().orElseThrow();
        RunRecord.Stage score = run.stages.stream().filter(s -> s.stage.equals("score")).findFirst().orElseThrow();
        String file = score.outputs.stream().filter(o -> o.endsWith(".scored.vcf")).findFirst().orElseThrow(
                () -> new AssertionError("no scored VCF in " + score.outputs));
        return runIdsAside(service, Files.readString(Path.of(file)));
    }

    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile(
            "-?\\d+\\.\\d+(?:[eE][-+]?\\d+)?");
    /** How far a score may drift: libtorch's last-bit spread between fresh JVMs (1e-5 was seen), not a defect. */
    static final double SCORE_TOLERANCE = 1e-4;

    /**
     * The two scored VCFs are the same text once their decimals are set aside, and each decimal of one is
     * within {@link #SCORE_TOLERANCE} of the other's: models trained again after a kill may differ from the
     * uninterrupted run's in the last bits (libtorch's own spread between fresh JVMs, seen once as 1e-5 in a
     * score), while a wrong model, window or allele moves a score by far more or changes the text.
     */
    static void assertScoredAlike(String expected, String actual, String message) {
        assertEquals(DECIMAL.matcher(expected).replaceAll("#"), DECIMAL.matcher(actual).replaceAll("#"), message);
        java.util.regex.Matcher a = DECIMAL.matcher(expected);
        java.util.regex.Matcher b = DECIMAL.matcher(actual);
        int decimals = 0;
        while (a.find() && b.find()) {
            double x = Double.parseDouble(a.group());
            double y = Double.parseDouble(b.group());
            assertEquals(x, y, SCORE_TOLERANCE, message + ": decimal " + decimals + " (" + a.group() + " vs " + b.group()
                    + ")");
            decimals++;
        }
        org.junit.jupiter.api.Assertions.assertTrue(decimals > 0, message + ": no scores in the VCF");
    }

    /** Run ids (yyyyMMdd-HHmmss-8 hex digits) written RUN and the root ROOT, so two roots compare. */
    static String runIdsAside(ServiceProcess service, String text) {
        return text.replace(service.root.toString(), "ROOT").replaceAll("\\d{8}-\\d{6}-[0-9a-f]{8}", "RUN");
    }
}
