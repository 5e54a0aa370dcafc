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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    static final List<ServiceProcess> services = new ArrayList<>();

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
    static void removeRoots() throws Exception {
        for (ServiceProcess service : services) {  // also when the test failed half-way: no service outlives it
            service.close();
        }
    }

    @Test
    void killedInsidePretrainAndFinetuneTheServiceReachesTheStateOfAnUninterruptedOne() throws Exception {
        ServiceProcess killed = service();
        killed.start();
        killed.drop("chr20-1mb.fa", PipelineServiceTest.fasta);
        await(killed, "chr20-1mb.fa", r -> "succeeded".equals(r.status));
        killed.drop("uw-dhs.chr20-1mb.bed", PipelineServiceTest.dhs);
        killWhile(killed, "uw-dhs.chr20-1mb.bed", "pretrain");
        killed.start();
        await(killed, "uw-dhs.chr20-1mb.bed", r -> "succeeded".equals(r.status));
        killed.drop("refseq.tss.chr20-1mb.bed", tss);
        killWhile(killed, "refseq.tss.chr20-1mb.bed", "finetune");
        killed.start();
        RunRecord labels = await(killed, "refseq.tss.chr20-1mb.bed", r -> r.finished != null
                && !"interrupted".equals(r.status));
        assertEquals("succeeded", labels.status, labels.reason);
        killed.stop();

        ServiceProcess whole = service();
        whole.start();
        Map<String, byte[]> inputs = new LinkedHashMap<>();
        inputs.put("chr20-1mb.fa", PipelineServiceTest.fasta);
        inputs.put("uw-dhs.chr20-1mb.bed", PipelineServiceTest.dhs);
        inputs.put("refseq.tss.chr20-1mb.bed", tss);
        for (Map.Entry<String, byte[]> input : inputs.entrySet()) {
            whole.drop(input.getKey(), input.getValue());
            await(whole, input.getKey(), r -> "succeeded".equals(r.status));
        }
        whole.stop();

        JsonNode afterKills = referenceState(killed);
        assertEquals(1, afterKills.path("epigenomes").size(), afterKills.toString());
        assertEquals(1, afterKills.path("finetuned").size(), afterKills.toString());
        assertEquals(referenceState(whole), afterKills, "the state of a service never killed");
        assertEquals(currentShards(whole), currentShards(killed));
        assertFalse(Files.exists(killed.root.resolve("state/undo")) && Files.list(killed.root.resolve("state/undo"))
                .findAny().isPresent(), "no transaction left open");
        List<String> statuses = killed.runs().stream().map(r -> r.inputs.get(0).name + " " + r.status).toList();
        assertEquals(2, statuses.stream().filter(s -> s.endsWith(" interrupted")).count(), statuses.toString());
        assertEquals(3, statuses.stream().filter(s -> s.endsWith(" succeeded")).count(), statuses.toString());
    }

    /** A service on a fresh root with short polls and small model stages, closed at the end. */
    static ServiceProcess service() throws IOException {
        ServiceProcess service = new ServiceProcess("regbert-kill-it", "-Dregbert.serve.read-lock-interval-ms=300",
                "-Dregbert.serve.poll-ms=200", "-Dregbert.serve.tokenize-args=--kmer=6,--window=510,--threads=1",
                "-Dregbert.serve.pretrain-steps=40", "-Dregbert.serve.finetune-max-steps=20",
                "-Dregbert.serve.evaluate-bootstrap=20");
        services.add(service);
        return service;
    }

    static RunRecord await(ServiceProcess service, String name, Predicate<RunRecord> p) throws Exception {
        return service.await(r -> r.inputs.get(0).name.equals(name) && p.test(r), 240_000);
    }

    /** SIGKILL once the run of input NAME has its STAGE running. */
    static void killWhile(ServiceProcess service, String name, String stage) throws Exception {
        await(service, name, r -> r.stages.stream().anyMatch(s -> s.stage.equals(stage) && "running".equals(s.status)));
        service.kill();
    }

    /** The one reference's state.json, run folders (runs/RUN-ID/...) written as runs/RUN/. */
    static JsonNode referenceState(ServiceProcess service) throws IOException {
        try (Stream<Path> refs = Files.list(service.root.resolve("state/references"))) {
            List<Path> all = refs.toList();
            assertEquals(1, all.size(), all.toString());
            return JSON.readTree(runFoldersAside(service, Files.readString(all.get(0).resolve("state.json"))));
        }
    }

    static String currentShards(ServiceProcess service) throws IOException {
        return runFoldersAside(service, Files.readString(service.root.resolve("state/current-shards")));
    }

    private static String runFoldersAside(ServiceProcess service, String text) {
        return text.replace(service.root.toString(), "ROOT").replaceAll("/runs/[^/\"]+/", "/runs/RUN/");
    }
}
