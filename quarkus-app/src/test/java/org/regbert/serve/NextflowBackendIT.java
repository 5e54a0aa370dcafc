package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.KitData;

/**
 * regbert.serve.backend=nextflow: the packaged service launches the checkout's nextflow/main.nf (real
 * Nextflow 24.10.0 from nextflow/target/nextflow-lib, local executor, ./regbert in the tasks) for
 * tokenize and align of a 500 kb slice of the kit's hg19 chr20 and its DHSs; the model stages that follow
 * (pretrain, a few steps) run in-process on the workflow's shards.
 */
class NextflowBackendIT {
    static final Path KIT = KitData.root();
    static final int SLICE = 500_000;
    final ObjectMapper mapper = new ObjectMapper();

    @TempDir
    Path root;

    @Test
    void tokenizeAndAlignRunAsNextflowWorkflows() throws Exception {
        Path checkout = Path.of(System.getProperty("regbert.root", "..")).toAbsolutePath().normalize();
        Path lib = checkout.resolve("nextflow/target/nextflow-lib");
        // the nextflow module copies Nextflow's jars (it builds before this module in the reactor); a missing
        // copy fails the test, never skips it
        assertTrue(Files.isDirectory(lib) && Files.list(lib).anyMatch(p -> p.getFileName().toString()
                .startsWith("nextflow-")), "no Nextflow jars in " + lib + ": mvn -o -pl nextflow process-test-resources");
        StringBuilder seq = new StringBuilder(SLICE);
        try (BufferedReader r = reader(KIT.resolve("genome/hg19.chr20.fa.gz"))) {
            r.readLine();
            for (String line; seq.length() < SLICE && (line = r.readLine()) != null;) {
                seq.append(line.strip());
            }
        }
        seq.setLength(SLICE);
        StringBuilder fa = new StringBuilder(">20\n");
        for (int i = 0; i < SLICE; i += 60) {
            fa.append(seq, i, Math.min(SLICE, i + 60)).append('\n');
        }
        StringBuilder dhs = new StringBuilder();
        try (BufferedReader r = reader(KIT.resolve("accessibility/uw-dhs-master.hg19.bed.gz"))) {
            for (String line; (line = r.readLine()) != null;) {
                String[] f = line.split("\t");
                if (f[0].equals("chr20") && Long.parseLong(f[2]) < SLICE) {
                    dhs.append(line).append('\n');
                }
            }
        }
        Files.createDirectories(root.resolve("inbox"));
        Process service = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dregbert.serve.root=" + root, "-Dquarkus.http.port=0",
                "-Dregbert.serve.read-lock-interval-ms=500", "-Dregbert.serve.poll-ms=200",
                "-Dregbert.serve.backend=nextflow", "-Dregbert.serve.nextflow-dir=" + checkout.resolve("nextflow"),
                "-Dregbert.serve.pretrain-steps=2", "-jar",
                Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath().toString(), "serve")
                .redirectErrorStream(true).redirectOutput(root.resolve("service.log").toFile()).start();
        try {
            drop("chr20-500kb.fa", fa.toString());
            RunRecord tokenized = await(service, r -> r.inputs.get(0).name.equals("chr20-500kb.fa") && r.finished != null,
                    240_000);
            assertEquals("succeeded", tokenized.status, tokenized.reason + "\n" + log());
            RunRecord.Stage tokenize = tokenized.stages.get(0);
            assertTrue(tokenize.arguments.get(0).endsWith("nextflow.sh")
                    && tokenize.arguments.stream().anyMatch(a -> a.endsWith("main.nf")), tokenize.arguments.toString());
            assertTrue(tokenize.outputs.stream().anyMatch(o -> o.endsWith("shard-00000.npz")), tokenize.outputs.toString());

            drop("uw-dhs.chr20-500kb.bed", dhs.toString());
            RunRecord aligned = await(service, r -> r.inputs.get(0).name.equals("uw-dhs.chr20-500kb.bed")
                    && r.finished != null, 240_000);
            assertEquals("succeeded", aligned.status, aligned.reason + "\n" + log());
            RunRecord.Stage align = aligned.stages.get(0);
            assertEquals("align", align.stage);
            String args = String.join(" ", align.arguments);
            assertTrue(args.contains("main.nf") && args.contains("--peaks ") && args.contains("--contig_alias chr20=20"),
                    args);
            // the holdouts labels get later (last 20 % test, the 10 % before validation): pretrain leaves the test out
            assertTrue(args.contains("--holdout_valid 20:350000-400000") && args.contains("--holdout_test 20:400000-500000"),
                    args);
            assertTrue(align.outputs.stream().anyMatch(o -> o.contains("/align/") && o.endsWith(".npz")),
                    align.outputs.toString());
            // the workflow's align shards are what pretrain (in-process) reads
            RunRecord.Stage pretrain = aligned.stages.get(1);
            assertEquals("pretrain:succeeded", pretrain.stage + ":" + pretrain.status, pretrain.message);
            String shards = pretrain.arguments.get(pretrain.arguments.indexOf("--shards") + 1);
            assertTrue(shards.startsWith(align.output) && shards.contains("/align/"), shards);
        } finally {
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    void drop(String name, String text) throws IOException {
        Path tmp = root.resolve("inbox").resolve(name + ".part");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, root.resolve("inbox").resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    RunRecord await(Process service, Predicate<RunRecord> p, long millis) throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            for (RunRecord r : RunJournal.read(root.resolve("state/runs.jsonl"), mapper).values()) {
                if (p.test(r)) {
                    return r;
                }
            }
            assertTrue(service.isAlive(), () -> "the service died: " + log());
            Thread.sleep(200);
        }
        throw new AssertionError("timed out\n" + log());
    }

    String log() {
        try {
            return Files.readString(root.resolve("service.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    static BufferedReader reader(Path gz) throws IOException {
        return new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
                StandardCharsets.US_ASCII));
    }
}
