package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged service killed with SIGKILL inside the chain an input starts (reliability item 1):
 * inside pretrain, which a DHS file's align leads to, and inside finetune, which a TSS file's align
 * leads to. After each restart the input runs again and the reference state must be the one a
 * service that was never killed reaches from the same inputs (compared with a second service root
 * fed the same files without a kill, run folders aside): the interrupted run's epigenome and labels
 * are not registered twice, and the labels dropped after the first kill are not rejected for a
 * track "given twice".
 */
class KillRestartIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static byte[] tss;
    static final List<Path> roots = new ArrayList<>();
    static final List<Service> services = new ArrayList<>();

    /** PipelineServiceTest's 1 Mb slice of chr20 and its DHSs; the kit's RefSeq TSSs inside it. */
    @BeforeAll
    static void inputs() throws IOException {
        PipelineServiceTest.slices();
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
        tss = bed.toString().getBytes(StandardCharsets.US_ASCII);
        assertTrue(tss.length > 0, "the kit has TSSs in the first Mb of chr20");
    }

    @AfterAll
    static void removeRoots() throws IOException {
        for (Service service : services) {  // also when the test failed half-way: no service outlives it
            if (service.process != null && service.process.isAlive()) {
                service.process.destroyForcibly();
            }
        }
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void killedInsidePretrainAndFinetuneTheServiceReachesTheStateOfAnUninterruptedOne() throws Exception {
        Service killed = new Service();
        killed.start();
        killed.drop("chr20-1mb.fa", PipelineServiceTest.fasta);
        killed.await("chr20-1mb.fa", r -> "succeeded".equals(r.status));
        killed.drop("uw-dhs.chr20-1mb.bed", PipelineServiceTest.dhs);
        killed.killWhile("uw-dhs.chr20-1mb.bed", "pretrain");
        killed.start();
        killed.await("uw-dhs.chr20-1mb.bed", r -> "succeeded".equals(r.status));
        killed.drop("refseq.tss.chr20-1mb.bed", tss);
        killed.killWhile("refseq.tss.chr20-1mb.bed", "finetune");
        killed.start();
        RunRecord labels = killed.await("refseq.tss.chr20-1mb.bed", r -> r.finished != null
                && !"interrupted".equals(r.status));
        assertEquals("succeeded", labels.status, labels.reason);
        killed.stop();

        Service whole = new Service();
        whole.start();
        for (String[] drop : List.of(new String[] {"chr20-1mb.fa"}, new String[] {"uw-dhs.chr20-1mb.bed"},
                new String[] {"refseq.tss.chr20-1mb.bed"})) {
            whole.drop(drop[0], drop[0].endsWith(".fa") ? PipelineServiceTest.fasta : drop[0].startsWith("uw-dhs")
                    ? PipelineServiceTest.dhs : tss);
            whole.await(drop[0], r -> "succeeded".equals(r.status));
        }
        whole.stop();

        JsonNode afterKills = killed.referenceState();
        assertEquals(1, afterKills.path("epigenomes").size(), afterKills.toString());
        assertEquals(1, afterKills.path("finetuned").size(), afterKills.toString());
        assertEquals(whole.referenceState(), afterKills, "the state of a service never killed");
        assertEquals(whole.currentShards(), killed.currentShards());
        assertFalse(Files.exists(killed.root.resolve("state/undo")) && Files.list(killed.root.resolve("state/undo"))
                .findAny().isPresent(), "no transaction left open");
        List<String> statuses = killed.runs().stream().map(r -> r.inputs.get(0).name + " " + r.status).toList();
        assertEquals(2, statuses.stream().filter(s -> s.endsWith(" interrupted")).count(), statuses.toString());
        assertEquals(3, statuses.stream().filter(s -> s.endsWith(" succeeded")).count(), statuses.toString());
    }

    /** One service root and the packaged service running on it (as a process, so it can be SIGKILLed). */
    static final class Service {
        final Path root;
        Process process;

        Service() throws IOException {
            root = Files.createTempDirectory("regbert-kill-it");
            roots.add(root);
            services.add(this);
            Files.createDirectories(root.resolve("inbox"));
        }

        void start() throws IOException {
            process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dregbert.serve.root=" + root, "-Dquarkus.http.port=0", "-Dregbert.serve.read-lock-interval-ms=300",
                    "-Dregbert.serve.poll-ms=200", "-Dregbert.serve.tokenize-args=--kmer=6,--window=510,--threads=1",
                    "-Dregbert.serve.pretrain-steps=40", "-Dregbert.serve.finetune-max-steps=20",
                    "-Dregbert.serve.evaluate-bootstrap=20", "-jar",
                    Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath().toString(), "serve")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("service.log")
                    .toFile())).start();
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }

        /** SIGKILL once the run of input NAME has its STAGE running. */
        void killWhile(String name, String stage) throws Exception {
            await(name, r -> r.stages.stream().anyMatch(s -> s.stage.equals(stage) && "running".equals(s.status)));
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        }

        void drop(String name, byte[] bytes) throws IOException {
            Path tmp = root.resolve("inbox").resolve(name + ".part");
            Files.write(tmp, bytes);
            Files.move(tmp, root.resolve("inbox").resolve(name), StandardCopyOption.ATOMIC_MOVE);
        }

        List<RunRecord> runs() throws IOException {
            return new ArrayList<>(RunJournal.read(root.resolve("state/runs.jsonl"), JSON).values());
        }

        RunRecord await(String name, Predicate<RunRecord> p) throws Exception {
            long end = System.currentTimeMillis() + 240_000;
            while (System.currentTimeMillis() < end) {
                for (RunRecord r : runs()) {
                    if (r.inputs.get(0).name.equals(name) && p.test(r)) {
                        return r;
                    }
                }
                assertTrue(process.isAlive(), () -> "the service died: " + log());
                Thread.sleep(20);
            }
            throw new AssertionError("timed out waiting for " + name + "; runs " + runs().stream().map(r -> r.inputs
                    .get(0).name + " " + r.status + " " + r.reason).toList() + "\n" + log());
        }

        String log() {
            try {
                return Files.readString(root.resolve("service.log"));
            } catch (IOException e) {
                return e.toString();
            }
        }

        /** The one reference's state.json, run folders (runs/RUN-ID/...) written as runs/RUN/. */
        JsonNode referenceState() throws IOException {
            try (Stream<Path> refs = Files.list(root.resolve("state/references"))) {
                List<Path> all = refs.toList();
                assertEquals(1, all.size(), all.toString());
                return JSON.readTree(runFoldersAside(Files.readString(all.get(0).resolve("state.json"))));
            }
        }

        String currentShards() throws IOException {
            return runFoldersAside(Files.readString(root.resolve("state/current-shards")));
        }

        private String runFoldersAside(String text) {
            return text.replace(root.toString(), "ROOT").replaceAll("/runs/[^/\"]+/", "/runs/RUN/");
        }
    }
}
