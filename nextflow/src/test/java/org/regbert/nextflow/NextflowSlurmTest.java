package org.regbert.nextflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.regbert.nextflow.NextflowPipelineTest.Run;

/**
 * Every stage through Nextflow on a real Slurm: a one-node cluster of this machine
 * (nextflow/slurm/cluster: Debian's slurm-wlm and munge) is started before and stopped after the
 * class; the pipeline runs tokenize, align, pretrain, finetune, evaluate and score on the two kit
 * chr20 slices with -profile slurm, and again with -profile local on the same inputs. The Slurm
 * tasks must be Slurm jobs (the trace's native_id is a job id that slurmctld accepted and ran to
 * COMPLETED in the task's work folder, with the labels' requests capped to the node), and their
 * outputs those of the local run. No cluster, no pass: a cluster that does not start fails the class.
 */
class NextflowSlurmTest {
    static final Path MODULE = NextflowPipelineTest.MODULE;
    static final Path ROOT = NextflowPipelineTest.ROOT;
    static final Path TARGET = NextflowPipelineTest.TARGET;
    static final Path LIB = NextflowPipelineTest.LIB;
    static final Path CLUSTER = MODULE.resolve("slurm/cluster");
    static final Path CLUSTER_DIR = TARGET.resolve("slurm-test");
    static final Path INPUTS = TARGET.resolve("nf-slurm-inputs");
    static final String[][] SLICES = NextflowPipelineTest.SLICES;
    /** One epoch for every run, so the shards' provenance timestamps agree (tools/common Timestamps). */
    static final String SOURCE_DATE_EPOCH = "1700000000";

    static Map<String, String> slurmEnv;
    static int nodeCpus;
    static long nodeMemoryMb;
    static Run local;
    static Run slurm;

