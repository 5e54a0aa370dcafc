package org.regbert.nextflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the pipeline with real Nextflow 24.10.0 (the jars Maven copied to target/nextflow-lib), the
 * local profile (the checkout's ./regbert launcher, no container) and real data from the kit
 * (../shared/data): tokenize TSS windows of hg19 chr20 from a BED, a fan-out of one task per contig,
 * tokenize then align (DHS peaks, promoter labels, a test holdout), tokenize + align + a tiny EBERT
 * pre-training on the shards of both contigs, then fine-tuning from it and from scratch with one evaluation
 * over both, a -stub run of every module, and parameter validation.
 */
class NextflowPipelineTest {
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path ROOT = Path.of(System.getProperty("regbert.root", MODULE.getParent().toString()));
    static final Path DATA = Path.of(System.getProperty("regbert.data", ROOT.resolve("../shared/data").toString())).normalize();
    static final Path LIB = Path.of(System.getProperty("regbert.nextflow.lib", MODULE.resolve("target/nextflow-lib").toString()));
    static final Path TARGET = MODULE.resolve("target");
    static final Path INPUTS = TARGET.resolve("nf-inputs");
    static final Path CHR20 = DATA.resolve("genome/hg19.chr20.fa.gz");
    static final Path DHS = DATA.resolve("accessibility/uw-dhs-master.hg19.bed.gz");
    static final Path REFSEQ_TSS = DATA.resolve("chromhmm/coords-hg19/RefSeqTSS.hg19.bed.gz");

    /** Two 4 kb slices of hg19 chr20 as a two-contig reference (the same slices as the Galaxy test data). */
    static final String[][] SLICES = {{"20:300001-304000", "300000"}, {"20:31000001-31004000", "31000000"}};
    static final int SLICE_LENGTH = 4000;
    static final int TSS_COUNT = 30;

    static String toolVersion;
    static List<Long> tssPositions = new ArrayList<>();

    @BeforeAll
    static void prepare() throws Exception {
        assertTrue(Files.isRegularFile(LIB.resolve("nextflow-24.10.0.jar")),
                "Nextflow jars missing in " + LIB + " (the pom's copy-dependencies runs in process-test-resources)");
        assertTrue(Files.isRegularFile(CHR20), "kit data missing: " + CHR20);
        Files.createDirectories(INPUTS);
        writeSlices(INPUTS.resolve("hg19_chr20_slices.fa"));
        writeTssBed(INPUTS.resolve("chr20_tss.bed"));
        writeSliceDhsBed(INPUTS.resolve("hg19_chr20_slices_dhs.bed"));
        // The same DHSs as labels (task dhs): align refuses two inputs with the same file name. As peaks for the
        // finetune/score run, BED3 (open/closed levels): align reads a name column as states of their own, which
        // score does not reproduce.
        Files.copy(INPUTS.resolve("hg19_chr20_slices_dhs.bed"), INPUTS.resolve("hg19_chr20_slices_dhs_labels.bed"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.write(INPUTS.resolve("hg19_chr20_slices_dhs_bed3.bed"), Files.readAllLines(INPUTS.resolve("hg19_chr20_slices_dhs.bed"))
                .stream().map(line -> String.join("\t", List.of(line.split("\t")).subList(0, 3))).toList());
        // The local profile runs ./regbert, which builds the stage when its sources are newer than the
        // jar: do that (if at all) once here, not inside the timed Nextflow tasks.
        long started = System.nanoTime();
        Run launcher = exec(List.of(ROOT.resolve("regbert").toString(), "tokenize", "--version"), ROOT, Map.of(), 900);
        assertEquals(0, launcher.exitCode, "./regbert tokenize --version failed:\n" + launcher.output);
        toolVersion = launcher.output.strip().replaceFirst("^(?s).*regbert tokenize ", "");
        System.out.printf("./regbert tokenize --version: %s (%.1f s)%n", toolVersion, (System.nanoTime() - started) / 1e9);
        started = System.nanoTime();
        Run align = exec(List.of(ROOT.resolve("regbert").toString(), "align", "--version"), ROOT, Map.of(), 900);
        assertEquals(0, align.exitCode, "./regbert align --version failed:\n" + align.output);
        System.out.printf("./regbert align --version: %s (%.1f s)%n", align.output.strip(), (System.nanoTime() - started) / 1e9);
        started = System.nanoTime();
        Run pretrain = exec(List.of(ROOT.resolve("regbert").toString(), "pretrain", "--version"), ROOT, Map.of(), 900);
        assertEquals(0, pretrain.exitCode, "./regbert pretrain --version failed:\n" + pretrain.output);
        System.out.printf("./regbert pretrain --version: %s (%.1f s)%n", pretrain.output.strip(), (System.nanoTime() - started) / 1e9);
        for (String stage : List.of("finetune", "evaluate", "score")) {
            started = System.nanoTime();
            Run version = exec(List.of(ROOT.resolve("regbert").toString(), stage, "--version"), ROOT, Map.of(), 900);
            assertEquals(0, version.exitCode, "./regbert " + stage + " --version failed:\n" + version.output);
            System.out.printf("./regbert %s --version: %s (%.1f s)%n", stage, version.output.strip(), (System.nanoTime() - started) / 1e9);
        }
    }

    /** Cuts the slices out of the kit's bgzip chr20 (GZIPInputStream reads the concatenated BGZF blocks). */
    static void writeSlices(Path fasta) throws IOException {
        StringBuilder[] slices = {new StringBuilder(), new StringBuilder()};
        long last = Long.parseLong(SLICES[1][1]) + SLICE_LENGTH;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(CHR20), 1 << 16), StandardCharsets.US_ASCII), 1 << 16)) {
            String header = reader.readLine();
            assertEquals(">20", header.split("\\s")[0], "kit chr20 FASTA header");
            long position = 0;
            String line;
            while (position < last && (line = reader.readLine()) != null) {
                for (int s = 0; s < SLICES.length; s++) {
                    long from = Long.parseLong(SLICES[s][1]);
                    long to = from + SLICE_LENGTH;
                    if (position + line.length() > from && position < to) {
                        slices[s].append(line, (int) Math.max(0, from - position), (int) Math.min(line.length(), to - position));
                    }
                }
                position += line.length();
            }
        }
        try (Writer out = Files.newBufferedWriter(fasta)) {
            for (int s = 0; s < SLICES.length; s++) {
                assertEquals(SLICE_LENGTH, slices[s].length(), "slice " + SLICES[s][0]);
                out.write(">" + SLICES[s][0] + "\n");
                for (int i = 0; i < SLICE_LENGTH; i += 60) {
                    out.append(slices[s], i, Math.min(i + 60, SLICE_LENGTH));
                    out.write('\n');
                }
            }
        }
    }

    /** The first RefSeq TSSs of chr20 (kit: chromhmm/coords-hg19), distinct positions, UCSC names (chr20). */
    static void writeTssBed(Path bed) throws IOException {
        Set<Long> seen = new LinkedHashSet<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(DATA.resolve("chromhmm/coords-hg19/RefSeqTSS.hg19.bed.gz"))), StandardCharsets.US_ASCII))) {
            String line;
            while (seen.size() < TSS_COUNT && (line = reader.readLine()) != null) {
                String[] fields = line.split("\t");
                if (fields[0].equals("chr20")) {
                    seen.add(Long.parseLong(fields[1]));
                }
            }
        }
        tssPositions = new ArrayList<>(seen);
        assertEquals(TSS_COUNT, tssPositions.size());
        try (Writer out = Files.newBufferedWriter(bed)) {
            for (long start : tssPositions) {
                out.write("chr20\t" + start + "\t" + (start + 1) + "\n");
            }
        }
    }

    /**
     * The DNase hypersensitive sites of the UW master list (kit: accessibility/) inside the two slices, in
     * slice coordinates and names (20:300001-304000), clipped to the slice.
     */
    static void writeSliceDhsBed(Path bed) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(DHS), 1 << 16), StandardCharsets.US_ASCII), 1 << 16)) {
            boolean seen = false;
            String line;
            while ((line = reader.readLine()) != null) {
                String[] fields = line.split("\t");
                if (!fields[0].equals("chr20")) {
                    if (seen) {
                        break; // the list is grouped by contig
                    }
                    continue;
                }
                seen = true;
                long start = Long.parseLong(fields[1]);
                long end = Long.parseLong(fields[2]);
                for (String[] slice : SLICES) {
                    long offset = Long.parseLong(slice[1]);
                    if (end > offset && start < offset + SLICE_LENGTH) {
                        lines.add(slice[0] + "\t" + Math.max(0, start - offset) + "\t" + Math.min(SLICE_LENGTH, end - offset)
                                + "\t" + fields[3]);
                    }
                }
            }
        }
        assertEquals(5, lines.size(), "DHSs of the master list inside the slices: " + lines);
        Files.write(bed, lines);
    }

    @Test
    void tokenizesTssWindowsOfKitChr20FromABed() throws Exception {
        Run run = nextflow("tss", List.of("--reference", CHR20.toString(), "--regions", INPUTS.resolve("chr20_tss.bed").toString(),
                "--contig_alias", "chr20=20", "--id", "tss"));
        assertEquals(0, run.exitCode, run.describe());

        Path out = run.dir.resolve("results/tokenize/tss");
        String summary = Files.readString(out.resolve("tokenize-summary.json"));
        assertEquals(TSS_COUNT, jsonNumber(summary, "windows"), "one window centred on each 1-bp TSS");
        assertEquals(TSS_COUNT * 510L, jsonNumber(summary, "tokens"));
        assertEquals(TSS_COUNT, jsonNumber(summary, "chr20=20"), "contig alias used for every interval");
        assertEquals("[ \"shard-00000.npz\" ]", jsonValue(summary, "shardFiles"));

        Path shard = out.resolve("shard-00000.npz");
        assertArrayEquals(new long[] {TSS_COUNT, 510}, npy(shard, "tokens").shape, "tokens: windows x window tokens");
        long[] starts = npy(shard, "start").int64();
        long[] ends = npy(shard, "end").int64();
        for (int i = 0; i < TSS_COUNT; i++) {
            // 510 tokens of 6-mers cover 515 bases; the window is centred on the 1-bp interval.
            assertEquals(tssPositions.get(i) + Math.floorDiv(1 - 515, 2), starts[i], "window " + i + " start");
            assertEquals(starts[i] + 515, ends[i], "window " + i + " end");
        }
        // The kit's .fai and .gzi travel with the FASTA (staged links), so no task re-indexes 63 Mb.
        Path taskDir = run.taskDirs().get(0);
        assertTrue(Files.isSymbolicLink(taskDir.resolve("hg19.chr20.fa.gz.gzi")), "the .gzi is staged, not rebuilt");
        assertTrue(Files.isSymbolicLink(taskDir.resolve("hg19.chr20.fa.gz.fai")), "the .fai is staged, not rebuilt");

        String versions = Files.readString(run.dir.resolve("results/pipeline_info/versions.yml"));
        assertEquals("\"TOKENIZE\":\n    regbert: " + toolVersion + "\n", versions);
    }

    @Test
    void alignsDhsPeaksAndPromoterLabelsOntoTokenizedTssWindows() throws Exception {
        // Genome-wide kit files (UCSC names) against chr20: alias chr20=20, other contigs skipped and counted.
        long testEnd = 1_000_000;
        Run run = nextflow("align", List.of("--reference", CHR20.toString(), "--regions", INPUTS.resolve("chr20_tss.bed").toString(),
                "--contig_alias", "chr20=20", "--id", "tss",
                "--peaks", DHS + ":DHS", "--labels", "promoter=" + REFSEQ_TSS, "--skip_missing_contigs",
                "--holdout_test", "20:0-" + testEnd));
        assertEquals(0, run.exitCode, run.describe());
        assertEquals(1, run.completedTasks("TOKENIZE"), run.trace());
        assertEquals(1, run.completedTasks("ALIGN"), "one ALIGN per TOKENIZE task:\n" + run.trace());

        Path out = run.dir.resolve("results/align/tss");
        String summary = Files.readString(out.resolve("align-summary.json"));
        assertEquals(TSS_COUNT, jsonNumber(summary, "windows"));
        assertEquals(1, jsonNumber(summary, "shards"));
        assertTrue(jsonNumber(summary, "chr20=20") > 0, "alias used:\n" + summary);
        assertTrue(jsonNumber(summary, "chr1") > 0, "chr1 lines skipped and counted:\n" + summary);
        assertEquals("[ \"DHS\" ]", jsonValue(summary, "peaks"));

        Path tokenized = run.dir.resolve("results/tokenize/tss/shard-00000.npz");
        Path aligned = out.resolve("shard-00000.npz");
        // Self-contained: the token arrays are copied verbatim.
        for (String array : List.of("tokens", "start", "end", "contig")) {
            assertEquals(npy(tokenized, array).data(), npy(aligned, array).data(), array + " copied verbatim");
        }
        // Every window is centred on a RefSeq TSS: all positive for the promoter task.
        Npy label = npy(aligned, "label_promoter");
        assertEquals("|i1", label.dtype());
        byte[] labels = label.int8();
        assertEquals(TSS_COUNT, labels.length);
        for (int i = 0; i < TSS_COUNT; i++) {
            assertEquals(1, labels[i], "window " + i + " (TSS " + tssPositions.get(i) + ") is a promoter");
        }
        // Holdout: windows starting before 1 Mb are test (2), the others train (0).
        byte[] split = npy(aligned, "split").int8();
        long[] starts = npy(aligned, "start").int64();
        int test = 0;
        for (int i = 0; i < TSS_COUNT; i++) {
            assertEquals(starts[i] < testEnd ? 2 : 0, split[i], "split of window " + i + " at " + starts[i]);
            test += split[i] == 2 ? 1 : 0;
        }
        assertTrue(test > 0 && test < TSS_COUNT, "the holdout takes some windows, not all: " + test);
        // DHS accessibility per token: [1 cell type, windows, 510 tokens], closed (1) or open (2); TSSs are mostly open.
        Npy peaks = npy(aligned, "peaks");
        assertArrayEquals(new long[] {1, TSS_COUNT, 510}, peaks.shape());
        long open = 0;
        for (byte value : peaks.int8()) {
            assertTrue(value == 1 || value == 2, "peak state " + value);
            open += value == 2 ? 1 : 0;
        }
        assertTrue(open > 0, "some TSS tokens lie in DHSs");

        String versions = Files.readString(run.dir.resolve("results/pipeline_info/versions.yml"));
        assertEquals("\"ALIGN\":\n    regbert: " + toolVersion + "\n\"TOKENIZE\":\n    regbert: " + toolVersion + "\n", versions);
        assertEquals(List.of("tss\t" + TSS_COUNT), Files.readAllLines(run.dir.resolve("results/pipeline_info/align-windows.tsv")));
    }

    @Test
    void pretrainsATinyEbertOnTheAlignedShardsOfBothContigs() throws Exception {
        // 2 TOKENIZE and 2 ALIGN tasks (one per slice), then one PRETRAIN on the shards of both: k = 3,
        // 198-token windows (20 per slice), DHS accessibility as the state array, the second slice held out.
        Run run = nextflow("pretrain", List.of("--reference", INPUTS.resolve("hg19_chr20_slices.fa").toString(),
                "--contigs", SLICES[0][0] + "," + SLICES[1][0], "--id", "slices", "--kmer", "3", "--window", "198",
                "--peaks", INPUTS.resolve("hg19_chr20_slices_dhs.bed") + ":DHS", "--holdout_valid", SLICES[1][0] + ":0-4000",
                "--pretrain_steps", "5", "--pretrain_model", "ebert", "--pretrain_preset", "tiny"));
        assertEquals(0, run.exitCode, run.describe());
        assertEquals(2, run.completedTasks("ALIGN"), run.trace());
        assertEquals(1, run.completedTasks("PRETRAIN"), "one PRETRAIN on the shards of every ALIGN task:\n" + run.trace());

        Path out = run.dir.resolve("results/pretrain/slices");
        assertEquals("step-00000005", Files.readString(out.resolve("checkpoints/latest")).strip());
        Path checkpoint = out.resolve("checkpoints/step-00000005");
        for (String file : List.of("parameters.npz", "optimizer.npz", "config.json", "vocabularies.json", "trainer-state.json",
                "model-card.json", "model-card.md")) {
            assertTrue(Files.isRegularFile(checkpoint.resolve(file)), "checkpoint file " + file);
        }
        // tiny preset: hidden 64; k = 3: 4^3 k-mers + 5 special tokens
        assertArrayEquals(new long[] {69, 64}, npy(checkpoint.resolve("parameters.npz"), "01sequence_01token_embedding_weight").shape());
        String config = Files.readString(checkpoint.resolve("config.json"));
        assertEquals("\"ebert\"", jsonValue(config, "model"));
        assertEquals("\"tiny\"", jsonValue(config, "preset"));
        assertEquals(5, jsonNumber(config, "steps"));

        List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(6, metrics.size(), "5 training steps and the final held-out evaluation:\n" + metrics);
        for (int step = 1; step <= 5; step++) {
            assertTrue(metrics.get(step - 1).startsWith("{\"type\":\"train\",\"step\":" + step + ",\"loss\":"), metrics.get(step - 1));
        }
        assertTrue(metrics.get(5).matches("\\{\"type\":\"eval\",\"step\":5,\"mlm\":[0-9.]+,\"mlmAccuracy\":.*"), metrics.get(5));

        String card = Files.readString(out.resolve("model-card.json"));
        assertEquals(2, jsonNumber(card, "shardFiles"), "the shards of both ALIGN tasks");
        assertEquals(20, jsonNumber(card, "trainWindows"), "the first slice trains");
        assertEquals(20, jsonNumber(card, "heldOutWindows"), "the second slice (validation holdout) is held out");
        assertEquals("\"peaks\"", jsonValue(card, "stateArray"));
        assertTrue(Files.readString(out.resolve("model-card.md")).startsWith("# regbert model card: ebert (tiny)\n"));
        assertTrue(Files.readString(out.resolve("loss.svg")).startsWith("<svg"));

        String versions = Files.readString(run.dir.resolve("results/pipeline_info/versions.yml"));
        assertEquals("\"ALIGN\":\n    regbert: " + toolVersion + "\n\"PRETRAIN\":\n    regbert: " + toolVersion
                + "\n\"TOKENIZE\":\n    regbert: " + toolVersion + "\n", versions);
    }

    @Test
    void finetunesPretrainedAndScratchModelsAndEvaluatesThem() throws Exception {
        // The two slices again (k = 3, 198-token windows), DHSs as peaks and as the labels of task dhs; the
        // first half of slice 2 is the validation holdout, the second half the test holdout. A 3-step tiny
        // EBERT, then FINETUNE from it and from scratch (4 steps each), then one EVALUATE over both.
        String slice2 = SLICES[1][0];
        Run run = nextflow("finetune", List.of("--reference", INPUTS.resolve("hg19_chr20_slices.fa").toString(),
                "--contigs", SLICES[0][0] + "," + slice2, "--id", "slices", "--kmer", "3", "--window", "198",
                "--peaks", INPUTS.resolve("hg19_chr20_slices_dhs_bed3.bed") + ":DHS",
                "--labels", "dhs=" + INPUTS.resolve("hg19_chr20_slices_dhs_labels.bed"),
                "--holdout_valid", slice2 + ":0-2000", "--holdout_test", slice2 + ":2000-4000",
                "--pretrain_steps", "3", "--finetune_task", "dhs", "--finetune_from_scratch",
                "--finetune_steps", "4", "--finetune_batch_size", "8", "--evaluate_bootstrap", "50",
                // the fine-tuned (pre-trained) model over the slices' DHSs and the Galaxy wrappers' made-up variants
                "--score_regions", INPUTS.resolve("hg19_chr20_slices_dhs.bed").toString(), "--score_embeddings",
                "--score_vcf", ROOT.resolve("galaxy-wrappers/test-data/made_up_slices_variants.vcf").toString()));
        assertEquals(0, run.exitCode, run.describe());
        assertEquals(1, run.completedTasks("PRETRAIN"), run.trace());
        assertEquals(2, run.completedTasks("FINETUNE"), "one FINETUNE from the pre-trained model, one from scratch:\n" + run.trace());
        assertEquals(1, run.completedTasks("EVALUATE"), run.trace());
        assertEquals(2, run.completedTasks("SCORE"), "regions and variants, with the pre-trained model only:\n" + run.trace());

        for (String name : List.of("slices", "slices.scratch")) {
            Path out = run.dir.resolve("results/finetune").resolve(name);
            String summary = Files.readString(out.resolve("finetune-summary.json"));
            assertEquals("\"dhs\"", jsonValue(summary, "task"), name);
            assertEquals("\"binary\"", jsonValue(summary, "head"), name);
            assertEquals(4, jsonNumber(summary, "steps"), name);
            // DHS labels of the slices: 20 training windows (3 open), 10 validation (1), 10 test (3)
            String examples = summary.replaceAll("\\s+", "");
            assertTrue(examples.contains("\"train\":{\"windows\":20,\"labels\":{\"0\":17,\"1\":3}}"), summary);
            assertTrue(examples.contains("\"validation\":{\"windows\":10,\"labels\":{\"0\":9,\"1\":1}}"), summary);
            assertTrue(examples.contains("\"test\":{\"windows\":10,\"labels\":{\"0\":7,\"1\":3}}"), summary);
            List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
            assertEquals(4, metrics.stream().filter(l -> l.startsWith("{\"type\":\"train\"")).count(), name + ": " + metrics);
            assertTrue(metrics.stream().anyMatch(l -> l.matches("\\{\"type\":\"eval\",\"step\":\\d,\"split\":\"validation\",\"windows\":10,.*")),
                    name + ": " + metrics);
            for (String file : List.of("model/encoder/parameters.npz", "model/encoder/config.json", "model/head.npz", "model/task.json",
                    "predictions/dhs.DHS.npz", "model-card.md", "task-plan.json")) {
                assertTrue(Files.isRegularFile(out.resolve(file)), name + ": " + file);
            }
            assertFalse(Files.exists(out.resolve("checkpoints")), name + ": the resumable checkpoints are not published");
            // tiny preset: token embedding [69, 64] (k = 3), pre-trained or not
            assertArrayEquals(new long[] {69, 64}, npy(out.resolve("model/encoder/parameters.npz"), "01sequence_01token_embedding_weight").shape());
        }
        assertEquals("\"scratch:ebert:tiny\"", jsonValue(Files.readString(run.dir.resolve("results/finetune/slices.scratch/finetune-summary.json")), "base"));
        assertTrue(jsonValue(Files.readString(run.dir.resolve("results/finetune/slices/finetune-summary.json")), "base").endsWith("/pretrained\""),
                "fine-tuned from the staged PRETRAIN folder");

        Path report = run.dir.resolve("results/evaluate/slices");
        String json = Files.readString(report.resolve("report.json"));
        assertEquals("\"regbert-evaluate-report\"", jsonValue(json, "format"));
        assertEquals(2, jsonNumber(json, "split"), "the test windows");
        assertEquals(50, jsonNumber(json, "bootstrapIterations"));
        assertEquals("\"dhs\"", jsonValue(json, "task"));
        assertEquals(10, jsonNumber(json, "windows"), "the 10 test windows");
        // the scratch model is the baseline of the paired comparisons (auROC, auPRC and average precision)
        String compact = json.replaceAll("\\s+", "");
        assertEquals(3, compact.split("\"baseline\":\"slices.scratch\",\"model\":\"slices\"", -1).length - 1, json);
        assertTrue(Files.readString(report.resolve("report.html")).contains("<svg"), "charts inline in the HTML report");
        for (String figure : List.of("dhs_DHS_roc.svg", "dhs_DHS_pr.svg")) {
            assertTrue(Files.readString(report.resolve("figures").resolve(figure)).contains("<svg xmlns=\"http://www.w3.org/2000/svg\""), figure);
        }

        // SCORE: the tiny preset reads 128 tokens, so the model's windows are 126 k-mers (128 bp): each 150-bp DHS
        // gets a window from its start and one ending at its end (bedGraph lines cut at the next window's start);
        // 10 x 64 embeddings; the variants: 5 scored, the made-up REF mismatch skipped; DHS peaks as the states.
        Path regions = run.dir.resolve("results/score/slices.regions");
        List<String> bedGraph = Files.readAllLines(regions.resolve("slices.regions.bedgraph"));
        assertEquals(11, bedGraph.size(), String.join("\n", bedGraph));
        assertTrue(bedGraph.get(0).startsWith("track type=bedGraph name=\"regbert dhs\""), bedGraph.get(0));
        assertTrue(bedGraph.get(1).matches("20:300001-304000\t1080\t1102\t0\\.\\d+"), bedGraph.get(1));
        assertTrue(bedGraph.get(2).matches("20:300001-304000\t1102\t1230\t0\\.\\d+"), bedGraph.get(2));
        assertArrayEquals(new long[] {10, 64}, npy(regions.resolve("slices.regions.embeddings.npz"), "embeddings").shape());
        String scoreSummary = Files.readString(regions.resolve("slices.regions.score-summary.json"));
        assertEquals(10, jsonNumber(scoreSummary, "windowsScored"));
        assertTrue(jsonValue(scoreSummary, "states").startsWith("\"peaks of DHS"), scoreSummary);
        Path variants = run.dir.resolve("results/score/slices.variants");
        List<String> records = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(variants.resolve("slices.variants.vcf.gz"))), StandardCharsets.US_ASCII))) {
            reader.lines().filter(l -> !l.startsWith("#")).forEach(records::add);
        }
        assertEquals(6, records.size(), String.join("\n", records));
        assertEquals(5, records.stream().filter(r -> r.matches(".*\tRB_ALT=[0-9.e-]+;RB_DIFF=.*;RB_REF=[0-9.e-]+$")).count(),
                String.join("\n", records));
        assertTrue(records.stream().anyMatch(r -> r.endsWith("\tmadeup5\tG\tC\t.\tPASS\tRB_SKIP=ref_mismatch")), String.join("\n", records));
        assertTrue(Files.isRegularFile(variants.resolve("slices.variants.vcf.gz.tbi")), "tabix index");

        String versions = Files.readString(run.dir.resolve("results/pipeline_info/versions.yml"));
        for (String process : List.of("ALIGN", "EVALUATE", "FINETUNE", "PRETRAIN", "SCORE", "TOKENIZE")) {
            assertTrue(versions.contains("\"" + process + "\":\n    regbert: " + toolVersion + "\n"), versions);
        }
    }

    @Test
    void fansOutOneTaskPerContig() throws Exception {
        Run run = nextflow("contigs", List.of("--reference", INPUTS.resolve("hg19_chr20_slices.fa").toString(),
                "--contigs", SLICES[0][0] + "," + SLICES[1][0], "--id", "slices"));
        assertEquals(0, run.exitCode, run.describe());
        assertEquals(2, run.completedTasks("TOKENIZE"), "one TOKENIZE task per contig:\n" + run.trace());

        long[] expectedStarts = {0, 510, 1020, 1530, 2040, 2550, 3060}; // (4000 - 515) / 510 + 1 = 7 windows
        for (int s = 0; s < SLICES.length; s++) {
            Path out = run.dir.resolve("results/tokenize/slices." + SLICES[s][0].replace(':', '_'));
            assertEquals(7, jsonNumber(Files.readString(out.resolve("tokenize-summary.json")), "windows"), out.toString());
            Path shard = out.resolve("shard-00000.npz");
            assertArrayEquals(expectedStarts, npy(shard, "start").int64(), "window starts in " + SLICES[s][0]);
            for (long contig : npy(shard, "contig").int32()) {
                assertEquals(s, contig, "windows of task " + s + " come from contig " + SLICES[s][0] + " only");
            }
        }
        List<String> perTask = Files.readAllLines(run.dir.resolve("results/pipeline_info/tokenize-windows.tsv"));
        assertEquals(List.of("slices.20_300001-304000\t7", "slices.20_31000001-31004000\t7"), perTask);
    }

    @Test
    void stubRunCoversEveryModule() throws Exception {
        List<String> modules;
        try (Stream<Path> dirs = Files.list(MODULE.resolve("modules"))) {
            modules = dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
        }
        assertFalse(modules.isEmpty());
        for (String module : modules) {
            Path main = MODULE.resolve("modules").resolve(module).resolve("main.nf");
            assertTrue(Files.readString(main).contains("\n    stub:\n"), main + " needs a stub: block");
            assertTrue(Files.isRegularFile(main.resolveSibling("meta.yml")), module + " needs a meta.yml");
        }
        // Align options make ALIGN run too (one task per contig), --pretrain_steps one PRETRAIN on both; stubs read no inputs.
        Run run = nextflow("stub", List.of("-stub", "--reference", INPUTS.resolve("hg19_chr20_slices.fa").toString(),
                "--contigs", SLICES[0][0] + "," + SLICES[1][0], "--id", "stub",
                "--peaks", DHS + ":DHS", "--labels", "promoter=" + REFSEQ_TSS, "--pretrain_steps", "5",
                "--finetune_task", "promoter", "--finetune_from_scratch", "--score_regions", INPUTS.resolve("chr20_tss.bed").toString()));
        assertEquals(0, run.exitCode, run.describe());
        for (String module : modules) {
            assertTrue(run.completedTasks(module.toUpperCase()) > 0,
                    "module " + module + " did not run in the stub run (wire it into main.nf):\n" + run.trace());
        }
        for (String[] slice : SLICES) {
            Path out = run.dir.resolve("results/tokenize/stub." + slice[0].replace(':', '_'));
            assertEquals("true", jsonValue(Files.readString(out.resolve("tokenize-summary.json")), "stub"), out.toString());
            assertTrue(Files.isRegularFile(out.resolve("shard-00000.npz")));
            Path aligned = run.dir.resolve("results/align/stub." + slice[0].replace(':', '_'));
            assertEquals("true", jsonValue(Files.readString(aligned.resolve("align-summary.json")), "stub"), aligned.toString());
            assertEquals(1, jsonNumber(Files.readString(aligned.resolve("align-summary.json")), "shards"), aligned.toString());
            assertTrue(Files.isRegularFile(aligned.resolve("shard-00000.npz")));
        }
        assertEquals(2, run.completedTasks("ALIGN"), "one ALIGN per TOKENIZE task:\n" + run.trace());
        assertEquals(1, run.completedTasks("PRETRAIN"), "one PRETRAIN on every ALIGN task's shards:\n" + run.trace());
        Path pretrained = run.dir.resolve("results/pretrain/stub");
        assertEquals("step-00000000", Files.readString(pretrained.resolve("checkpoints/latest")).strip());
        assertTrue(Files.isRegularFile(pretrained.resolve("checkpoints/step-00000000/parameters.npz")));
        String stubMetrics = Files.readString(pretrained.resolve("metrics.jsonl"));
        assertTrue(stubMetrics.contains("\"shards\":2}"), "the stub saw the shards of both ALIGN tasks: " + stubMetrics);
        // FINETUNE from the PRETRAIN folder and from scratch, each on the shards of both ALIGN tasks; one EVALUATE on both.
        assertEquals(2, run.completedTasks("FINETUNE"), run.trace());
        assertEquals(1, run.completedTasks("EVALUATE"), run.trace());
        assertEquals("{\"stub\":true,\"base\":\"pretrained\",\"pretrained\":true,\"shards\":2,\"motifs\":false}",
                Files.readString(run.dir.resolve("results/finetune/stub/finetune-summary.json")).strip());
        assertEquals("{\"stub\":true,\"base\":\"scratch\",\"pretrained\":false,\"shards\":2,\"motifs\":false}",
                Files.readString(run.dir.resolve("results/finetune/stub.scratch/finetune-summary.json")).strip());
        assertEquals("{\"stub\":true,\"models\":\"stub,stub.scratch\"}",
                Files.readString(run.dir.resolve("results/evaluate/stub/report.json")).strip());
        assertEquals(1, run.completedTasks("SCORE"), "the pre-trained model's regions:\n" + run.trace());
        assertEquals("{\"stub\":true,\"mode\":\"regions\",\"model\":true}",
                Files.readString(run.dir.resolve("results/score/stub.regions/stub.regions.score-summary.json")).strip());
    }

    /** The stub-command.txt of every task of a process, joined: the options its script would have run with. */
    static String commands(Run run, String process) throws IOException {
        StringBuilder all = new StringBuilder();
        List<String> lines = Files.readAllLines(run.dir.resolve("trace.txt"));
        List<Path> dirs = run.taskDirs();
        for (int i = 1; i < lines.size(); i++) {
            String name = lines.get(i).split("\t")[3];
            if (name.equals(process) || name.startsWith(process + " ")) {
                all.append(Files.readString(dirs.get(i - 1).resolve("stub-command.txt")));
            }
        }
        return all.toString();
    }

    @Test
    void stubRunPassesTheEncodeFormatOptions() throws Exception {
        // The files are only staged (stubs read no inputs): the Galaxy test data's made-up bigWig and exclusion BED.
        Path signal = ROOT.resolve("galaxy-wrappers/test-data/made_up_slices_signal.bw");
        Path exclude = ROOT.resolve("galaxy-wrappers/test-data/made_up_slices_exclude.bed");
        String reference = INPUTS.resolve("hg19_chr20_slices.fa").toString();
        // --exclude_mode drop (default): TOKENIZE drops the windows, ALIGN is not given the BED, SCORE is.
        Run run = nextflow("stub-encode", List.of("-stub", "--reference", reference, "--contigs", SLICES[0][0],
                "--id", "enc", "--all_contigs", "--strict_bases", "--exclude", exclude.toString(),
                "--signal", signal + ":GM12878.H3K27ac", "--labels", "promoter=" + REFSEQ_TSS, "--pretrain_steps", "5",
                "--finetune_task", "promoter", "--score_regions", INPUTS.resolve("chr20_tss.bed").toString(),
                "--score_bigwig"));
        assertEquals(0, run.exitCode, run.describe());
        String tokenize = commands(run, "TOKENIZE");
        assertTrue(tokenize.contains("--exclude 'exclude/made_up_slices_exclude.bed'"), tokenize);
        assertTrue(tokenize.contains("--all-contigs") && tokenize.contains("--strict-bases"), tokenize);
        String align = commands(run, "ALIGN");
        assertTrue(align.contains("--signal 'annotations/made_up_slices_signal.bw:GM12878.H3K27ac'"), align);
        assertFalse(align.contains("--exclude"), align);
        String score = commands(run, "SCORE");
        assertTrue(score.contains("--exclude 'annotations/made_up_slices_exclude.bed'"), score);
        assertTrue(score.contains("--output 'enc.regions/enc.regions.bw'"), score);
        assertTrue(Files.isRegularFile(run.dir.resolve("results/score/enc.regions/enc.regions.bw")), run.trace());

        // --exclude_mode mark: TOKENIZE keeps the windows and ALIGN marks them, and runs for the BED alone.
        Run mark = nextflow("stub-encode-mark", List.of("-stub", "--reference", reference, "--contigs", SLICES[0][0],
                "--id", "mark", "--exclude", exclude.toString(), "--exclude_mode", "mark"));
        assertEquals(0, mark.exitCode, mark.describe());
        assertFalse(commands(mark, "TOKENIZE").contains("--exclude"), commands(mark, "TOKENIZE"));
        assertEquals(1, mark.completedTasks("ALIGN"), mark.trace());
        assertTrue(commands(mark, "ALIGN").contains("--exclude 'annotations/made_up_slices_exclude.bed'"),
                commands(mark, "ALIGN"));
    }

    @Test
    void rejectsAnUnknownExcludeModeAndBigWigWithoutRegions() throws Exception {
        Run mode = nextflow("invalid-exclude", List.of("--reference", CHR20.toString(), "--exclude_mode", "skip"));
        assertNotEquals(0, mode.exitCode, mode.describe());
        assertTrue(mode.output.contains("--exclude_mode is drop"), mode.describe());
        Run bigwig = nextflow("invalid-bigwig", List.of("--reference", CHR20.toString(), "--score_bigwig"));
        assertNotEquals(0, bigwig.exitCode, bigwig.describe());
        assertTrue(bigwig.output.contains("--score_bigwig writes region scores"), bigwig.describe());
        assertEquals(0, bigwig.completedTasks("TOKENIZE"));
    }

    @Test
    void geneBertFinetuneGetsTheMotifFileAlignScanned() throws Exception {
        // GeneBERT's model keeps a copy of the motif file for score: FINETUNE stages it (EBERT runs get none, above).
        Run run = nextflow("stub-genebert", List.of("-stub", "--reference", INPUTS.resolve("hg19_chr20_slices.fa").toString(),
                "--contigs", SLICES[0][0], "--id", "gb", "--motifs", DATA.resolve("motifs/JASPAR2022_vertebrates.pfm").toString(),
                "--labels", "promoter=" + REFSEQ_TSS, "--pretrain_steps", "5", "--pretrain_model", "genebert",
                "--finetune_task", "promoter"));
        assertEquals(0, run.exitCode, run.describe());
        assertEquals(1, run.completedTasks("FINETUNE"), run.trace());
        assertEquals("{\"stub\":true,\"base\":\"pretrained\",\"pretrained\":true,\"shards\":1,\"motifs\":true}",
                Files.readString(run.dir.resolve("results/finetune/gb/finetune-summary.json")).strip());
    }

    @Test
    void rejectsContigsTogetherWithRegions() throws Exception {
        Run run = nextflow("invalid", List.of("--reference", CHR20.toString(), "--regions", INPUTS.resolve("chr20_tss.bed").toString(),
                "--contigs", "20"));
        assertNotEquals(0, run.exitCode, run.describe());
        assertTrue(run.output.contains("--contigs tiles whole contigs"), run.describe());
        assertEquals(0, run.completedTasks("TOKENIZE"));
    }

    @Test
    void rejectsAlignOptionsWithoutAnythingToAlign() throws Exception {
        Run run = nextflow("invalid-align", List.of("--reference", CHR20.toString(), "--holdout_test", "20"));
        assertNotEquals(0, run.exitCode, run.describe());
        assertTrue(run.output.contains("align options without anything to align"), run.describe());
        assertEquals(0, run.completedTasks("TOKENIZE"));
    }

    @Test
    void rejectsPretrainingWithoutAnythingToAlign() throws Exception {
        Run run = nextflow("invalid-pretrain", List.of("--reference", CHR20.toString(), "--pretrain_steps", "5"));
        assertNotEquals(0, run.exitCode, run.describe());
        assertTrue(run.output.contains("--pretrain_steps trains on annotated shards"), run.describe());
        assertEquals(0, run.completedTasks("TOKENIZE"));
    }

    @Test
    void rejectsFinetuningWithoutABaseModel() throws Exception {
        Run run = nextflow("invalid-finetune", List.of("--reference", CHR20.toString(), "--labels", "promoter=" + REFSEQ_TSS,
                "--finetune_task", "promoter"));
        assertNotEquals(0, run.exitCode, run.describe());
        assertTrue(run.output.contains("--finetune_task needs a pre-trained model"), run.describe());
        assertEquals(0, run.completedTasks("TOKENIZE"));
    }

    @Test
    void nextflowLibIsNextflowsOwnDependencySet() throws IOException {
        // The parent's Quarkus BOM must not change Nextflow's transitive versions (see the pom's pins).
        List<String> expected;
        try (InputStream in = NextflowPipelineTest.class.getResourceAsStream("/nextflow-24.10.0-lib.txt")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
        List<String> copied;
        try (Stream<Path> jars = Files.list(LIB)) {
            copied = jars.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(expected, copied, "target/nextflow-lib differs from io.nextflow:nextflow:24.10.0's own dependencies");
    }

    // ---- the tool's JSON summary (flat, pretty-printed by Jackson in the tool) -------------------

    /** The value after {@code "key" :} up to the end of the line (without a trailing comma). */
    static String jsonValue(String json, String key) {
        Matcher matcher = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*(.*?),?\\s*$", Pattern.MULTILINE).matcher(json);
        assertTrue(matcher.find(), "no \"" + key + "\" in " + json);
        return matcher.group(1);
    }

    static long jsonNumber(String json, String key) {
        return Long.parseLong(jsonValue(json, key));
    }

    // ---- running Nextflow -----------------------------------------------------------------------

    record Run(int exitCode, String output, Path dir) {
        String describe() {
            return "nextflow exited with " + exitCode + "; output:\n" + output + "\n(log: " + dir.resolve("nextflow.log") + ")";
        }

        String trace() throws IOException {
            Path trace = dir.resolve("trace.txt");
            return Files.exists(trace) ? Files.readString(trace) : "(no trace)";
        }

        /** Tasks of a process that completed, from the trace file (name column: "PROCESS (tag)"). */
        long completedTasks(String process) throws IOException {
            Path trace = dir.resolve("trace.txt");
            if (!Files.exists(trace)) {
                return 0;
            }
            return Files.readAllLines(trace).stream().skip(1).map(l -> l.split("\t"))
                    .filter(f -> f[3].equals(process) || f[3].startsWith(process + " ") || f[3].endsWith(":" + process)
                            || f[3].contains(":" + process + " "))
                    .filter(f -> f[4].equals("COMPLETED")).count();
        }

        /** Work folders of the tasks, from the trace's hash column (e.g. 1a/2b3c4d -> work/1a/2b3c4d...). */
        List<Path> taskDirs() throws IOException {
            List<Path> dirs = new ArrayList<>();
            List<String> lines = Files.readAllLines(dir.resolve("trace.txt"));
            for (String line : lines.subList(1, lines.size())) {
                String[] hash = line.split("\t")[1].split("/");
                try (Stream<Path> candidates = Files.list(dir.resolve("work").resolve(hash[0]))) {
                    candidates.filter(p -> p.getFileName().toString().startsWith(hash[1])).forEach(dirs::add);
                }
            }
            return dirs;
        }
    }

    static Run nextflow(String name, List<String> args) throws Exception {
        Path dir = TARGET.resolve("nf-runs").resolve(name);
        deleteTree(dir);
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + MODULE.resolve("jvm.options"), "-cp", LIB + "/*", "nextflow.cli.Launcher",
                "-log", dir.resolve("nextflow.log").toString(),
                "run", MODULE.resolve("main.nf").toString(), "-profile", "local",
                "-work-dir", dir.resolve("work").toString(), "-with-trace", dir.resolve("trace.txt").toString(),
                "--outdir", dir.resolve("results").toString()));
        command.addAll(args);
        Map<String, String> env = Map.of(
                "NXF_HOME", TARGET.resolve("nxf-home").toString(),
                "NXF_TEMP", Files.createDirectories(TARGET.resolve("nxf-tmp")).toString(),
                "NXF_OFFLINE", "true",
                "NXF_ANSI_LOG", "false",
                "NXF_DISABLE_CHECK_LATEST", "true");
        long started = System.nanoTime();
        Run run = exec(command, dir, env, 300);
        System.out.printf("nextflow run %-8s exit %d in %.1f s%n", name, run.exitCode, (System.nanoTime() - started) / 1e9);
        return run;
    }

    static Run exec(List<String> command, Path dir, Map<String, String> env, int timeoutSeconds) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Path log = Files.createTempFile(TARGET, "exec-", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n"
                    + Files.readString(log));
        }
        String output = Files.readString(log);
        Files.delete(log);
        return new Run(process.exitValue(), output, dir);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    // ---- reading .npy arrays from a shard -------------------------------------------------------

    record Npy(long[] shape, String dtype, ByteBuffer data) {
        long[] int64() {
            assertEquals("<i8", dtype);
            long[] values = new long[data.remaining() / 8];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values);
            return values;
        }

        byte[] int8() {
            assertTrue(dtype.equals("|i1") || dtype.equals("|u1"), dtype);
            byte[] values = new byte[data.remaining()];
            data.duplicate().get(values);
            return values;
        }

        long[] int32() {
            assertEquals("<i4", dtype);
            int[] ints = new int[data.remaining() / 4];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(ints);
            long[] values = new long[ints.length];
            for (int i = 0; i < ints.length; i++) {
                values[i] = ints[i];
            }
            return values;
        }
    }

    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");

    /** One array of an .npz, parsed from the NumPy format (version 1.0/2.0 header, then raw data). */
    static Npy npy(Path npz, String array) throws IOException {
        try (ZipFile zip = new ZipFile(npz.toFile()); InputStream in = zip.getInputStream(zip.getEntry(array + ".npy"))) {
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals((byte) 0x93, bytes.get(0), "npy magic");
            assertEquals("NUMPY", new String(bytes.array(), 1, 5, StandardCharsets.US_ASCII));
            int major = bytes.get(6);
            int headerLength = major == 1 ? Short.toUnsignedInt(bytes.getShort(8)) : bytes.getInt(8);
            int headerStart = major == 1 ? 10 : 12;
            String header = new String(bytes.array(), headerStart, headerLength, StandardCharsets.US_ASCII);
            Matcher shape = SHAPE.matcher(header);
            Matcher descr = DESCR.matcher(header);
            assertTrue(shape.find() && descr.find(), "npy header: " + header);
            long[] dims = Stream.of(shape.group(1).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .mapToLong(Long::parseLong).toArray();
            bytes.position(headerStart + headerLength);
            return new Npy(dims, descr.group(1), bytes.slice());
        }
    }
}
