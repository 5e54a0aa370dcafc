package org.regbert.serve;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.regbert.bigfiles.BigWigWriter;
import org.regbert.common.KitData;
import org.regbert.shards.NpyArray;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The service end to end with real parts: the Camel routes from routes/*.camel.yaml watching a real
 * folder and a real S3-compatible server, the tokenize and align stages run in-process on a slice of
 * the kit's hg19 chr20 and its UW DHS master list, run records over REST.
 */
@QuarkusTest
@QuarkusTestResource(ServeTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineServiceTest {
    static final Path KIT = KitData.root();
    static final int SLICE = 1_000_000;
    static byte[] fasta;
    static byte[] dhs;
    static byte[] vcf;

    @Inject
    RunJournal journal;
    @Inject
    References references;

    /** The first 1 Mb of hg19 chr20 named '20' as in the kit, and the kit's DHSs inside it (they say 'chr20'). */
    @BeforeAll
    static void slices() throws IOException {
        StringBuilder seq = new StringBuilder(SLICE);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(KIT.resolve("genome/hg19.chr20.fa.gz"))), StandardCharsets.US_ASCII))) {
            String line = r.readLine();
            assertTrue(line.startsWith(">"), line);
            while (seq.length() < SLICE && (line = r.readLine()) != null) {
                seq.append(line.strip());
            }
        }
        seq.setLength(SLICE);
        StringBuilder fa = new StringBuilder(">20\n");
        for (int i = 0; i < SLICE; i += 60) {
            fa.append(seq, i, Math.min(SLICE, i + 60)).append('\n');
        }
        fasta = fa.toString().getBytes(StandardCharsets.US_ASCII);
        StringBuilder bed = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(KIT.resolve("accessibility/uw-dhs-master.hg19.bed.gz"))), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null;) {
                String[] f = line.split("\t");
                if (f[0].equals("chr20") && Long.parseLong(f[2]) < SLICE) {
                    bed.append(line).append('\n');
                }
            }
        }
        dhs = bed.toString().getBytes(StandardCharsets.US_ASCII);
        assertTrue(dhs.length > 0, "the kit has DHSs in the first Mb of chr20");
        // the kit's GWAS SNPs in the slice as a VCF: REF from the sequence, ALT its transition
        StringBuilder v = new StringBuilder("##fileformat=VCFv4.2\n##contig=<ID=chr20>\n"
                + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
        int snps = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(KIT.resolve("variants/gwas-snps.hg19.bed.gz"))), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null;) {
                String[] f = line.split("\t");
                int pos = Integer.parseInt(f[1]) + 1;
                if (f[0].equals("chr20") && pos <= SLICE) {
                    char ref = Character.toUpperCase(seq.charAt(pos - 1));
                    String alt = switch (ref) { case 'A' -> "G"; case 'G' -> "A"; case 'C' -> "T"; default -> "C"; };
                    v.append("chr20\t").append(pos).append('\t').append(f[3]).append('\t').append(ref).append('\t')
                            .append(alt).append("\t.\tPASS\t.\n");
                    snps++;
                }
            }
        }
        assertTrue(snps > 0, "the kit has GWAS SNPs in the first Mb of chr20");
        vcf = v.toString().getBytes(StandardCharsets.US_ASCII);
    }

    Path inbox() {
        return ServeTestResource.root.resolve("inbox");
    }

    /** Writes a file into the inbox the way an upload tool does: temporary name, then rename. */
    void drop(String name, byte[] bytes) throws IOException {
        Path tmp = inbox().resolve(name + ".part");
        Files.write(tmp, bytes);
        Files.move(tmp, inbox().resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The entry of GET /runs with this id (an inbox file without a run record: "inbox:NAME"). */
    static Map<String, Object> listed(String id) {
        List<Map<String, Object>> all = given().get("/runs").then().statusCode(200).extract().jsonPath().getList("$");
        return all.stream().filter(e -> id.equals(e.get("id"))).findFirst()
                .orElseThrow(() -> new AssertionError("GET /runs lists no " + id + ": " + all));
    }

    List<RunRecord> runsOf(String name) {
        return journal.all().stream().filter(r -> r.inputs.get(0).name.equals(name)).toList();
    }

    RunRecord awaitRun(String name, Predicate<RunRecord> done, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            for (RunRecord r : runsOf(name)) {
                if (done.test(r)) {
                    return r;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no finished run for " + name + " after " + millis + " ms; runs: " + runsOf(name)
                .stream().map(r -> r.status + " " + r.reason).toList());
    }

    static boolean finished(RunRecord r) {
        return r.finished != null;
    }

    void awaitInboxEmpty(long millis) throws InterruptedException, IOException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            try (Stream<Path> s = Files.list(inbox())) {
                if (s.noneMatch(p -> Files.isRegularFile(p) && !p.getFileName().toString().endsWith(".part"))) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("inbox not drained");
    }

    @Test
    @Order(1)
    void referenceFastaIsTokenizedAndRecorded() throws Exception {
        drop("chr20-1mb.fa", fasta);
        RunRecord run = awaitRun("chr20-1mb.fa", PipelineServiceTest::finished, 60_000);
        assertEquals("succeeded", run.status, run.reason + " " + run.errors);
        assertEquals("reference", run.kind);
        assertEquals(Admission.sha256(inbox().getParent().resolve("runs").resolve(run.id).resolve("input/chr20-1mb.fa"))[0],
                run.inputs.get(0).sha256);
        assertEquals(fasta.length, run.inputs.get(0).bytes);
        RunRecord.Stage tokenize = run.stages.get(0);
        assertEquals("tokenize", tokenize.stage);
        assertEquals("succeeded", tokenize.status);
        assertTrue(tokenize.outputs.stream().anyMatch(o -> o.endsWith("shard-00000.npz")), tokenize.outputs.toString());
        assertTrue(tokenize.outputs.stream().anyMatch(o -> o.endsWith("tokenize-summary.json")));
        assertTrue(tokenize.outputs.stream().allMatch(o -> Path.of(o).startsWith(ServeTestResource.root)));
        // later stages wait for their inputs, and say which
        assertEquals(List.of("pretrain:waiting", "finetune:waiting", "score:waiting"),
                run.stages.subList(1, run.stages.size()).stream().map(s -> s.stage + ":" + s.status).toList());
        assertTrue(run.stages.get(1).message.contains("peaks"), run.stages.get(1).message);
        assertTrue(run.reference.startsWith("hg19-"), run.reference);
        assertTrue(Files.exists(ServeTestResource.root.resolve("state/references").resolve(run.reference)
                .resolve("state.json")));
        assertTrue(Files.exists(ServeTestResource.root.resolve("runs").resolve(run.id).resolve("provenance.json")));
        // over REST, from the durable journal
        given().get("/runs/" + run.id).then().statusCode(200).body("status", equalTo("succeeded"))
                .body("inputs[0].sha256", equalTo(run.inputs.get(0).sha256))
                .body("stages[0].stage", equalTo("tokenize"));
        given().get("/runs").then().statusCode(200).body(containsString(run.id));
        given().get("/runs/no-such-run").then().statusCode(404);
        String journalText = Files.readString(ServeTestResource.root.resolve("state/runs.jsonl"));
        assertTrue(journalText.contains("\"id\":\"" + run.id + "\""));
    }

    @Test
    @Order(2)
    void dhsPeaksAreAlignedOnTheCurrentShardsAndPretrainedOn() throws Exception {
        // a VCF before any model: it waits (recorded in the reference's state), it is not dropped
        drop("gwas.chr20-1mb.vcf", vcf);
        RunRecord waiting = awaitRun("gwas.chr20-1mb.vcf", PipelineServiceTest::finished, 30_000);
        assertEquals("waiting", waiting.status, waiting.reason);
        assertEquals("variants", waiting.kind);
        assertEquals(List.of("score:waiting"), waiting.stages.stream().map(s -> s.stage + ":" + s.status).toList());
        drop("uw-dhs.chr20-1mb.bed", dhs);
        RunRecord run = awaitRun("uw-dhs.chr20-1mb.bed", PipelineServiceTest::finished, 180_000);  // align, pretrain and the waiting VCF scored: minutes on a loaded machine
        assertEquals("succeeded", run.status, run.reason + " " + run.stages.get(0).message);
        assertEquals("peaks", run.kind);
        RunRecord.Stage align = run.stages.get(0);
        assertEquals("align", align.stage);
        assertTrue(align.arguments.contains("--peaks"), align.arguments.toString());
        assertTrue(align.arguments.stream().anyMatch(a -> a.endsWith(":uw-dhs")), align.arguments.toString());
        assertTrue(align.outputs.stream().anyMatch(o -> o.endsWith(".npz")), align.outputs.toString());
        // the reference says '20', the DHS file 'chr20': the alias comes from the reference's index
        assertTrue(String.join(" ", align.arguments).contains("--contig-alias chr20=20"), align.arguments.toString());
        // the reference had no model: the accessibility shards are pre-trained on (tiny, a few steps)
        RunRecord.Stage pretrain = run.stages.get(1);
        assertEquals("pretrain", pretrain.stage);
        assertEquals("succeeded", pretrain.status, pretrain.message);
        assertEquals(align.output, pretrain.arguments.get(pretrain.arguments.indexOf("--shards") + 1));
        assertTrue(pretrain.outputs.stream().anyMatch(o -> o.endsWith("model-card.json")), pretrain.outputs.toString());
        assertPretrainedShardsHoldTheTestRegionOut(align, pretrain);
        assertEquals(List.of("finetune:waiting", "score:waiting"), run.stages.subList(2, run.stages.size()).stream()
                .map(s -> s.stage + ":" + s.status).toList());
        // the VCF still waits: no fine-tuned model yet
        assertEquals("waiting", journal.get(waiting.id).status);
    }

    /**
     * The accessibility shards carry the holdouts the labels get later: on the 1 Mb slice, test = its last
     * 20 % (20:800000-1000000), validation = the 10 % before (20:700000-800000); a window touching a
     * holdout belongs to it. Derived here from each window's coordinates, not from align's split array;
     * pretrain then leaves exactly those test windows out, so fine-tuning's test set was never pre-trained on.
     */
    static void assertPretrainedShardsHoldTheTestRegionOut(RunRecord.Stage align, RunRecord.Stage pretrain)
            throws IOException {
        String alignArgs = String.join(" ", align.arguments);
        assertTrue(alignArgs.contains("--valid 20:700000-800000") && alignArgs.contains("--test 20:800000-1000000"),
                alignArgs);
        long testWindows = 0;
        List<Path> shards = ShardSet.list(Path.of(align.output));
        assertFalse(shards.isEmpty());
        for (Path file : shards) {
            try (TokenShard shard = TokenShard.open(file)) {
                NpyArray split = shard.array("split");
                NpyArray starts = shard.array("start");
                NpyArray ends = shard.array("end");
                for (int w = 0; w < shard.windows(); w++) {
                    long start = starts.getLong(w);
                    long end = ends.getLong(w);
                    int expected = start < 1_000_000 && end > 800_000 ? 2 : start < 800_000 && end > 700_000 ? 1 : 0;
                    assertEquals(expected, split.getByte(w), "split of the window at 20:" + start + "-" + end);
                    testWindows += expected == 2 ? 1 : 0;
                }
            }
        }
        // 510-token windows span 515 bases, a window every 510: about 200,000 / 510 of them touch the test region
        assertTrue(testWindows > 300, "test windows: " + testWindows);
        Path card = Path.of(pretrain.outputs.stream().filter(o -> o.endsWith("model-card.json")).findFirst()
                .orElseThrow());
        JsonNode data = new ObjectMapper().readTree(card.toFile()).get("data");
        assertEquals(testWindows, data.get("testWindowsExcluded").asLong(), data.toString());
    }

    @Test
    @Order(3)
    void theSameBytesTwiceRunOnceAndChangedBytesRunAgain() throws Exception {
        drop("chr20-1mb.fa", fasta);  // identical bytes, same name as in the first test
        awaitInboxEmpty(30_000);
        Thread.sleep(500);
        assertEquals(1, runsOf("chr20-1mb.fa").size());
        try (Stream<Path> moved = Files.list(inbox().resolve(".processed"))) {
            assertEquals(2, moved.filter(p -> p.getFileName().toString().endsWith("-chr20-1mb.fa")).count());
        }
        drop("notes.txt", "first\n".getBytes(StandardCharsets.UTF_8));
        RunRecord first = awaitRun("notes.txt", PipelineServiceTest::finished, 30_000);
        assertEquals("ignored", first.status);
        assertTrue(first.reason.contains("no stage takes this kind of file"), first.reason);
        drop("notes.txt", "first\n".getBytes(StandardCharsets.UTF_8));
        awaitInboxEmpty(30_000);
        assertEquals(1, runsOf("notes.txt").size());
        drop("notes.txt", "changed\n".getBytes(StandardCharsets.UTF_8));
        awaitRun("notes.txt", r -> finished(r) && !r.id.equals(first.id), 30_000);
        assertEquals(2, runsOf("notes.txt").size());
    }

    @Test
    @Order(4)
    void aPartialUploadIsNeverProcessed() throws Exception {
        // an upload under a temporary name is never taken, nor a name beginning with a dot; both are listed
        Files.write(inbox().resolve("never.fa.part"), fasta);
        String evil = "..\\..\\evil.fa";
        Files.write(inbox().resolve(evil), fasta);
        assertEquals("pending", listed("inbox:never.fa.part").get("status"));
        assertTrue(String.valueOf(listed("inbox:never.fa.part").get("reason")).contains("upload in progress"));
        // a slow writer: the file grows for ~3 s; only the complete file may be run
        Path slow = inbox().resolve("slow-upload.fa");
        try (OutputStream out = Files.newOutputStream(slow)) {
            int chunk = fasta.length / 12 + 1;
            for (int off = 0; off < fasta.length; off += chunk) {
                out.write(fasta, off, Math.min(chunk, fasta.length - off));
                out.flush();
                Thread.sleep(250);
            }
        }
        RunRecord run = awaitRun("slow-upload.fa", PipelineServiceTest::finished, 60_000);
        assertEquals(1, runsOf("slow-upload.fa").size());
        assertEquals(fasta.length, run.inputs.get(0).bytes);
        assertEquals("succeeded", run.status, run.reason);
        assertTrue(Files.exists(inbox().resolve("never.fa.part")));
        assertTrue(runsOf("never.fa.part").isEmpty() && runsOf("never.fa").isEmpty());
        // past the read-lock timeout (4 s here) a file never taken is reported as such, with what to do
        long end = System.currentTimeMillis() + 20_000;
        Map<String, Object> entry = listed("inbox:" + evil);
        while (System.currentTimeMillis() < end && !"not-taken".equals(entry.get("status"))) {
            Thread.sleep(200);
            entry = listed("inbox:" + evil);
        }
        assertEquals("not-taken", entry.get("status"), entry.toString());
        assertTrue(String.valueOf(entry.get("reason")).contains("rename it"), entry.toString());
        assertTrue(runsOf(evil).isEmpty() && runsOf("evil.fa").isEmpty(), "never run");
        Files.delete(inbox().resolve("never.fa.part"));
        Files.delete(inbox().resolve(evil));
    }

    @Test
    @Order(5)
    void encodeFilesAreRoutedByMetadataAndAWrongAssemblyIsRejected() throws Exception {
        String header = "File accession\tFile format\tOutput type\tAssay\tBiosample term name\tExperiment target\t"
                + "File assembly\n";
        drop("metadata.tsv", (header
                + "ENCFF000AAA\tbed narrowPeak\tpeaks\tDNase-seq\tK562\t\tGRCh38\n"
                + "ENCFF000BBB\tbed narrowPeak\tpeaks\tDNase-seq\tGM12878\t\thg19\n"
                + "ENCFF000CCC\tbed narrowPeak\tconservative IDR thresholded peaks\tTF ChIP-seq\tHepG2\tCTCF-human\thg19\n"
                + "ENCFF000DDD\tbigWig\tfold change over control\tHistone ChIP-seq\tK562\tH3K27ac-human\thg19\n")
                .getBytes(StandardCharsets.UTF_8));
        RunRecord meta = awaitRun("metadata.tsv", PipelineServiceTest::finished, 30_000);
        assertEquals("recorded", meta.status, meta.reason);
        drop("ENCFF000AAA.bed", dhs);
        RunRecord wrong = awaitRun("ENCFF000AAA.bed", PipelineServiceTest::finished, 30_000);
        assertEquals("rejected", wrong.status);
        assertTrue(wrong.reason.contains("File assembly GRCh38") && wrong.reason.contains("hg19"), wrong.reason);
        assertTrue(wrong.stages.isEmpty(), "no stage ran");
        // TF ChIP-seq conservative peaks: labels for the target -> align (holdouts) -> finetune -> evaluate,
        // then the VCF that waited is scored, once
        drop("ENCFF000CCC.bed", dhs);
        RunRecord chip = awaitRun("ENCFF000CCC.bed", PipelineServiceTest::finished, 180_000);
        assertEquals("succeeded", chip.status, chip.reason + " " + chip.stages.stream().map(st -> st.stage + ":"
                + st.status + ":" + st.message).toList());
        assertEquals("labels", chip.kind);
        assertEquals(List.of("align", "finetune", "evaluate", "score"), chip.stages.stream().map(st -> st.stage).toList());
        String alignArgs = String.join(" ", chip.stages.get(0).arguments);
        assertTrue(alignArgs.contains("--labels CTCF=") && alignArgs.contains("--peaks ")
                && alignArgs.contains("--negatives-per-positive 2") && alignArgs.contains("--valid 20:700000-800000")
                && alignArgs.contains("--test 20:800000-1000000"), alignArgs);
        RunRecord.Stage finetune = chip.stages.get(1);
        assertTrue(String.join(" ", finetune.arguments).contains("--task CTCF"), finetune.arguments.toString());
        assertTrue(finetune.outputs.stream().anyMatch(o -> o.endsWith("finetune-summary.json")), finetune.outputs.toString());
        assertTrue(chip.stages.get(2).outputs.stream().anyMatch(o -> o.endsWith("report.html")));
        // evaluate predicts on the labelled shards and adds the k-mer baseline row
        assertTrue(String.join(" ", chip.stages.get(2).arguments).contains("--baseline kmer-lr"),
                chip.stages.get(2).arguments.toString());
        Path reportJson = Path.of(chip.stages.get(2).outputs.stream().filter(o -> o.endsWith("report.json")).findFirst()
                .orElseThrow());
        assertTrue(Files.readString(reportJson).contains("\"model\" : \"kmer-lr\""), "a kmer-lr row in " + reportJson);
        RunRecord scored = runsOf("gwas.chr20-1mb.vcf").get(0);
        assertEquals(1, runsOf("gwas.chr20-1mb.vcf").size());
        assertEquals("succeeded", scored.status, scored.reason);
        RunRecord.Stage score = scored.stages.get(scored.stages.size() - 1);
        assertEquals("score:succeeded", score.stage + ":" + score.status, score.message);
        assertTrue(String.join(" ", score.arguments).contains("--contig-alias chr20=20"), score.arguments.toString());
        Path out = Path.of(score.outputs.stream().filter(o -> o.endsWith(".scored.vcf")).findFirst().orElseThrow());
        assertTrue(Files.readString(out).contains("RB_DIFF="), "scored records");
        // the same VCF again: handled once, not scored twice
        drop("gwas.chr20-1mb.vcf", vcf);
        awaitInboxEmpty(30_000);
        Thread.sleep(500);
        assertEquals(1, runsOf("gwas.chr20-1mb.vcf").size());
        assertEquals(1, journal.get(scored.id).stages.stream().filter(st -> st.stage.equals("score")
                && st.status.equals("succeeded")).count());
        drop("ENCFF000BBB.bed", dhs);
        RunRecord good = awaitRun("ENCFF000BBB.bed", PipelineServiceTest::finished, 60_000);
        assertEquals("succeeded", good.status, good.reason + " " + good.stages);
        assertTrue(good.stages.get(0).arguments.stream().anyMatch(a -> a.endsWith(":GM12878")));
        // a bigWig of H3K27ac fold change (its row names the track K562.H3K27ac): align --signal, its values
        // in the shards' signal array; the reference lists it among its epigenomes, not as accessibility
        Path bw = ServeTestResource.root.resolve("ENCFF000DDD.bigWig");
        try (BigWigWriter w = BigWigWriter.create(bw, Map.of("chr20", (long) SLICE))) {
            w.add("chr20", 10_000, 20_000, 2.5f);
            w.add("chr20", 500_000, 500_400, 7.0f);
        }
        drop("ENCFF000DDD.bigWig", Files.readAllBytes(bw));
        RunRecord signal = awaitRun("ENCFF000DDD.bigWig", PipelineServiceTest::finished, 60_000);
        assertEquals("succeeded", signal.status, signal.reason + " " + signal.stages);
        assertEquals("signal", signal.kind);
        String signalArgs = String.join(" ", signal.stages.get(0).arguments);
        assertTrue(signalArgs.contains("--signal ") && signalArgs.endsWith(":K562.H3K27ac")
                || signalArgs.contains(":K562.H3K27ac "), signalArgs);
        Path aligned = Path.of(signal.stages.get(0).outputs.stream().filter(o -> o.endsWith("align-summary.json"))
                .findFirst().orElseThrow());
        assertTrue(Files.readString(aligned).contains("K562.H3K27ac"), Files.readString(aligned));
        ReferenceState ref = references.load(signal.reference);
        assertTrue(ref.epigenomes.stream().anyMatch(e -> e.startsWith("--signal ") && e.endsWith(":K562.H3K27ac")),
                ref.epigenomes.toString());
        assertFalse(ref.accessibility.contains(signal.id), "signal is not what pre-training reads");
    }

    @Test
    @Order(6)
    void anS3ObjectIsRunUnderASafeName() throws Exception {
        String key = "uploads/2026/chr20 slice;(s3)$x.fa";
        try (S3Client s3 = ServeTestResource.client()) {
            s3.putObject(b -> b.bucket(ServeTestResource.BUCKET).key(key), RequestBody.fromBytes(fasta));
        }
        String safe = SafeNames.fileName(key);
        assertEquals("chr20_slice__s3__x.fa", safe);
        RunRecord run = awaitRun(safe, PipelineServiceTest::finished, 60_000);
        assertEquals("s3://" + ServeTestResource.BUCKET + "/" + key, run.trigger);
        assertEquals("succeeded", run.status, run.reason);
        assertEquals(Admission.sha256(Path.of(run.inputs.get(0).path))[0], run.inputs.get(0).sha256);
        assertTrue(Path.of(run.inputs.get(0).path).startsWith(ServeTestResource.root));
        // the object stays in the bucket and is not copied again on later polls
        Thread.sleep(1500);
        assertEquals(1, runsOf(safe).size());
        assertTrue(runsOf("unnamed").isEmpty(), "folder keys are not files");
    }

    @Test
    @Order(7)
    void aFailureIsRetriedThenDeadLetteredWithItsError() throws Exception {
        // corrupt the service's state for real: the current-shards pointer becomes a folder
        Path pointer = ServeTestResource.root.resolve("state/current-shards");
        String shards = Files.readString(pointer);
        Files.delete(pointer);
        Files.createDirectory(pointer);
        try {
            drop("K562.dnase.bed", dhs);
            RunRecord run = awaitRun("K562.dnase.bed", PipelineServiceTest::finished, 60_000);
            assertEquals("failed", run.status, run.reason);
            assertEquals(4, run.attempts, "one delivery and three retries with back-off");
            assertTrue(run.errors.get(0).contains("after 4 attempts"), run.errors.toString());
            Path dead = ServeTestResource.root.resolve("dead-letter");
            assertTrue(Files.exists(dead.resolve(run.id + "-K562.dnase.bed")));
            String error = Files.readString(dead.resolve(run.id + "-K562.dnase.bed.error.txt"));
            assertTrue(error.contains("current-shards"), error);
        } finally {
            Files.delete(pointer);
            Files.writeString(pointer, shards);
        }
        // not journalled as processed: the same bytes dropped again run again, and now succeed (dropped once
        // the failed exchange has moved its file out of the inbox: a file of the same name replaced before
        // that would be moved away with it)
        awaitInboxEmpty(30_000);
        drop("K562.dnase.bed", dhs);
        RunRecord again = awaitRun("K562.dnase.bed", r -> finished(r) && r.status.equals("succeeded"), 60_000);
        assertTrue(again.stages.get(0).arguments.stream().anyMatch(a -> a.endsWith(":K562")));
    }

    @Test
    @Order(8)
    void twoHundredFilesAtOnceAreEachRecordedOnce() throws Exception {
        for (int i = 0; i < 200; i++) {
            drop(String.format("batch-%03d.txt", i), ("file " + i + "\n").getBytes(StandardCharsets.UTF_8));
        }
        long end = System.currentTimeMillis() + 60_000;
        List<RunRecord> batch = List.of();
        while (System.currentTimeMillis() < end) {
            batch = journal.all().stream().filter(r -> r.inputs.get(0).name.startsWith("batch-") && finished(r))
                    .toList();
            if (batch.size() >= 200) {
                break;
            }
            Thread.sleep(200);
        }
        assertEquals(200, batch.size());
        assertEquals(200, batch.stream().map(r -> r.inputs.get(0).name).distinct().count());
        assertTrue(batch.stream().allMatch(r -> r.status.equals("ignored")));
    }

    /**
     * Inputs dropped in inbox/LANE/ go to LANE's own current reference: the same FASTA there makes a second
     * reference (its id names the lane), its pointer is the lane's, the default lane's pointer stays, and
     * DHSs dropped in the lane are aligned onto the lane's shards, not onto the default lane's.
     */
    @Test
    @Order(10)
    void aLaneFolderHasItsOwnReference() throws Exception {
        Path defaultPointer = ServeTestResource.root.resolve("state/current-shards");
        String defaultBefore = Files.readString(defaultPointer);
        Path lane = Files.createDirectories(inbox().resolve("second"));
        Path tmp = lane.resolve("chr20-1mb.fa.part");
        Files.write(tmp, fasta);
        Files.move(tmp, lane.resolve("chr20-1mb.fa"), StandardCopyOption.ATOMIC_MOVE);
        RunRecord tokenized = awaitRun("chr20-1mb.fa", r -> finished(r) && "second".equals(r.lane), 60_000);
        assertEquals("succeeded", tokenized.status, tokenized.reason + " " + tokenized.errors);
        assertTrue(tokenized.reference.startsWith("second-hg19-"), tokenized.reference);
        assertTrue(tokenized.trigger.endsWith("inbox/second/chr20-1mb.fa"), tokenized.trigger);
        List<String> pointer = Files.readAllLines(ServeTestResource.root.resolve("state/lanes/second/current-shards"));
        assertEquals(tokenized.reference, pointer.get(2));
        assertEquals(defaultBefore, Files.readString(defaultPointer), "the default lane's reference is unchanged");

        tmp = lane.resolve("uw-dhs.chr20-1mb.bed.part");
        Files.write(tmp, dhs);
        Files.move(tmp, lane.resolve("uw-dhs.chr20-1mb.bed"), StandardCopyOption.ATOMIC_MOVE);
        RunRecord aligned = awaitRun("uw-dhs.chr20-1mb.bed", r -> finished(r) && "second".equals(r.lane), 120_000);
        assertEquals("succeeded", aligned.status, aligned.reason + " " + aligned.errors);
        assertEquals(tokenized.reference, aligned.reference);
        RunRecord.Stage align = aligned.stages.get(0);
        assertEquals(pointer.get(0), align.arguments.get(align.arguments.indexOf("--shards") + 1),
                "aligned onto the lane's shards");
        // moved out of the inbox once the run's exchange completes (just after its record is finished)
        long end = System.currentTimeMillis() + 10_000;
        boolean left = true;
        while (left && System.currentTimeMillis() < end) {
            try (Stream<Path> files = Files.list(lane)) {
                left = files.anyMatch(Files::isRegularFile);
            }
            Thread.sleep(100);
        }
        assertFalse(left, "the lane's inputs were moved out of the inbox");
    }

    @Test
    @Order(9)
    void healthAndMetrics() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("regbert_runs_total"));
    }
}
