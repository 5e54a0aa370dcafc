package org.regbert.serve;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.regbert.common.FileTrees;
import org.regbert.align.AlignCommand;
import org.regbert.common.BadInputException;
import org.regbert.common.ExitCodes;
import org.regbert.common.StageCli;
import org.regbert.evaluate.EvaluateCommand;
import org.regbert.finetune.FinetuneCommand;
import org.regbert.pretrain.PretrainCommand;
import org.regbert.score.ScoreCommand;
import org.regbert.tokenize.TokenizeCommand;
import org.jboss.logging.Logger;
import picocli.CommandLine;

/**
 * What the routes call ({@code routes/*.camel.yaml}): admits an input (checksum, de-duplication, run
 * record), runs the stages in-process on a bounded worker pool, and records every outcome.
 * Headers it sets for the routes: {@code regbertKind} (reference, states, peaks, labels, variants,
 * metadata, rejected, ignored), {@code regbertDuplicate}, {@code regbertRunId}, {@code regbertCellType},
 * {@code regbertTask}.
 *
 * <p>The chain per reference ({@link ReferenceState}): a reference is tokenized; peaks or states are
 * aligned onto its shards and, while it has no model, the first such shards are pre-trained on; labels
 * are aligned with the epigenomes seen so far and, once a pre-trained model exists, fine-tuned on and
 * evaluated; a VCF is scored with the latest fine-tuned model, or waits (recorded in the reference's
 * state) and is scored once after the next fine-tuning. After every stage the service runs whatever has
 * become possible ({@link #advance}); what still waits is named in the run record as "waiting".
 */
@ApplicationScoped
@Startup
@Named("pipeline")
@Unremovable
public class Pipeline {
    private static final Logger LOG = Logger.getLogger(Pipeline.class);
    /** Stages that exist as commands but are not in the routes yet: reported, never run or faked. */
    static final List<String> NOT_WIRED = List.of();
    static final List<String> NOT_LANDED = List.of();
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    @Inject
    ServeSettings settings;
    @Inject
    RunJournal journal;
    @Inject
    ProcessedJournal processed;
    @Inject
    MeterRegistry meters;
    @Inject
    ObjectMapper mapper;

    private final MetadataCatalog metadata = new MetadataCatalog();
    private final Map<String, String> origins = new ConcurrentHashMap<>();
    private ExecutorService workers;

    @PostConstruct
    void start() {
        if (!List.of("in-process", "nextflow").contains(settings.backend())) {
            throw new IllegalStateException("regbert.serve.backend=" + settings.backend() + ": expected in-process or"
                    + " nextflow");
        }
        if (nextflow() && !Files.isRegularFile(settings.nextflowDir().resolve("nextflow.sh"))) {
            throw new IllegalStateException("regbert.serve.backend=nextflow: no nextflow.sh in regbert.serve.nextflow-dir="
                    + settings.nextflowDir().toAbsolutePath() + " (the checkout's nextflow/ folder)");
        }
        // DJL (pretrain, finetune, evaluate, score) never downloads: its natives come from the jars
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // Stored results must survive a power loss, not only a crash: shards are forced to disk (NpzWriter)
        if (System.getProperty("regbert.fsync") == null) {
            System.setProperty("regbert.fsync", "true");
        }
        try {
            for (Path p : List.of(settings.inbox(), settings.outputs(), settings.state(), settings.deadLetter(),
                    settings.state().resolve("metadata"))) {
                Files.createDirectories(p);
            }
            try (Stream<Path> tsvs = Files.list(settings.state().resolve("metadata"))) {
                for (Path tsv : tsvs.sorted().toList()) {
                    metadata.read(tsv);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        workers = Executors.newFixedThreadPool(Math.max(1, settings.workers()), r -> {
            Thread t = new Thread(r, "regbert-stage");
            t.setDaemon(true);
            return t;
        });
    }

    void stop(@Observes ShutdownEvent event) {
        workers.shutdownNow();
    }

    // ---- S3: an object becomes an inbox file under a safe name ----

    public void fromS3(Exchange exchange) {
        String bucket = exchange.getMessage().getHeader("CamelAwsS3BucketName", String.class);
        String key = exchange.getMessage().getHeader("CamelAwsS3Key", String.class);
        String safe = SafeNames.fileName(key);
        exchange.getMessage().setHeader(Exchange.FILE_NAME, safe);
        origins.put(safe, "s3://" + bucket + "/" + key);
    }

    // ---- admission ----

    public void admit(Exchange exchange) throws IOException {
        Path source = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class));
        String name = SafeNames.fileName(exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class));
        String[] sum = sha256(source);
        String key = ProcessedJournal.key(name, sum[0]);
        exchange.getMessage().setHeader("regbertKey", key);
        if (processed.contains(key)) {
            exchange.getMessage().setHeader("regbertDuplicate", true);
            LOG.infof("%s: the same bytes were handled before (%s); not run again", name, sum[0]);
            return;
        }
        exchange.getMessage().setHeader("regbertDuplicate", false);
        RunRecord run = new RunRecord();
        run.id = ID_TIME.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
        String origin = origins.remove(name);
        run.trigger = origin != null ? origin : "file:" + settings.inbox().resolve(name);
        run.created = Instant.now().toString();
        run.status = "running";
        Path runDir = SafeNames.inside(settings.outputs(), run.id);
        Path input = SafeNames.inside(runDir.resolve("input"), name);
        Files.createDirectories(input.getParent());
        Files.copy(source, input, StandardCopyOption.REPLACE_EXISTING);
        RunRecord.Input in = new RunRecord.Input();
        in.name = name;
        in.path = input.toString();
        in.sha256 = sum[0];
        in.bytes = Long.parseLong(sum[1]);
        run.inputs.add(in);
        Classifier.Decision decision = Classifier.classify(name, metadata, settings.assembly());
        run.kind = decision.kind().name().toLowerCase();
        run.reason = decision.reason();
        journal.save(run);
        exchange.getMessage().setHeader("regbertRunId", run.id);
        exchange.getMessage().setHeader("regbertKind", run.kind);
        exchange.getMessage().setHeader("regbertCellType", decision.cellType());
        exchange.getMessage().setHeader("regbertTask", decision.task());
    }

