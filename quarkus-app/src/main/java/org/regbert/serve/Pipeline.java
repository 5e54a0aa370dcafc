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
import java.util.Comparator;
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
import org.regbert.align.AlignCommand;
import org.regbert.common.ExitCodes;
import org.regbert.common.StageCli;
import org.regbert.tokenize.TokenizeCommand;
import org.jboss.logging.Logger;
import picocli.CommandLine;

/**
 * What the routes call ({@code routes/*.camel.yaml}): admits an input (checksum, de-duplication, run
 * record), runs the landed stages in-process on a bounded worker pool, and records every outcome.
 * Headers it sets for the routes: {@code regbertKind} (reference, states, peaks, metadata, rejected,
 * ignored), {@code regbertDuplicate}, {@code regbertRunId}.
 */
@ApplicationScoped
@Startup
@Named("pipeline")
@Unremovable
public class Pipeline {
    private static final Logger LOG = Logger.getLogger(Pipeline.class);
    /** Stages that exist as commands but are not in the routes yet: reported, never run or faked. */
    static final List<String> NOT_WIRED = List.of("pretrain");
    static final List<String> NOT_LANDED = List.of("finetune", "score");
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

    private final EncodeMetadata metadata = new EncodeMetadata();
    private final Map<String, String> origins = new ConcurrentHashMap<>();
    private ExecutorService workers;

    @PostConstruct
    void start() {
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
        } catch (IllegalArgumentException bad) {
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
        Path out = settings.outputs().resolve(run.id).resolve("tokenize");
        List<String> args = new ArrayList<>(List.of("--reference", run.inputs.get(0).path, "--output", out.toString(),
                "--quiet"));
        args.addAll(settings.tokenizeArgs());
        if (stage(run, "tokenize", out, args, () -> new TokenizeCommand())) {
            // shards, then the reference they came from (its .fai names the contigs for align's aliases)
            Path tmp = settings.state().resolve(".current-shards.tmp");
            Files.writeString(tmp, out + "\n" + run.inputs.get(0).path + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, settings.state().resolve("current-shards"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            notLanded(run);
            finish(exchange, run, "succeeded", "tokenized; these shards are now the current ones for align");
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
        String shards;
        List<String> pointed;
        try {
            pointed = Files.readAllLines(pointer, StandardCharsets.UTF_8);
            shards = pointed.get(0).strip();
        } catch (IOException e) {
            throw new IOException("cannot read the current-shards pointer " + pointer + ": " + e, e);
        }
        Path out = settings.outputs().resolve(run.id).resolve("align");
        String option = "states".equals(run.kind) ? "--states" : "--peaks";
        String cell = exchange.getMessage().getHeader("regbertCellType", String.class);
        List<String> args = new ArrayList<>(List.of("--shards", shards, option,
                run.inputs.get(0).path + ":" + SafeNames.token(cell), "--output", out.toString(), "--quiet"));
        args.addAll(settings.alignArgs());
        if (pointed.size() > 1) {
            args.addAll(contigAliases(Path.of(pointed.get(1).strip() + ".fai"), args));
        }
        if (stage(run, "align", out, args, () -> new AlignCommand())) {
            notLanded(run);
            finish(exchange, run, "succeeded", "aligned " + run.kind + " of " + cell + " onto " + shards);
        } else {
            finish(exchange, run, "rejected", last(run).message);
        }
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

    /** Runs one stage on the worker pool; true on success, false on bad input; throws on internal errors (retried). */
    private boolean stage(RunRecord run, String name, Path out, List<String> args, CommandFactory command)
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
        journal.save(run);
        deleteTree(out);  // a retried attempt starts clean
        StringWriter err = new StringWriter();
        int exit;
        try {
            exit = workers.submit(() -> {
                CommandLine cli = StageCli.configure(new CommandLine(command.create()));
                cli.setErr(new PrintWriter(err, true));
                cli.setOut(new PrintWriter(new StringWriter(), true));
                return cli.execute(args.toArray(String[]::new));
            }).get();
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
        journal.save(run);
        meters.counter("regbert.runs", "status", status).increment();
        LOG.infof("run %s (%s): %s: %s", run.id, run.inputs.get(0).name, status, reason);
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
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A stage's internal error (exit 1): retried with back-off, then dead-lettered. */
    public static class StageFailedException extends RuntimeException {
        public StageFailedException(String message) {
            super(message);
        }
    }
}
