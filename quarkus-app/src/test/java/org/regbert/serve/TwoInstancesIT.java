package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.regbert.common.FileTrees;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Several instances, exactly once: two packaged services (two roots) share one PostgreSQL
 * ({@code regbert.serve.jdbc-url}), one S3 bucket (S3Proxy) and one runs folder. 100 objects go into the
 * bucket: 3 reference FASTAs (a real tokenize stage each, 2 Mb of random bases, so a kill lands mid-run),
 * 96 small notes and one 64 MB blob (both "ignored": recorded without a stage). Two kills -9:
 * <ol>
 * <li>the instance running a tokenize stage, restarted at once: its run is cut ("interrupted") and its
 * copy, still in its inbox, runs again;</li>
 * <li>the instance copying the blob into its inbox (its claim taken, the copy half-written): only the
 * restart's release of its unsettled claim lets the object be claimed again; without it the blob is lost.</li>
 * </ol>
 * Then every object has exactly one final run record across both instances (what it must be, by the
 * README's table: FASTA succeeded, the rest ignored), its copy was taken by one inbox only, and the
 * claims, the processed keys (name:SHA-256 computed here) and the outputs agree with the records.
 */
class TwoInstancesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LARGE = "zz-large.bin";

    @Test
    void everyObjectRunsExactlyOnceAcrossTwoInstancesKilledAndRestarted() throws Exception {
        ServeTestResource s3 = new ServeTestResource();
        Map<String, String> conf = s3.start();
        Path sharedRuns = Files.createTempDirectory("regbert-shared-runs");
        try (LocalPostgres pg = new LocalPostgres()) {
            String[] settings = settings(pg, conf, sharedRuns, "-Xmx1g");
            try (ServiceProcess a = new ServiceProcess("regbert-two-a", settings);
                    ServiceProcess b = new ServiceProcess("regbert-two-b", settings);
                    S3Client client = ServeTestResource.client()) {
                run(pg, client, a, b, sharedRuns);
            }
        } finally {
            s3.stop();
            FileTrees.delete(sharedRuns);
        }
    }

    /**
     * One lane across two instances (README, "Several instances"): its runs go one at a time on all
     * instances, S3 objects in the order they were put, another lane meanwhile, a killed instance's turn
     * taken over, and a VCF waiting on one instance scored by the other's fine-tuning. Both instances
     * watch one bucket, with 2 workers each (so that nothing but the lane's turn keeps runs apart):
     * <ol>
     * <li>the test holds the default lane's turn (the advisory lock, on a connection of its own, as another
     * instance's run holds it): a FASTA dropped in lane {@code second} of an instance tokenizes regardless,
     * and a reference FASTA put into the bucket meanwhile is taken but waits, with no stage, until the
     * test's connection closes;</li>
     * <li>then DHSs go into the bucket (later, so their last-modified time is later); whichever instance
     * claims each, the DHSs run after the FASTA (before it they would be refused: no token shards yet), so
     * both succeed;</li>
     * <li>TSS labels dropped in B's inbox start a run that holds the lane; a VCF dropped in A's inbox is
     * taken and waits for its turn (no stage, no outcome); B is killed with SIGKILL: A's VCF run gets the
     * turn at once (before B is restarted) and waits for a model;</li>
     * <li>B restarted runs its labels again: fine-tunes, evaluates and scores A's waiting VCF, once, with
     * B's model, and the VCF's run record (A's) ends succeeded.</li>
     * </ol>
     * Judged from the run records: the spans of the lane's turns (the stage times of each run; a waiting
     * VCF's score belongs to the turn of the run that scored it; the moment the VCF's run got its outcome
     * lies in its own turn) never overlap.
     */
    @Test
    void oneLaneRunsOneAtATimeAcrossInstancesInTheObjectsOrder() throws Exception {
        PipelineServiceTest.slices();
        byte[] tss = KillRestartIT.tssSlice();
        ServeTestResource s3 = new ServeTestResource();
        Map<String, String> conf = s3.start();
        Path sharedRuns = Files.createTempDirectory("regbert-shared-runs");
        try (LocalPostgres pg = new LocalPostgres()) {
            String[] settings = settings(pg, conf, sharedRuns, "-Xmx1g", "-Dregbert.serve.workers=2",
                    "-Dregbert.serve.finetune-max-steps=20", "-Dai.djl.pytorch.num_threads=1");
            try (ServiceProcess a = new ServiceProcess("regbert-lane-a", settings);
                    ServiceProcess b = new ServiceProcess("regbert-lane-b", settings);
                    S3Client client = ServeTestResource.client()) {
                lane(pg, client, a, b, sharedRuns, tss);
            }
        } finally {
            s3.stop();
            FileTrees.delete(sharedRuns);
        }
    }

    private void lane(LocalPostgres pg, S3Client client, ServiceProcess a, ServiceProcess b, Path sharedRuns, byte[] tss)
            throws Exception {
        a.start();
        b.start();
        String idA = instanceId(a, a, b);
        String idB = instanceId(b, a, b);
        String fasta = "1-chr20-1mb.fa";
        String dhs = "2-uw-dhs.chr20-1mb.bed";
        // the default lane's turn held here, on a connection of the test's own, as another instance's run holds it:
        // the FASTA put meanwhile waits for it, and lane second runs regardless
        try (Connection holder = pg.connect(); Statement lock = holder.createStatement()) {
            lock.execute("SELECT pg_advisory_lock(" + SharedLaneTurns.lockKey(null) + ")");
            client.putObject(p -> p.bucket(ServeTestResource.BUCKET).key(fasta), RequestBody.fromBytes(PipelineServiceTest.fasta));
            Files.createDirectories(b.root.resolve("inbox/second"));
            b.drop("second/other.fa", fasta(3, 2_000_000));
            await(() -> finalRow(pg, "other.fa") != null, 240_000, "lane second's outcome while the default lane is held", a, b);
            assertEquals("succeeded", finalRow(pg, "other.fa").record.status, finalRow(pg, "other.fa").record.reason);
            await(() -> running(pg, fasta) != null, 60_000, "the FASTA's run taken", a, b);
            Thread.sleep(1_000);  // a second in which its tokenize would have started, had it not waited
            assertEquals(List.of(), running(pg, fasta).record.stages, "the FASTA's run waits for the default lane: no stage");
        }  // the connection closed: the turn given back
        client.putObject(p -> p.bucket(ServeTestResource.BUCKET).key(dhs), RequestBody.fromBytes(PipelineServiceTest.dhs));
        for (String name : List.of(fasta, dhs)) {
            await(() -> finalRow(pg, name) != null, 240_000, name + "'s outcome", a, b);
            assertEquals("succeeded", finalRow(pg, name).record.status, name + ": " + finalRow(pg, name).record.reason);
        }

        // B's labels hold the lane; A's VCF is taken and waits for the turn; B is killed
        String tssName = "refseq.tss.chr20-1mb.bed";
        String vcfName = "gwas.chr20-1mb.vcf";
        b.drop(tssName, tss);
        await(() -> running(pg, tssName) != null && running(pg, tssName).record.stages.stream()
                .anyMatch(st -> "running".equals(st.status)), 120_000, "B's labels run in a stage", a, b);
        a.drop(vcfName, PipelineServiceTest.vcf);
        await(() -> running(pg, vcfName) != null, 60_000, "A's VCF run taken", a, b);
        Thread.sleep(1_000);  // a second in which the VCF's run would have started, had it not waited
        Row queued = running(pg, vcfName);
        Row holding = running(pg, tssName);
        assertNotNull(holding, "B's labels run still holds the lane when A's VCF is taken (fine-tuning takes longer)");
        assertEquals(idA, queued.instance);
        assertEquals(idB, holding.instance);
        assertEquals(List.of(), queued.record.stages, "A's VCF waits for its turn: no stage yet");
        // killed before its model is registered (an open run's changes are seen by the others: README)
        assertTrue(holding.record.stages.stream().noneMatch(st -> st.stage.equals("finetune") && st.finished != null),
                "B is still before the end of its fine-tuning: " + holding.record.stages.stream()
                        .map(st -> st.stage + ":" + st.status).toList());
        b.kill();
        java.time.Instant killed = java.time.Instant.now();
        await(() -> finalRow(pg, vcfName) != null, 120_000, "A's VCF run taking the lane over while B is down", a, a);
        Row waited = finalRow(pg, vcfName);
        assertEquals("waiting", waited.record.status, waited.record.reason);
        assertTrue(java.time.Instant.parse(waited.record.finished).isAfter(killed), "its outcome came after the kill");
        assertFalse(b.alive());

        // B restarted: its labels run again, fine-tune, and score A's VCF
        b.start();
        await(() -> finalRow(pg, tssName) != null && finalRow(pg, vcfName) != null
                && "succeeded".equals(finalRow(pg, vcfName).record.status), 600_000, "B's labels run and A's VCF scored",
                a, b);
        Row labels = finalRow(pg, tssName);
        assertEquals("succeeded", labels.record.status, labels.record.reason);
        assertEquals(idB, labels.instance, "B fine-tuned");
        Row scored = finalRow(pg, vcfName);
        assertEquals(idA, scored.instance, "the VCF's run is still A's");
        assertEquals(queued.record.id, scored.record.id, "one run of the VCF, never run again");
        List<RunRecord.Stage> scores = scored.record.stages.stream()
                .filter(st -> st.stage.equals("score") && "succeeded".equals(st.status)).toList();
        assertEquals(1, scores.size(), "scored exactly once: " + scored.record.stages.stream()
                .map(st -> st.stage + ":" + st.status).toList());
        String model = scores.get(0).arguments.get(scores.get(0).arguments.indexOf("--model") + 1);
        String reference = labels.record.reference;
        ReferenceState state = JSON.readValue((String) single(pg, "SELECT state FROM regbert_references WHERE id = '"
                + reference + "'").get("state"), ReferenceState.class);
        assertEquals(state.model, model, "scored with the reference's latest model");
        assertTrue(Path.of(model).startsWith(sharedRuns.resolve(labels.record.id)), model + ": B's labels run made it");
        assertEquals(List.of(), state.pendingVcfs, "no VCF waits any more");
        assertEquals(1, rows(pg).stream().filter(r -> r.record.inputs.get(0).name.equals(vcfName)).count(),
                "one run record of the VCF");
        assertEquals(0, all(pg, "SELECT tx FROM regbert_reference_undo").size(), "no transaction left open");

        // the lane's turns, by the run records: never two at once
        List<Row> rows = rows(pg);
        Map<String, long[]> turns = new LinkedHashMap<>();  // run whose turn it was -> [start, end] (epoch ms)
        for (Row r : rows) {
            if (r.record.lane != null || r.record.stages.isEmpty()) {
                continue;
            }
            boolean vcf = r.record.inputs.get(0).name.equals(vcfName);
            for (RunRecord.Stage st : r.record.stages) {
                if (st.started != null && st.finished != null) {
                    long[] span = {java.time.Instant.parse(st.started).toEpochMilli(),
                        java.time.Instant.parse(st.finished).toEpochMilli()};
                    widen(turns, vcf ? labels.record.id : r.record.id, span);  // a waiting VCF is scored in the labels' turn
                }
            }
            if (vcf) {
                long at = java.time.Instant.parse(waited.record.finished).toEpochMilli();
                widen(turns, r.record.id, new long[] {at, at});
            }
        }
        for (String name : List.of(fasta, dhs, vcfName, tssName)) {
            assertTrue(turns.containsKey(finalRow(pg, name).record.id), name + "'s turn: " + turns.keySet());
        }
        List<Map.Entry<String, long[]>> byStart = new ArrayList<>(turns.entrySet());
        byStart.sort(java.util.Comparator.comparingLong(e -> e.getValue()[0]));
        for (int i = 1; i < byStart.size(); i++) {
            assertTrue(byStart.get(i - 1).getValue()[1] <= byStart.get(i).getValue()[0], "turns overlap: "
                    + byStart.get(i - 1).getKey() + " and " + byStart.get(i).getKey());
        }
        assertTrue(turns.get(finalRow(pg, fasta).record.id)[1] <= turns.get(finalRow(pg, dhs).record.id)[0],
                "the FASTA put first ran first");
        assertEquals("second", finalRow(pg, "other.fa").record.lane);
        System.out.printf("lane turns: %s; FASTA on %s, DHSs on %s%n", byStart.stream().map(e -> e.getKey() + " "
                + e.getValue()[0] + "-" + e.getValue()[1]).toList(), finalRow(pg, fasta).instance.equals(idA) ? "a" : "b",
                finalRow(pg, dhs).instance.equals(idA) ? "a" : "b");
    }

    private static void widen(Map<String, long[]> turns, String run, long[] span) {
        turns.merge(run, span, (x, y) -> new long[] {Math.min(x[0], y[0]), Math.max(x[1], y[1])});
    }

    /** The run of input NAME that reached its outcome (not one a kill cut), or null. */
    private static Row finalRow(LocalPostgres pg, String name) {
        return rows(pg).stream().filter(r -> r.record.inputs.get(0).name.equals(name) && r.record.finished != null
                && !"interrupted".equals(r.record.status)).reduce((x, y) -> y).orElse(null);
    }

    /** The run of input NAME without an outcome yet, or null. */
    private static Row running(LocalPostgres pg, String name) {
        return rows(pg).stream().filter(r -> r.record.inputs.get(0).name.equals(name) && r.record.finished == null)
                .reduce((x, y) -> y).orElse(null);
    }

    private static String instanceId(ServiceProcess s, ServiceProcess a, ServiceProcess b) throws Exception {
        Path id = s.root.resolve("state/instance.id");
        await(() -> Files.exists(id), 180_000, "instance id of " + s.root, a, b);  // a start on a busy machine
        return Files.readString(id).strip();
    }

    /** The -D settings of an instance on PG, the S3 test bucket's CONF (not its root) and SHARED_RUNS, then MORE. */
    private static String[] settings(LocalPostgres pg, Map<String, String> conf, Path sharedRuns, String... more) {
        List<String> settings = new ArrayList<>(List.of("-Dregbert.serve.jdbc-url=" + pg.url(),
                "-Dregbert.serve.jdbc-user=postgres", "-Dregbert.serve.runs-dir=" + sharedRuns));
        conf.forEach((k, v) -> {
            if (!k.equals("regbert.serve.root")) {
                settings.add("-D" + k + "=" + v);
            }
        });
        settings.addAll(List.of(more));  // the last -D of a name wins
        return settings.toArray(String[]::new);
    }

    /**
     * The reference state is shared: instance A tokenizes a FASTA dropped in its inbox; a VCF dropped later
     * in instance B's inbox goes to that reference (B never saw the FASTA) and, with no model yet, waits in
     * its state. Expected by hand: the reference id is the first assembly ("hg19") and the first 12 hex
     * digits of the FASTA's SHA-256 (README), B's run names it and is "waiting", and the reference's
     * pending VCFs hold B's run.
     */
    @Test
    void aSecondInstanceContinuesTheChainOfAReferenceTheFirstRegistered() throws Exception {
        Path sharedRuns = Files.createTempDirectory("regbert-shared-runs");
        try (LocalPostgres pg = new LocalPostgres()) {
            String[] settings = {"-Xmx512m", "-Dregbert.serve.jdbc-url=" + pg.url(), "-Dregbert.serve.jdbc-user=postgres",
                "-Dregbert.serve.runs-dir=" + sharedRuns, "-Dregbert.serve.read-lock-interval-ms=200",
                "-Dregbert.serve.poll-ms=200"};
            try (ServiceProcess a = new ServiceProcess("regbert-chain-a", settings);
                    ServiceProcess b = new ServiceProcess("regbert-chain-b", settings)) {
                a.start();
                b.start();
                byte[] fasta = fasta(7, 20_000);
                String reference = "hg19-" + sha256(fasta).substring(0, 12);
                a.drop("chain.fa", fasta);
                await(() -> rows(pg).stream().anyMatch(r -> r.record.inputs.get(0).name.equals("chain.fa")
                        && "succeeded".equals(r.record.status)), 120_000, "A's tokenize run", a, b);
                b.drop("later.vcf", "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                        .getBytes(StandardCharsets.US_ASCII));
                await(() -> rows(pg).stream().anyMatch(r -> r.record.inputs.get(0).name.equals("later.vcf")
                        && r.record.finished != null), 120_000, "B's VCF run", a, b);
                Row vcf = rows(pg).stream().filter(r -> r.record.inputs.get(0).name.equals("later.vcf")).findFirst()
                        .orElseThrow();
                assertEquals(Files.readString(b.root.resolve("state/instance.id")).strip(), vcf.instance, "B ran it");
                assertEquals("waiting", vcf.record.status, vcf.record.reason);
                assertEquals(reference, vcf.record.reference, "A's reference");
                ReferenceState state = JSON.readValue((String) single(pg, "SELECT state FROM regbert_references WHERE id = '"
                        + reference + "'").get("state"), ReferenceState.class);
                assertEquals(List.of(vcf.record.id), state.pendingVcfs.stream().map(p -> p.runId).toList());
                assertEquals(reference, single(pg, "SELECT reference_id FROM regbert_current_references WHERE lane = ''")
                        .get("reference_id"), "the default lane's current reference, for every instance");
                assertFalse(Files.exists(a.root.resolve("state/references")), "no reference state in A's files");
                assertEquals(0, all(pg, "SELECT tx FROM regbert_reference_undo").size(), "both runs committed");
            }
        } finally {
            FileTrees.delete(sharedRuns);
        }
    }

    private void run(LocalPostgres pg, S3Client client, ServiceProcess a, ServiceProcess b, Path sharedRuns)
            throws Exception {
        Map<String, byte[]> objects = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();  // the README's outcome of each kind
        for (int i = 1; i <= 3; i++) {
            objects.put("a-ref-" + i + ".fa", fasta(i, 2_000_000));
            expected.put("a-ref-" + i + ".fa", "succeeded");
        }
        for (int i = 0; i < 96; i++) {
            String name = String.format("note-%03d.txt", i);
            objects.put(name, ("note " + i + "\n").getBytes(StandardCharsets.UTF_8));
            expected.put(name, "ignored");
        }
        byte[] large = new byte[64 << 20];
        new Random(99).nextBytes(large);
        expected.put(LARGE, "ignored");

        a.start();
        b.start();
        Map<String, ServiceProcess> byInstance = new HashMap<>();
        for (ServiceProcess s : List.of(a, b)) {
            Path id = s.root.resolve("state/instance.id");
            await(() -> Files.exists(id), 60_000, "instance id of " + s.root, a, b);
            byInstance.put(Files.readString(id).strip(), s);
        }
        assertEquals(2, byInstance.size(), "two instances, two ids");
        for (Map.Entry<String, byte[]> o : objects.entrySet()) {
            client.putObject(p -> p.bucket(ServeTestResource.BUCKET).key(o.getKey()), RequestBody.fromBytes(o.getValue()));
        }

        // kill 1: whoever runs a tokenize stage right now
        String[] cut = new String[2];  // run id, instance
        await(() -> {
            for (Row r : rows(pg)) {
                if ("running".equals(r.record.status) && r.record.stages.stream()
                        .anyMatch(s -> s.stage.equals("tokenize") && "running".equals(s.status))) {
                    cut[0] = r.record.id;
                    cut[1] = r.instance;
                    return true;
                }
            }
            return false;
        }, 180_000, "a tokenize stage running", a, b);
        ServiceProcess first = byInstance.get(cut[1]);
        first.kill();
        first.start();

        // kill 2: whoever is copying the blob into its inbox (claimed, copy half-written)
        client.putObject(p -> p.bucket(ServeTestResource.BUCKET).key(LARGE), RequestBody.fromBytes(large));
        objects.put(LARGE, large);
        ServiceProcess[] copying = new ServiceProcess[1];
        long end = System.currentTimeMillis() + 120_000;
        while (copying[0] == null && System.currentTimeMillis() < end) {
            for (ServiceProcess s : List.of(a, b)) {
                if (Files.exists(s.root.resolve("inbox").resolve(S3Claims.COPY_PREFIX + LARGE))) {
                    copying[0] = s;
                    s.kill();
                    break;
                }
            }
            Thread.sleep(1);
        }
        ServiceProcess second = copying[0];
        assertNotNull(second, "an instance copying " + LARGE + " within 120 s");
        assertFalse(Files.exists(second.root.resolve("inbox").resolve(LARGE)), "killed before the copy was complete");
        Map<String, Object> claim = single(pg, "SELECT instance, run_id, done FROM regbert_s3_claims WHERE key LIKE '"
                + ServeTestResource.BUCKET + "/" + LARGE + "@%'");
        assertEquals(Files.readString(second.root.resolve("state/instance.id")).strip(), claim.get("instance"),
                "the claim is the killed instance's");
        assertEquals(false, claim.get("done"));
        second.start();

        // both idle: every object has an outcome, nothing left in either inbox, no run open
        await(() -> {
            List<Row> rows = rows(pg);
            long finals = rows.stream().filter(r -> !"interrupted".equals(r.record.status)
                    && !"running".equals(r.record.status)).count();
            return finals >= objects.size() && rows.stream().noneMatch(r -> "running".equals(r.record.status))
                    && inboxFiles(a).isEmpty() && inboxFiles(b).isEmpty();
        }, 240_000, () -> "every object run; without a final record: " + objects.keySet().stream()
                .filter(n -> rows(pg).stream().noneMatch(r -> r.record.inputs.get(0).name.equals(n)
                        && !"interrupted".equals(r.record.status) && !"running".equals(r.record.status))).toList()
                + "; in the inboxes: " + inboxFiles(a) + " " + inboxFiles(b), a, b);
        Thread.sleep(3_000);  // a few more polls: a second copy of anything would show now

        List<Row> rows = rows(pg);
        Map<String, String> finalIds = new HashMap<>();
        for (String name : objects.keySet()) {
            List<Row> finals = rows.stream().filter(r -> r.record.inputs.get(0).name.equals(name)
                    && !"interrupted".equals(r.record.status)).toList();
            assertEquals(1, finals.size(), name + ": exactly one final run record across both instances, not "
                    + finals.stream().map(r -> r.record.id + " " + r.record.status).toList());
            RunRecord r = finals.get(0).record;
            assertEquals(expected.get(name), r.status, name);
            assertEquals("s3://" + ServeTestResource.BUCKET + "/" + name, r.trigger, name + ": its origin");
            assertEquals(sha256(objects.get(name)), r.inputs.get(0).sha256, name);
            assertEquals(sha256(objects.get(name)), sha256(Files.readAllBytes(sharedRuns.resolve(r.id)
                    .resolve("input").resolve(name))), name + ": its copy in the shared runs folder");
            finalIds.put(name, r.id);
        }
        assertEquals(objects.size() + rows.stream().filter(r -> "interrupted".equals(r.record.status)).count(),
                rows.size(), "no other records");
        Row cutRow = rows.stream().filter(r -> r.record.id.equals(cut[0])).findFirst().orElseThrow();
        assertEquals("interrupted", cutRow.record.status, "the tokenize run killed mid-stage");

        // the claims: one per object, settled, naming the run of its final record and the instance that ran it
        Map<String, String> instanceOf = new HashMap<>();
        rows.forEach(r -> instanceOf.put(r.record.id, r.instance));
        List<Map<String, Object>> claims = all(pg, "SELECT key, instance, run_id, done FROM regbert_s3_claims");
        assertEquals(objects.size(), claims.size(), "one claim per object");
        for (Map<String, Object> c : claims) {
            String key = (String) c.get("key");
            String name = key.substring(key.indexOf('/') + 1, key.lastIndexOf('@'));
            assertEquals(true, c.get("done"), key);
            assertEquals(finalIds.get(name), c.get("run_id"), key);
            assertEquals(instanceOf.get(finalIds.get(name)), c.get("instance"), key);
        }
        // the processed keys: name:SHA-256 of the bytes put, each with the run that handled it
        List<Map<String, Object>> processed = all(pg, "SELECT key, run_id FROM regbert_processed");
        assertEquals(objects.size(), processed.size());
        for (Map<String, Object> p : processed) {
            String key = (String) p.get("key");
            String name = key.substring(0, key.lastIndexOf(':'));
            assertEquals(name + ":" + sha256(objects.get(name)), key);
            assertEquals(finalIds.get(name), p.get("run_id"), key);
        }
        // each object was copied into one inbox only (its file moved to that inbox's .processed/)
        List<String> taken = new ArrayList<>();
        for (ServiceProcess s : List.of(a, b)) {
            try (Stream<Path> files = Files.list(s.root.resolve("inbox/.processed"))) {
                files.forEach(f -> taken.add(f.getFileName().toString()));
            }
        }
        for (String name : objects.keySet()) {
            assertEquals(1, taken.stream().filter(t -> t.endsWith("-" + name)).count(), name + " taken once: " + taken);
        }
        assertEquals(objects.size(), taken.size());

        // GET /runs of either instance lists every instance's records
        for (ServiceProcess s : List.of(a, b)) {
            List<RunRecord> listed = JSON.readValue(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort(s) + "/runs")).build(),
                    HttpResponse.BodyHandlers.ofString()).body(), new TypeReference<>() { });
            assertEquals(rows.size(), listed.size(), "GET /runs of " + s.root);
        }
        System.out.printf("final runs per instance: %s%n", rows.stream().filter(r -> !"interrupted".equals(r.record.status))
                .collect(java.util.stream.Collectors.groupingBy(r -> byInstance.get(r.instance) == a ? "a" : "b",
                        java.util.stream.Collectors.counting())));
    }

    /** A FASTA of random bases (seeded), 60 a line. */
    private static byte[] fasta(int seed, int bases) {
        Random random = new Random(seed);
        StringBuilder out = new StringBuilder(">seq" + seed + "\n");
        for (int i = 0; i < bases; i++) {
            out.append("ACGT".charAt(random.nextInt(4)));
            if (i % 60 == 59) {
                out.append('\n');
            }
        }
        return out.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** The regular files in the inbox (not the hidden .processed/ folder, not partial copies). */
    private static List<Path> inboxFiles(ServiceProcess s) {
        try (Stream<Path> files = Files.list(s.root.resolve("inbox"))) {
            return files.filter(Files::isRegularFile).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int httpPort(ServiceProcess s) {
        Matcher m = Pattern.compile("Listening on: http://127\\.0\\.0\\.1:(\\d+)").matcher(s.log());
        int port = -1;
        while (m.find()) {
            port = Integer.parseInt(m.group(1));  // the latest start's
        }
        assertTrue(port > 0, "the HTTP port in " + s.root + "/service.log");
        return port;
    }

    private record Row(String instance, RunRecord record) {
    }

    private static List<Row> rows(LocalPostgres pg) {
        List<Row> rows = new ArrayList<>();
        for (Map<String, Object> r : all(pg, "SELECT instance, record FROM regbert_runs ORDER BY seq")) {
            try {
                rows.add(new Row((String) r.get("instance"), JSON.readValue((String) r.get("record"), RunRecord.class)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return rows;
    }

    private static Map<String, Object> single(LocalPostgres pg, String sql) {
        List<Map<String, Object>> rows = all(pg, sql);
        assertEquals(1, rows.size(), sql);
        return rows.get(0);
    }

    /** The rows of a query (none while the services have not made the tables yet). */
    private static List<Map<String, Object>> all(LocalPostgres pg, String sql) {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                out.add(row);
            }
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) {  // undefined table: not made yet
                throw new IllegalStateException(sql, e);
            }
        }
        return out;
    }

    /** Polls COND every 20 ms; fails when MILLIS pass or a service dies. */
    private static void await(BooleanSupplier cond, long millis, String what, ServiceProcess... services)
            throws Exception {
        await(cond, millis, () -> what, services);
    }

    private static void await(BooleanSupplier cond, long millis, java.util.function.Supplier<String> what,
            ServiceProcess... services) throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (cond.getAsBoolean()) {
                return;
            }
            for (ServiceProcess s : services) {
                assertTrue(s.alive(), () -> "a service died: " + s.log());
            }
            Thread.sleep(20);
        }
        throw new AssertionError("timed out waiting for " + what.get() + "\n--- a:\n" + tail(services[0]) + "\n--- b:\n"
                + tail(services[1]));
    }

    private static String tail(ServiceProcess s) {
        String log = s.log();
        return log.substring(Math.max(0, log.length() - 6000));
    }
}