    // ---- outcomes without a stage ----

    public void metadata(Exchange exchange) throws IOException {
        RunRecord run = run(exchange);
        Path input = Path.of(run.inputs.get(0).path);
        Path kept = SafeNames.inside(settings.state().resolve("metadata"), run.id + "-metadata.tsv");
        Files.copy(input, kept, StandardCopyOption.REPLACE_EXISTING);
        try {
            int rows = metadata.read(kept);
            finish(exchange, run, "recorded", "ENCODE metadata: " + rows + " files described");
        } catch (BadInputException bad) {
            Files.deleteIfExists(kept);
            finish(exchange, run, "rejected", bad.getMessage());
        }
    }

    public void ignore(Exchange exchange) {
        RunRecord run = run(exchange);
        finish(exchange, run, "ignored", run.reason);
    }

    public void reject(Exchange exchange) {
        RunRecord run = run(exchange);
        finish(exchange, run, "rejected", run.reason);
    }

    // ---- stages ----

    public void tokenize(Exchange exchange) throws Exception {
        RunRecord run = attempt(exchange);
        Path base = settings.outputs().resolve(run.id).resolve("tokenize");
        Path out = base;
        List<String> args = new ArrayList<>(List.of("--reference", run.inputs.get(0).path, "--output", out.toString(),
                "--quiet"));
        args.addAll(settings.tokenizeArgs());
        String refId = SafeNames.token(stripFasta(run.inputs.get(0).name));
        boolean ok = nextflow()
                ? nextflowStage(run, "tokenize", out, run.inputs.get(0).path, refId, List.of())
                : stage(run, "tokenize", out, args, () -> new TokenizeCommand());
        if (ok && nextflow()) {
            out = out.resolve("tokenize").resolve(refId);  // the workflow's tokenize output for this reference
            // the workflow indexed its staged copy: the .fai that names the contigs (aliases, holdouts) goes here
            Path fasta = Path.of(run.inputs.get(0).path);
            if (!Files.exists(Path.of(fasta + ".fai"))) {
                htsjdk.samtools.reference.FastaSequenceIndexCreator.create(fasta, false);
            }
        }
        if (ok) {
            ReferenceState ref;
            synchronized (this) {
                String id = SafeNames.token(settings.assembly().get(0)) + "-" + run.inputs.get(0).sha256.substring(0, 12);
                ref = loadReference(id);
                if (ref == null) {
                    ref = new ReferenceState();
                    ref.id = id;
                    ref.assembly = settings.assembly().get(0);
                }
                ref.tokens = out.toString();
                ref.fasta = run.inputs.get(0).path;
                saveReference(ref);
                // shards, the reference they came from (its .fai names the contigs for align's aliases), its state
                Path tmp = settings.state().resolve(".current-shards.tmp");
                Files.writeString(tmp, out + "\n" + run.inputs.get(0).path + "\n" + id + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, settings.state().resolve("current-shards"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
            run.reference = ref.id;
            notLanded(run);
            String next = advance(run, ref);
            finish(exchange, run, next == null ? "succeeded" : "rejected", next == null
                    ? "tokenized; reference " + ref.id + ": these shards are now the current ones" : next);
        } else {
            finish(exchange, run, "rejected", last(run).message);
        }
    }

    public void align(Exchange exchange) throws Exception {
        RunRecord run = attempt(exchange);
        Path pointer = settings.state().resolve("current-shards");
        if (!Files.exists(pointer)) {
            // not journalled as processed: dropping the same file again after a reference runs it
            finishWithoutKey(run, "rejected", "no token shards yet: drop a reference FASTA first, then this file again");
            return;
        }
        List<String> pointed = pointed(pointer);
        String shards = pointed.get(0).strip();
        ReferenceState ref = pointed.size() > 2 ? loadReference(pointed.get(2).strip()) : null;
        Path out = settings.outputs().resolve(run.id).resolve("align");
        String option = "states".equals(run.kind) ? "--states" : "--peaks";
        String cell = exchange.getMessage().getHeader("regbertCellType", String.class);
        List<String> args = new ArrayList<>(List.of("--shards", shards, option,
                run.inputs.get(0).path + ":" + SafeNames.token(cell), "--output", out.toString(), "--quiet"));
        if (pointed.size() > 1) {
            // the holdouts its labels will get: pretrain leaves these test windows out, so the fine-tuning
            // test set is never seen in pre-training
            args.addAll(holdouts(Path.of(pointed.get(1).strip() + ".fai")));
        }
        args.addAll(settings.alignArgs());
        if (pointed.size() > 1) {
            args.addAll(contigAliases(Path.of(pointed.get(1).strip() + ".fai"), args));
        }
        boolean aligned;
        if (nextflow() && pointed.size() > 1) {
            String id = SafeNames.token(stripFasta(Path.of(pointed.get(1).strip()).getFileName().toString()));
            aligned = nextflowStage(run, "align", out, pointed.get(1).strip(), id, args);
            out = out.resolve("align").resolve(id);
        } else {
            aligned = stage(run, "align", out, args, () -> new AlignCommand());
        }
        if (aligned) {
            notLanded(run);
            String next = null;
            if (ref != null) {
                synchronized (this) {
                    ref.epigenomes.add(option + " " + run.inputs.get(0).path + ":" + SafeNames.token(cell));
                    ref.accessibility = out.toString();
                    saveReference(ref);
                }
                run.reference = ref.id;
                next = advance(run, ref);
            }
            finish(exchange, run, next == null ? "succeeded" : "rejected", next == null
                    ? "aligned " + run.kind + " of " + cell + " onto " + shards : next);
        } else {
            finish(exchange, run, "rejected", last(run).message);
        }
    }

    /**
     * Labels (TSS, TASK.labels.bed, ENCODE TF ChIP-seq conservative IDR peaks) -> align them, with every
     * epigenome aligned so far for the current reference, into labelled shards with holdouts; then
     * fine-tune when a pre-trained model exists.
     */
    public void labels(Exchange exchange) throws Exception {
        RunRecord run = attempt(exchange);
        Path pointer = settings.state().resolve("current-shards");
        List<String> pointed = Files.exists(pointer) ? pointed(pointer) : List.of();
        ReferenceState ref = pointed.size() > 2 ? loadReference(pointed.get(2).strip()) : null;
        if (ref == null || ref.tokens == null) {
            finishWithoutKey(run, "rejected", "no token shards yet: drop a reference FASTA first, then this file again");
            return;
        }
        run.reference = ref.id;
        String task = SafeNames.token(exchange.getMessage().getHeader("regbertTask", String.class));
        String labels = run.inputs.get(0).path;
        Path out = settings.outputs().resolve(run.id).resolve("align");
        List<String> args = new ArrayList<>(List.of("--shards", ref.tokens));
        for (String e : ref.epigenomes) {
            args.addAll(List.of(e.split(" ", 2)));
        }
        args.addAll(List.of("--labels", task + "=" + labels, "--negatives-per-positive",
                Double.toString(settings.negativesPerPositive())));
        args.addAll(holdouts(Path.of(ref.fasta + ".fai")));
        args.addAll(List.of("--output", out.toString(), "--quiet"));
        args.addAll(settings.alignArgs());
        args.addAll(contigAliases(Path.of(ref.fasta + ".fai"), args));
        boolean aligned;
        if (nextflow()) {
            String id = SafeNames.token(stripFasta(Path.of(ref.fasta).getFileName().toString()));
            aligned = nextflowStage(run, "align", out, ref.fasta, id, args);
            out = out.resolve("align").resolve(id);
        } else {
            aligned = stage(run, "align", out, args, () -> new AlignCommand());
        }
        if (!aligned) {
            finish(exchange, run, "rejected", last(run).message);
            return;
        }
        synchronized (this) {
            ref.labels.put(task, labels);
            ref.labelled.put(task, out.toString());
            if (ref.epigenomes.isEmpty()) {
                ref.sequenceOnly.add(task);
            } else {
                ref.sequenceOnly.remove(task);
            }
            saveReference(ref);
        }
        String next = advance(run, ref);
        finish(exchange, run, next == null ? "succeeded" : "rejected", next == null
                ? "aligned labels of task " + task + " onto reference " + ref.id : next);
    }

    /** A VCF -> scored with the current reference's latest fine-tuned model, or kept waiting for one. */
    public void variants(Exchange exchange) throws Exception {
        RunRecord run = attempt(exchange);
        Path pointer = settings.state().resolve("current-shards");
        List<String> pointed = Files.exists(pointer) ? pointed(pointer) : List.of();
        ReferenceState ref = pointed.size() > 2 ? loadReference(pointed.get(2).strip()) : null;
        if (ref == null) {
            finishWithoutKey(run, "rejected", "no reference yet: drop a reference FASTA first, then this file again");
            return;
        }
        run.reference = ref.id;
        if (ref.model == null) {
            synchronized (this) {
                if (ref.pendingVcfs.stream().noneMatch(p -> p.runId.equals(run.id))) {
                    ref.pendingVcfs.add(new ReferenceState.Pending(run.id, run.inputs.get(0).path));
                }
                saveReference(ref);
            }
            waiting(run, "score", "no fine-tuned model for reference " + ref.id + " yet: this VCF is scored once,"
                    + " after the next fine-tuning");
            finish(exchange, run, "waiting", "waits for a fine-tuned model of reference " + ref.id);
            return;
        }
        boolean ok = score(run, ref, Path.of(run.inputs.get(0).path));
        finish(exchange, run, ok ? "succeeded" : "rejected", ok ? "scored with " + ref.model : last(run).message);
    }

    /**
     * Runs every stage the reference's state now allows: pretrain (accessibility shards, no model yet),
     * finetune + evaluate (labelled shards not fine-tuned on yet, a pre-trained model), score (VCFs
     * waiting, a fine-tuned model). What still cannot run is named as "waiting". Returns null, or the
     * message of a stage that rejected its input.
     */
    private String advance(RunRecord run, ReferenceState ref) throws Exception {
        if (ref.pretrained == null) {
            if (ref.accessibility == null) {
                waiting(run, "pretrain", "waits for DNase/ATAC peaks or chromatin states aligned onto reference " + ref.id);
            } else {
                Path out = settings.outputs().resolve(run.id).resolve("pretrain");
                List<String> args = new ArrayList<>(List.of("--shards", ref.accessibility, "--max-minutes",
                        Double.toString(settings.pretrainMinutes()), "--output", out.toString(), "--quiet"));
                if (settings.pretrainSteps() > 0) {
                    args.addAll(List.of("--steps", Integer.toString(settings.pretrainSteps())));
                }
                args.addAll(settings.pretrainArgs());
                if (!stage(run, "pretrain", out, args, () -> new PretrainCommand())) {
                    return "pretrain: " + last(run).message;
                }
                synchronized (this) {
                    ref.pretrained = out.toString();
                    saveReference(ref);
                }
            }
        }
        if (ref.labelled.isEmpty()) {
            waiting(run, "finetune", "waits for labels of reference " + ref.id + " (a TSS BED, TASK.labels.bed, or"
                    + " ENCODE TF ChIP-seq conservative IDR thresholded peaks)");
        } else if (ref.pretrained == null) {
            waiting(run, "finetune", "labels are aligned; waits for the pre-trained model of reference " + ref.id);
        } else {
            for (Map.Entry<String, String> e : new ArrayList<>(ref.labelled.entrySet())) {
                String task = e.getKey();
                if (e.getValue().equals(ref.finetunedFrom.get(task))) {
                    continue;
                }
                Path out = settings.outputs().resolve(run.id).resolve("finetune-" + task);
                List<String> args = new ArrayList<>(List.of("--checkpoint", ref.pretrained, "--shards", e.getValue(),
                        "--task", task, "--max-minutes", Double.toString(settings.finetuneMinutes()), "--output",
                        out.toString(), "--quiet"));
                if (settings.finetuneMaxSteps() > 0) {
                    args.addAll(List.of("--max-steps", Integer.toString(settings.finetuneMaxSteps())));
                }
                args.addAll(settings.finetuneArgs());
                if (ref.sequenceOnly.contains(task)) {
                    args.add("--ignore-states");  // aligned before any epigenome: no state array to read
                }
                if (!stage(run, "finetune", out, args, () -> new FinetuneCommand())) {
                    return "finetune: " + last(run).message;
                }
                synchronized (this) {
                    ref.finetuned.put(task, out.toString());
                    ref.finetunedFrom.put(task, e.getValue());
                    ref.model = out.toString();
                    ref.modelTask = task;
                    saveReference(ref);
                }
                Path report = settings.outputs().resolve(run.id).resolve("evaluate-" + task);
                // On the labelled shards, so the report carries the k-mer baseline trained on their training split.
                List<String> eval = List.of("--model", task + "=" + out, "--shards", e.getValue(), "--baseline",
                        "kmer-lr", "--output", report.toString(), "--bootstrap",
                        Integer.toString(settings.evaluateBootstrap()), "--quiet");
                if (!stage(run, "evaluate", report, eval, () -> new EvaluateCommand())) {
                    return "evaluate: " + last(run).message;
                }
            }
        }
        if (ref.model == null) {
            if (!"variants".equals(run.kind)) {
                waiting(run, "score", "VCFs are scored once reference " + ref.id + " has a fine-tuned model ("
                        + ref.pendingVcfs.size() + " waiting)");
            }
            return null;
        }
        for (ReferenceState.Pending pending : new ArrayList<>(ref.pendingVcfs)) {
            RunRecord vcfRun = journal.get(pending.runId);
            // only a run still waiting: one cut by a crash ("interrupted") runs again under a new id
            if (vcfRun != null && "waiting".equals(vcfRun.status) && !vcfRun.id.equals(run.id)) {
                boolean ok = score(vcfRun, ref, Path.of(pending.vcf));
                RunRecord.Stage note = new RunRecord.Stage();
                note.stage = "score";
                note.status = last(vcfRun).status;
                note.outputs = last(vcfRun).outputs;
                note.output = last(vcfRun).output;
                note.message = "scored " + vcfRun.inputs.get(0).name + ", waiting since run " + vcfRun.id
                        + " (its run record has the details)";
                run.stages.add(note);
                journal.save(run);
                finishWithoutKey(vcfRun, ok ? "succeeded" : "rejected", ok ? "scored with " + ref.model
                        + " (it waited for the model)" : last(vcfRun).message);
            }
            synchronized (this) {
                ref.pendingVcfs.removeIf(p -> p.runId.equals(pending.runId));
                saveReference(ref);
            }
        }
        return null;
    }

    private boolean score(RunRecord run, ReferenceState ref, Path vcf) throws Exception {
        Path out = settings.outputs().resolve(run.id).resolve("score");
        String stem = vcf.getFileName().toString().replaceAll("(?i)\\.vcf(\\.b?gz)?$", "");
        List<String> args = new ArrayList<>(List.of("--model", ref.model, "--reference", ref.fasta, "--vcf",
                vcf.toString(), "--output", out.resolve(stem + ".scored.vcf").toString(), "--quiet",
                "--skip-missing-contigs"));
        if (!ref.epigenomes.isEmpty() && !ref.sequenceOnly.contains(ref.modelTask)) {
            // EBERT reads per-token states: the file its training shards were aligned with first
            args.addAll(List.of(ref.epigenomes.get(0).split(" ", 2)));
        }
        args.addAll(contigAliases(Path.of(ref.fasta + ".fai"), args));
        run.reference = ref.id;
        return stage(run, "score", out, args, () -> new ScoreCommand());
    }

    private boolean nextflow() {
        return "nextflow".equals(settings.backend());
    }

    /**
     * The Nextflow back-end: {@code nextflow/main.nf -profile local} with the reference and the align inputs
     * as its parameters (align's options mapped to the workflow's: --valid -> --holdout_valid, ...);
     * its outputs land in OUT (tokenize/ID/, align/ID/), its work folder, .nextflow.log and console log
     * beside OUT. The workflow always tokenizes the reference first; align runs when an annotation is given.
     * Exit 0 -> succeeded; a task that ended with exit 2 (bad input) -> rejected; anything else -> retried.
     */
    private boolean nextflowStage(RunRecord run, String name, Path out, String reference, String id,
            List<String> alignArgs) throws Exception {
        Path dir = settings.nextflowDir().toAbsolutePath().normalize();
        Path home = out.resolveSibling(out.getFileName() + "-nextflow");
        List<String> cmd = new ArrayList<>(List.of(dir.resolve("nextflow.sh").toString(), "-log",
                home.resolve(".nextflow.log").toString(), "run", dir.resolve("main.nf").toString(), "-profile", "local",
                "-work-dir", home.resolve("work").toString(), "--reference", reference, "--id", id,
                "--outdir", out.toString()));
        cmd.addAll(nextflowParams(alignArgs));
        return runStage(run, name, out, cmd, err -> {
            deleteTree(home);
            Files.createDirectories(home);
            Path console = home.resolve("console.log");
            Process p = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(console.toFile()).start();
            int exit;
            try {
                exit = p.waitFor();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                throw e;
            }
            String text = Files.readString(console, StandardCharsets.UTF_8);
            err.write((exit == 0 ? "" : "nextflow exit " + exit + "; console (" + console + "):\n")
                    + (exit == 0 ? "" : text.length() > 3000 ? text.substring(text.length() - 3000) : text));
            if (exit == 0) {
                return ExitCodes.OK;
            }
            return text.matches("(?s).*Command exit status:\\s+2\\b.*") ? ExitCodes.BAD_INPUT : 1;
        });
    }

    /** align's options as nextflow/main.nf parameters (--shards, --output, --quiet: the workflow's own). */
    static List<String> nextflowParams(List<String> alignArgs) {
        Map<String, List<String>> lists = new java.util.LinkedHashMap<>();
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < alignArgs.size(); i++) {
            String a = alignArgs.get(i);
            String key = a.contains("=") && a.startsWith("--") ? a.substring(0, a.indexOf('=')) : a;
            String inline = a.contains("=") && a.startsWith("--") ? a.substring(a.indexOf('=') + 1) : null;
            String param = switch (key) {
                case "--peaks" -> "--peaks";
                case "--states" -> "--states";
                case "--labels" -> "--labels";
                case "--valid" -> "--holdout_valid";
                case "--test" -> "--holdout_test";
                case "--negatives-per-positive" -> "--negatives_per_positive";
                case "--contig-alias" -> "--contig_alias";
                case "--seed" -> "--seed";
                default -> null;
            };
            boolean takesValue = !key.equals("--skip-missing-contigs") && !key.equals("--quiet")
                    && !key.equals("--matched-negatives") && !key.equals("--overwrite");
            String value = inline != null || !takesValue ? inline : (i + 1 < alignArgs.size() ? alignArgs.get(++i) : "");
            if (key.equals("--skip-missing-contigs")) {
                flags.add("--skip_missing_contigs");
            } else if (key.equals("--matched-negatives")) {
                flags.add("--matched_negatives");
            } else if (param != null) {
                lists.computeIfAbsent(param, k -> new ArrayList<>()).add(value);
            }
        }
        List<String> out = new ArrayList<>();
        lists.forEach((param, values) -> out.addAll(List.of(param, String.join(",", values))));
        out.addAll(flags);
        return out;
    }

    /**
     * The service's holdouts, the one place that decides them: both the accessibility shards it
     * pre-trains on and the labelled shards it fine-tunes and evaluates on are aligned with them, so
     * pretrain (which leaves align's test windows out) never sees the test region. From the reference's
     * first contig (the kit's FASTAs hold one chromosome or a slice of one): test = its last 20% (by
     * length), validation = the 10% before that; training = the rest.
     */
    static List<String> holdouts(Path fai) throws IOException {
        if (!Files.exists(fai)) {
            return List.of();
        }
        String first = Files.readAllLines(fai, StandardCharsets.US_ASCII).stream().filter(l -> !l.isBlank())
                .findFirst().orElse(null);
        if (first == null) {
            return List.of();
        }
        String[] f = first.split("\t");
        long length = Long.parseLong(f[1]);
        long test = length * 8 / 10;
        long valid = length * 7 / 10;
        return List.of("--valid", f[0] + ":" + valid + "-" + test, "--test", f[0] + ":" + test + "-" + length);
    }

    private void waiting(RunRecord run, String name, String why) {
        run.stages.removeIf(s -> s.stage.equals(name) && "waiting".equals(s.status));
        RunRecord.Stage stage = new RunRecord.Stage();
        stage.stage = name;
        stage.status = "waiting";
        stage.message = why;
        run.stages.add(stage);
        journal.save(run);
    }

    private static List<String> pointed(Path pointer) throws IOException {
        try {
            return Files.readAllLines(pointer, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot read the current-shards pointer " + pointer + ": " + e, e);
        }
    }

    synchronized ReferenceState loadReference(String id) throws IOException {
        Path file = settings.state().resolve("references").resolve(SafeNames.token(id)).resolve("state.json");
        return Files.exists(file) ? mapper.readValue(file.toFile(), ReferenceState.class) : null;
    }

    private synchronized void saveReference(ReferenceState ref) throws IOException {
        Path dir = Files.createDirectories(settings.state().resolve("references").resolve(SafeNames.token(ref.id)));
        Path tmp = dir.resolve(".state.json.tmp");
        Files.write(tmp, mapper.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(ref));
        Files.move(tmp, dir.resolve("state.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** After the retries: the input and its error go to the dead-letter folder; nothing is dropped. */
    public void deadLetter(Exchange exchange) throws IOException {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String message = error == null ? "unknown error" : String.valueOf(error.getMessage());
        String id = exchange.getMessage().getHeader("regbertRunId", String.class);
        RunRecord run = id == null ? null : journal.get(id);
        String name = SafeNames.fileName(exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class));
        String stem = (id != null ? id : ID_TIME.format(Instant.now())) + "-" + name;
        Path source = exchange.getMessage().getHeader(Exchange.FILE_PATH) != null
                ? Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class)) : null;
        if (run != null && !run.inputs.isEmpty()) {
            source = Path.of(run.inputs.get(0).path);
        }
        if (source != null && Files.exists(source)) {
            Files.copy(source, SafeNames.inside(settings.deadLetter(), stem), StandardCopyOption.REPLACE_EXISTING);
        }
        StringWriter trace = new StringWriter();
        if (error != null) {
            error.printStackTrace(new PrintWriter(trace));
        }
        Files.writeString(SafeNames.inside(settings.deadLetter(), stem + ".error.txt"), message + "\n\n" + trace,
                StandardCharsets.UTF_8);
        if (run != null) {
            run.errors.add(message + " (after " + run.attempts + " attempts)");
            run.status = "failed";
            run.reason = "failed after retries; input and error in " + settings.deadLetter().resolve(stem);
            run.finished = Instant.now().toString();
            journal.save(run);
            meters.counter("regbert.runs", "status", "failed").increment();
        }
        LOG.errorf("%s: dead-lettered: %s", name, message);
    }

    interface CommandFactory {
        Object create();
    }

    interface StageBody {
        /** Runs the stage; its messages go to {@code err}; returns its exit code (ExitCodes). */
        int run(StringWriter err) throws Exception;
    }

    /** Runs one stage command in-process on the worker pool; true on success, false on bad input; throws on internal errors (retried). */
    private boolean stage(RunRecord run, String name, Path out, List<String> args, CommandFactory command)
            throws Exception {
        return runStage(run, name, out, args, err -> {
            CommandLine cli = StageCli.configure(new CommandLine(command.create()));
            cli.setErr(new PrintWriter(err, true));
            cli.setOut(new PrintWriter(new StringWriter(), true));
            return cli.execute(args.toArray(String[]::new));
        });
    }

    private boolean runStage(RunRecord run, String name, Path out, List<String> args, StageBody body)
            throws Exception {
        RunRecord.Stage stage = run.stages.stream().filter(s -> s.stage.equals(name)).findFirst().orElse(null);
        if (stage == null) {
            stage = new RunRecord.Stage();
            stage.stage = name;
            run.stages.add(stage);
        }
        stage.attempts++;
        stage.status = "running";
        stage.started = Instant.now().toString();
        stage.arguments = args;
        stage.output = out.toString();
        journal.save(run);
        deleteTree(out);  // a retried attempt starts clean
        if (name.equals("score")) {
            Files.createDirectories(out);  // score writes one file into it
        }
        StringWriter err = new StringWriter();
        int exit;
        try {
            exit = workers.submit(() -> body.run(err)).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
        stage.exitCode = exit;
        stage.finished = Instant.now().toString();
        stage.message = err.toString().strip();
        if (stage.message.length() > 4000) {
            stage.message = stage.message.substring(0, 4000) + " ...";
        }
        if (exit == ExitCodes.OK) {
            stage.status = "succeeded";
            stage.outputs = listFiles(out);
            journal.save(run);
            return true;
        }
        if (exit == ExitCodes.BAD_INPUT) {
            stage.status = "rejected";
            journal.save(run);
            return false;
        }
        stage.status = "failed";
        run.errors.add(name + " attempt " + stage.attempts + ": exit " + exit + ": " + firstLine(stage.message));
        journal.save(run);
        throw new StageFailedException(name + " failed (exit " + exit + "): " + firstLine(stage.message));
    }

    /**
     * UCSC and Ensembl names of the same chromosome ('chr20' in BED files, '20' in the kit's FASTA): an
     * alias for each contig of the reference that the user did not map already.
     */
    static String stripFasta(String name) {
        return name.replaceAll("(?i)\\.(fa|fasta|fna)(\\.gz)?$", "");
    }

    static List<String> contigAliases(Path fai, List<String> given) throws IOException {
        List<String> aliases = new ArrayList<>();
        if (!Files.exists(fai) || given.contains("--contig-alias")) {
            return aliases;
        }
        for (String line : Files.readAllLines(fai, StandardCharsets.US_ASCII)) {
            String contig = line.split("\t", 2)[0];
            if (contig.matches("([1-9]|1[0-9]|2[0-9]|X|Y)")) {
                aliases.addAll(List.of("--contig-alias", "chr" + contig + "=" + contig));
            } else if (contig.equals("MT")) {
                aliases.addAll(List.of("--contig-alias", "chrM=MT"));
            } else if (contig.matches("chr([1-9]|1[0-9]|2[0-9]|X|Y)")) {
                aliases.addAll(List.of("--contig-alias", contig.substring(3) + "=" + contig));
            }
        }
        return aliases;
    }

    private void notLanded(RunRecord run) {
        for (String s : NOT_WIRED) {
            RunRecord.Stage stage = new RunRecord.Stage();
            stage.stage = s;
            stage.status = "not-wired";
            stage.message = "the " + s + " stage exists (regbert " + s + ") but is not in the routes yet; nothing was run";
            run.stages.add(stage);
        }
        for (String s : NOT_LANDED) {
            RunRecord.Stage stage = new RunRecord.Stage();
            stage.stage = s;
            stage.status = "not-landed";
            stage.message = "the " + s + " stage has not landed in this version; nothing was run";
            run.stages.add(stage);
        }
    }

    private RunRecord attempt(Exchange exchange) {
        RunRecord run = run(exchange);
        run.attempts++;
        journal.save(run);
        return run;
    }

    private RunRecord run(Exchange exchange) {
        String id = exchange.getMessage().getHeader("regbertRunId", String.class);
        RunRecord run = journal.get(id);
        if (run == null) {
            throw new IllegalStateException("no run record " + id);
        }
        return run;
    }

    private void finish(Exchange exchange, RunRecord run, String status, String reason) {
        finishWithoutKey(run, status, reason);
        processed.add(exchange.getMessage().getHeader("regbertKey", String.class));
    }

    private void finishWithoutKey(RunRecord run, String status, String reason) {
        run.status = status;
        run.reason = reason;
        run.finished = Instant.now().toString();
        provenance(run);  // before the record says finished: whoever sees it finished finds its provenance
        journal.save(run);
        meters.counter("regbert.runs", "status", status).increment();
        LOG.infof("run %s (%s): %s: %s", run.id, run.inputs.get(0).name, status, reason);
    }

    /** runs/ID/provenance.json: the run record, the service and Java versions, the settings, the reference state. */
    private void provenance(RunRecord run) {
        try {
            Map<String, Object> p = new java.util.LinkedHashMap<>();
            p.put("run", run);
            p.put("service", "regbert-service " + org.regbert.common.ToolVersion.get());
            p.put("java", System.getProperty("java.version"));
            p.put("backend", settings.backend());
            Map<String, Object> conf = new java.util.LinkedHashMap<>();
            conf.put("tokenizeArgs", settings.tokenizeArgs());
            conf.put("alignArgs", settings.alignArgs());
            conf.put("pretrainArgs", settings.pretrainArgs());
            conf.put("pretrainMinutes", settings.pretrainMinutes());
            conf.put("pretrainSteps", settings.pretrainSteps());
            conf.put("finetuneArgs", settings.finetuneArgs());
            conf.put("finetuneMinutes", settings.finetuneMinutes());
            conf.put("finetuneMaxSteps", settings.finetuneMaxSteps());
            conf.put("evaluateBootstrap", settings.evaluateBootstrap());
            conf.put("negativesPerPositive", settings.negativesPerPositive());
            p.put("settings", conf);
            if (run.reference != null) {
                p.put("reference", loadReference(run.reference));
            }
            Path dir = SafeNames.inside(settings.outputs(), run.id);
            if (Files.isDirectory(dir)) {
                Path tmp = dir.resolve(".provenance.json.tmp");
                Files.write(tmp, mapper.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(p));
                Files.move(tmp, dir.resolve("provenance.json"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("run %s: cannot write its provenance.json: %s", run.id, e);
        }
    }

    private static RunRecord.Stage last(RunRecord run) {
        return run.stages.get(run.stages.size() - 1);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String[] sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
                total += n;
            }
            return new String[] {HexFormat.of().formatHex(md.digest()), Long.toString(total)};
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> listFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(Path::toString).sorted().toList();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        FileTrees.delete(dir);
    }

    /** A stage's internal error (exit 1): retried with back-off, then dead-lettered. */
    public static class StageFailedException extends RuntimeException {
        public StageFailedException(String message) {
            super(message);
        }
    }
}