    @BeforeAll
    static void startClusterAndRunBothProfiles() throws Exception {
        assertTrue(Files.isRegularFile(LIB.resolve("nextflow-24.10.0.jar")), "Nextflow jars missing in " + LIB);
        Files.createDirectories(TARGET);
        Run up = NextflowPipelineTest.exec(List.of(CLUSTER.toString(), "up", CLUSTER_DIR.toString()), MODULE, Map.of(), 180);
        assertEquals(0, up.exitCode(), "nextflow/slurm/cluster up failed (apt-get install slurm-wlm munge; run as root):\n" + up.output());
        System.out.print(up.output());
        slurmEnv = Map.of("SLURM_CONF", CLUSTER_DIR.resolve("slurm.conf").toString());
        // What the node offers, from Slurm itself: "CPUS MEMORY_MB"
        String[] node = slurmCommand("sinfo", "-h", "-N", "-o", "%c %m").strip().split("\\s+");
        nodeCpus = Integer.parseInt(node[0]);
        nodeMemoryMb = Long.parseLong(node[1]);

        Files.createDirectories(INPUTS);
        NextflowPipelineTest.writeSlices(INPUTS.resolve("hg19_chr20_slices.fa"));
        NextflowPipelineTest.writeSliceDhsBed(INPUTS.resolve("hg19_chr20_slices_dhs.bed"));
        Files.copy(INPUTS.resolve("hg19_chr20_slices_dhs.bed"), INPUTS.resolve("hg19_chr20_slices_dhs_labels.bed"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.write(INPUTS.resolve("hg19_chr20_slices_dhs_bed3.bed"), Files.readAllLines(INPUTS.resolve("hg19_chr20_slices_dhs.bed"))
                .stream().map(line -> String.join("\t", List.of(line.split("\t")).subList(0, 3))).toList());
        // ./regbert builds a stage whose jar is older than its sources: once here, not inside the jobs.
        for (String stage : List.of("tokenize", "align", "pretrain", "finetune", "evaluate", "score")) {
            Run version = NextflowPipelineTest.exec(List.of(ROOT.resolve("regbert").toString(), stage, "--version"), ROOT, Map.of(), 900);
            assertEquals(0, version.exitCode(), "./regbert " + stage + " --version failed:\n" + version.output());
        }

        // Nextflow polls the jobs' exit files every second here (the executor's default: 5 s), and submits
        // without the profile's rate limit, to keep the test short; nothing else differs from -profile slurm.
        Path fast = Files.writeString(TARGET.resolve("nf-slurm-fast-poll.config"),
                "executor {\n    pollInterval = '1 sec'\n    queueStatInterval = '5 sec'\n    submitRateLimit = '100/1min'\n}\n");
        local = pipeline("slurm-compare-local", "local", List.of(), List.of());
        slurm = pipeline("slurm-compare-slurm", "slurm", List.of("-c", fast.toString()),
                List.of("--slurm_queue", "main", "--slurm_max_cpus", String.valueOf(nodeCpus), "--slurm_max_memory", nodeMemoryMb + " MB"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        Run down = NextflowPipelineTest.exec(List.of(CLUSTER.toString(), "down", CLUSTER_DIR.toString()), MODULE, Map.of(), 120);
        System.out.print(down.output());
        assertEquals(0, down.exitCode(), down.output());
    }

    /** The finetune run of NextflowPipelineTest: every stage on the two slices (k = 3, 198-token windows). */
    static Run pipeline(String name, String profile, List<String> launcherOptions, List<String> runOptions) throws Exception {
        Path dir = TARGET.resolve("nf-runs").resolve(name);
        NextflowPipelineTest.deleteTree(dir);
        Files.createDirectories(dir);
        String slice2 = SLICES[1][0];
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + MODULE.resolve("jvm.options"), "-cp", LIB + "/*", "nextflow.cli.Launcher",
                "-log", dir.resolve("nextflow.log").toString()));
        command.addAll(launcherOptions);
        command.addAll(List.of("run", MODULE.resolve("main.nf").toString(), "-profile", profile,
                "-work-dir", dir.resolve("work").toString(), "-with-trace", dir.resolve("trace.txt").toString(),
                "--outdir", dir.resolve("results").toString(),
                "--reference", INPUTS.resolve("hg19_chr20_slices.fa").toString(),
                "--contigs", SLICES[0][0] + "," + slice2, "--id", "slices", "--kmer", "3", "--window", "198",
                "--peaks", INPUTS.resolve("hg19_chr20_slices_dhs_bed3.bed") + ":DHS",
                "--labels", "dhs=" + INPUTS.resolve("hg19_chr20_slices_dhs_labels.bed"),
                "--holdout_valid", slice2 + ":0-2000", "--holdout_test", slice2 + ":2000-4000",
                "--pretrain_steps", "3", "--finetune_task", "dhs", "--finetune_from_scratch",
                "--finetune_steps", "4", "--finetune_batch_size", "8", "--evaluate_bootstrap", "50",
                "--score_regions", INPUTS.resolve("hg19_chr20_slices_dhs.bed").toString(), "--score_embeddings",
                "--score_vcf", ROOT.resolve("galaxy-wrappers/test-data/made_up_slices_variants.vcf").toString()));
        command.addAll(runOptions);
        Map<String, String> env = new HashMap<>(Map.of(
                "NXF_HOME", TARGET.resolve("nxf-home").toString(),
                "NXF_TEMP", Files.createDirectories(TARGET.resolve("nxf-tmp")).toString(),
                "NXF_OFFLINE", "true",
                "NXF_ANSI_LOG", "false",
                "NXF_DISABLE_CHECK_LATEST", "true",
                "SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH));
        env.putAll(slurmEnv);   // sbatch, squeue and scancel find the test's cluster (the jobs inherit it too)
        long started = System.nanoTime();
        Run run = NextflowPipelineTest.exec(command, dir, env, 900);
        System.out.printf("nextflow run -profile %-5s exit %d in %.1f s%n", profile, run.exitCode(), (System.nanoTime() - started) / 1e9);
        return run;
    }

    /** A Slurm client command against the test's cluster; its output (exit 0 asserted). */
    static String slurmCommand(String... command) throws Exception {
        Run run = NextflowPipelineTest.exec(List.of(command), TARGET, slurmEnv, 60);
        assertEquals(0, run.exitCode(), String.join(" ", command) + ":\n" + run.output());
        return run.output();
    }

    @Test
    void bothProfilesRunEveryStage() throws IOException {
        for (Run run : List.of(local, slurm)) {
            assertEquals(0, run.exitCode(), run.describe());
            // 2 contigs: 2 TOKENIZE, 2 ALIGN; 1 PRETRAIN on both; FINETUNE from it and from scratch; 1 EVALUATE;
            // SCORE of the pre-trained model's fine-tune over regions and over variants.
            Map<String, Long> expected = Map.of("TOKENIZE", 2L, "ALIGN", 2L, "PRETRAIN", 1L, "FINETUNE", 2L, "EVALUATE", 1L, "SCORE", 2L);
            for (Map.Entry<String, Long> process : expected.entrySet()) {
                assertEquals(process.getValue(), run.completedTasks(process.getKey()), process.getKey() + " in " + run.dir() + ":\n" + run.trace());
            }
        }
    }

    @Test
    void everySlurmTaskWasASlurmJobThatCompletedInItsWorkFolder() throws Exception {
        assertEquals(0, slurm.exitCode(), slurm.describe());
        String controllerLog = Files.readString(CLUSTER_DIR.resolve("log/slurmctld.log"));
        List<TraceRow> rows = TraceRow.read(slurm);
        assertEquals(10, rows.size(), slurm.trace());
        for (TraceRow row : rows) {
            assertTrue(row.nativeId().matches("\\d+"), "a Slurm job id, not a pid: " + row);
            // slurmctld accepted the batch job (its log: _slurm_rpc_submit_batch_job: JobId=N ...) ...
            assertTrue(Pattern.compile("_slurm_rpc_submit_batch_job: JobId=" + row.nativeId() + "\\b").matcher(controllerLog).find(),
                    "slurmctld log has no submission of job " + row.nativeId() + " (" + row.name() + ")");
            // ... and ran it to the end in the task's folder, on the partition the run named (--slurm_queue main).
            Map<String, String> job = job(row.nativeId());
            assertEquals("COMPLETED", job.get("JobState"), row + ": " + job);
            assertEquals("0:0", job.get("ExitCode"), row + ": " + job);
            assertEquals("main", job.get("Partition"), row + ": " + job);
            assertEquals(row.workDir(slurm).toRealPath().toString(), Path.of(job.get("WorkDir")).toRealPath().toString(), row.toString());
            assertTrue(job.get("Command").endsWith(".command.run"), row + ": " + job);
            assertTrue(Files.isRegularFile(row.workDir(slurm).resolve(".command.log")), "sbatch's output file: " + row);
        }
    }

    @Test
    void requestsAreCappedAtTheNode() throws Exception {
        // nextflow.config's labels: process_medium (PRETRAIN, FINETUNE) asks 6 CPUs and 16 GB (16384 MB),
        // process_low (EVALUATE, SCORE) 2 CPUs and 4 GB, process_single (TOKENIZE, ALIGN) 1 CPU and 2 GB; the
        // node has nodeCpus CPUs and nodeMemoryMb MB, so each job gets the smaller of the two.
        Map<String, long[]> asked = Map.of("PRETRAIN", new long[] {6, 16384}, "FINETUNE", new long[] {6, 16384},
                "EVALUATE", new long[] {2, 4096}, "SCORE", new long[] {2, 4096},
                "TOKENIZE", new long[] {1, 2048}, "ALIGN", new long[] {1, 2048});
        List<TraceRow> rows = TraceRow.read(slurm);
        assertEquals(10, rows.size(), slurm.trace());
        for (TraceRow row : rows) {
            String process = row.name().split(" ")[0].replaceFirst(".*:", "");
            long[] request = asked.get(process);
            assertTrue(request != null, "unexpected process " + row);
            Map<String, String> job = job(row.nativeId());
            assertEquals(String.valueOf(Math.min(request[0], nodeCpus)), job.get("NumCPUs"), row + ": " + job);
            assertEquals(Math.min(request[1], nodeMemoryMb), megabytes(job.get("MinMemoryNode")), row + ": " + job);
        }
    }

    @Test
    void tokenizeAndAlignShardsAreThoseOfTheLocalRun() throws IOException {
        for (String stage : List.of("tokenize", "align")) {
            Map<String, byte[]> expected = files(local.dir().resolve("results").resolve(stage));
            Map<String, byte[]> actual = files(slurm.dir().resolve("results").resolve(stage));
            assertEquals(expected.keySet(), actual.keySet(), stage + ": the same files");
            // two contigs: a shard and a summary each
            assertEquals(2, expected.keySet().stream().filter(f -> f.endsWith(".npz")).count(), stage + ": " + expected.keySet());
            for (String file : expected.keySet()) {
                if (file.endsWith(".npz")) {
                    // every array byte for byte; the manifest names its input as the task saw it (a work folder)
                    Map<String, byte[]> expectedEntries = zipEntries(local.dir().resolve("results").resolve(stage).resolve(file));
                    Map<String, byte[]> actualEntries = zipEntries(slurm.dir().resolve("results").resolve(stage).resolve(file));
                    assertEquals(expectedEntries.keySet(), actualEntries.keySet(), stage + "/" + file);
                    assertTrue(expectedEntries.containsKey("tokens.npy") && expectedEntries.containsKey("manifest.json"), stage + "/" + file);
                    for (String entry : expectedEntries.keySet()) {
                        if (entry.equals("manifest.json")) {
                            assertEquals(runRecord(local, expectedEntries.get(entry)), runRecord(slurm, actualEntries.get(entry)), stage + "/" + file + "!" + entry);
                        } else {
                            assertArrayEquals(expectedEntries.get(entry), actualEntries.get(entry), stage + "/" + file + "!" + entry + " differs");
                        }
                    }
                } else {
                    // the summaries: the same counts, paths and options; only timings and work folders differ
                    assertEquals(runRecord(local, expected.get(file)), runRecord(slurm, actual.get(file)), stage + "/" + file);
                }
            }
        }
    }

    @Test
    void modelOutputsAreThoseOfTheLocalRunByteForByte() throws IOException {
        // Same shards, seeds and CPUs (both capped at this machine's), so the same models, predictions, scores
        // and figures, byte for byte. Not compared byte for byte: the run records (JSON, JSON lines, Markdown,
        // HTML), which hold timings and the tasks' work folders.
        int compared = 0;
        for (String stage : List.of("pretrain", "finetune", "evaluate", "score")) {
            Map<String, byte[]> expected = files(local.dir().resolve("results").resolve(stage));
            Map<String, byte[]> actual = files(slurm.dir().resolve("results").resolve(stage));
            assertEquals(expected.keySet(), actual.keySet(), stage + ": the same files");
            for (String file : expected.keySet()) {
                if (!file.matches(".*\\.(json|jsonl|md|html)$")) {
                    assertArrayEquals(expected.get(file), actual.get(file), stage + "/" + file + " differs between -profile local and slurm");
                    compared++;
                }
            }
        }
        for (String file : List.of("pretrain/slices/checkpoints/step-00000003/parameters.npz", "finetune/slices/model/encoder/parameters.npz",
                "finetune/slices/model/head.npz", "finetune/slices.scratch/predictions/dhs.DHS.npz", "evaluate/slices/figures/dhs_DHS_roc.svg",
                "score/slices.regions/slices.regions.bedgraph", "score/slices.variants/slices.variants.vcf.gz")) {
            assertTrue(Files.isRegularFile(slurm.dir().resolve("results").resolve(file)), file);
        }
        assertTrue(compared >= 7, compared + " files compared");
    }

    @Test
    void modelStagesCountTheSameWindowsAsTheLocalRun() throws IOException {
        // The same windows per split reach finetune, evaluate and score whichever executor ran them; the
        // numbers themselves are checked against the slices in NextflowPipelineTest's finetune run.
        for (String summary : List.of("finetune/slices/finetune-summary.json", "finetune/slices.scratch/finetune-summary.json")) {
            String expected = Files.readString(local.dir().resolve("results").resolve(summary)).replaceAll("\\s+", "");
            String actual = Files.readString(slurm.dir().resolve("results").resolve(summary)).replaceAll("\\s+", "");
            for (String split : List.of("train", "validation", "test")) {
                assertEquals(examples(expected, split), examples(actual, split), summary + " " + split);
            }
        }
        String report = "evaluate/slices/report.json";
        assertEquals(NextflowPipelineTest.jsonValue(Files.readString(local.dir().resolve("results").resolve(report)), "windows"),
                NextflowPipelineTest.jsonValue(Files.readString(slurm.dir().resolve("results").resolve(report)), "windows"));
        String regions = "score/slices.regions/slices.regions.bedgraph";
        assertEquals(Files.readAllLines(local.dir().resolve("results").resolve(regions)).size(),
                Files.readAllLines(slurm.dir().resolve("results").resolve(regions)).size(), regions);
        assertEquals(Files.readString(local.dir().resolve("results/pipeline_info/versions.yml")),
                Files.readString(slurm.dir().resolve("results/pipeline_info/versions.yml")), "the same tool versions");
        assertEquals(Files.readString(local.dir().resolve("results/pipeline_info/align-windows.tsv")),
                Files.readString(slurm.dir().resolve("results/pipeline_info/align-windows.tsv")), "windows per ALIGN task");
    }

    /** {"windows":N,"labels":{...}} of one split in a finetune summary (whitespace removed). */
    static String examples(String compactSummary, String split) {
        Matcher matcher = Pattern.compile("\"" + split + "\":(\\{\"windows\":\\d+,\"labels\":\\{[^}]*\\}\\})").matcher(compactSummary);
        assertTrue(matcher.find(), split + " in " + compactSummary);
        return matcher.group(1);
    }

    /** Slurm's memory figures (2G, 22057M, 1T) in MB. */
    static long megabytes(String memory) {
        Matcher matcher = Pattern.compile("(\\d+)([MGT])").matcher(memory);
        assertTrue(matcher.matches(), memory);
        return Long.parseLong(matcher.group(1)) << (10 * "MGT".indexOf(matcher.group(2)));
    }

    /**
     * A run record (pretty-printed JSON, one value a line) without what differs from run to run by design:
     * the task's work folder (run/work/ab/cdef...), timing figures (keys with Seconds/seconds/PerSecond) and
     * the digest of an input shard (a tokenize shard's manifest names its work folder); as its sorted lines
     * without trailing commas, since objects the tools build with Map.of come out in an order of each JVM's
     * own (e.g. align's label descriptions and split names).
     */
    static List<String> runRecord(Run run, byte[] json) {
        String text = new String(json, java.nio.charset.StandardCharsets.UTF_8);
        text = text.replaceAll(Pattern.quote(run.dir().resolve("work").toString()) + "/[0-9a-f]{2}/[0-9a-f]{30}", "WORK");
        text = text.replaceAll("\"\\w*([Ss]econds|PerSecond)\\w*\"\\s*:\\s*[-0-9.eE]+,?", "");
        text = text.replaceAll("(\"file\"\\s*:\\s*\"shard-\\d+\\.npz\",\\s*\"sha256\"\\s*:\\s*\")[0-9a-f]{64}", "$1SHARD")
                .replaceAll("(\"sha256\"\\s*:\\s*\")[0-9a-f]{64}(\",\\s*\"file\"\\s*:\\s*\"shard-\\d+\\.npz\")", "$1SHARD$2");
        return text.lines().map(line -> line.strip().replaceFirst(",$", "")).filter(line -> !line.isEmpty()).sorted().toList();
    }

    /** The entries of a zip (.npz) by name, with their bytes. */
    static Map<String, byte[]> zipEntries(Path zip) throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        try (java.util.zip.ZipFile file = new java.util.zip.ZipFile(zip.toFile())) {
            for (java.util.zip.ZipEntry entry : java.util.Collections.list(file.entries())) {
                try (java.io.InputStream in = file.getInputStream(entry)) {
                    entries.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        return entries;
    }

    /** `scontrol -o show job ID` as key=value pairs (values without spaces are all this test reads). */
    static Map<String, String> job(String id) throws Exception {
        Map<String, String> fields = new HashMap<>();
        for (String pair : slurmCommand("scontrol", "-o", "show", "job", id).strip().split(" ")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                fields.put(pair.substring(0, equals), pair.substring(equals + 1));
            }
        }
        return fields;
    }

    /** Every regular file under a folder, by relative path, with its bytes. */
    static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(path).toString(), Files.readAllBytes(path));
            }
        }
        assertTrue(!files.isEmpty(), "no files under " + dir);
        return files;
    }

    /** A line of Nextflow's trace file (default fields: task_id, hash, native_id, name, status, ...). */
    record TraceRow(String hash, String nativeId, String name, String status) {
        static List<TraceRow> read(Run run) throws IOException {
            List<String> lines = Files.readAllLines(run.dir().resolve("trace.txt"));
            List<String> header = Arrays.asList(lines.get(0).split("\t"));
            List<TraceRow> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split("\t");
                rows.add(new TraceRow(f[header.indexOf("hash")], f[header.indexOf("native_id")], f[header.indexOf("name")],
                        f[header.indexOf("status")]));
            }
            return rows;
        }

        /** work/ab/cdef12... from the trace's abbreviated hash ab/cdef12. */
        Path workDir(Run run) throws IOException {
            String[] parts = hash.split("/");
            try (Stream<Path> candidates = Files.list(run.dir().resolve("work").resolve(parts[0]))) {
                List<Path> matches = candidates.filter(p -> p.getFileName().toString().startsWith(parts[1])).toList();
                assertEquals(1, matches.size(), "work folder of " + this + ": " + matches);
                return matches.get(0);
            }
        }
    }
}
