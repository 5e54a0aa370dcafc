package org.regbert.serve;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.regbert.common.ExitCodes;
import org.regbert.common.FileTrees;
import org.regbert.common.StageCli;
import picocli.CommandLine;

/**
 * Runs one stage command and records it in the run record: in-process on the bounded worker pool
 * ({@code regbert.serve.workers}), or, for tokenize and align with {@code regbert.serve.backend=nextflow},
 * as the checkout's Nextflow workflow. Exit 0: succeeded; exit 2 (bad input): rejected; anything else
 * throws {@link StageFailedException}, which the routes retry with back-off and then dead-letter.
 */
@ApplicationScoped
@Startup
public class StageRunner {
    @Inject
    ServeSettings settings;
    @Inject
    RunJournal journal;

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
        workers = Executors.newFixedThreadPool(Math.max(1, settings.workers()), r -> {
            Thread t = new Thread(r, "regbert-stage");
            t.setDaemon(true);
            return t;
        });
    }

    void stop(@Observes ShutdownEvent event) {
        workers.shutdownNow();
    }

    /** True when tokenize and align run as the Nextflow workflow. */
    boolean nextflow() {
        return "nextflow".equals(settings.backend());
    }

    /** Runs one stage command in-process on the worker pool; true on success, false on bad input; throws on internal errors (retried). */
    boolean stage(RunRecord run, String name, Path out, List<String> args, Supplier<Object> command) throws Exception {
        return stage(run, name, null, out, args, command);
    }

    /** {@link #stage}, for one task's finetune or evaluate: its own entry in the run record (tasks run side by side). */
    boolean stage(RunRecord run, String name, String task, Path out, List<String> args, Supplier<Object> command)
            throws Exception {
        return runStage(run, name, task, out, args, err -> {
            CommandLine cli = StageCli.configure(new CommandLine(command.get()));
            cli.setErr(new PrintWriter(err, true));
            cli.setOut(new PrintWriter(new StringWriter(), true));
            return cli.execute(args.toArray(String[]::new));
        });
    }

    /** Records the stage as rejected (why) and publishes its "rejected" stage-finished headers. */
    void refuse(Exchange exchange, RunRecord run, String name, String why) {
        refuse(exchange, run, name, null, why);
    }

    /** A stage that cannot run with what the reference holds: recorded as rejected, with the reason, nothing run. */
    void refuse(Exchange exchange, RunRecord run, String name, String task, String why) {
        journal.update(run.id, r -> {
            RunRecord.Stage stage = stageOf(r, name, task);
            stage.status = "rejected";
            stage.message = why;
        });
        RunRecorder.finished(exchange, run, name, false);
    }

    interface StageBody {
        /** Runs the stage; its messages go to {@code err}; returns its exit code (ExitCodes). */
        int run(StringWriter err) throws Exception;
    }

    /**
     * Runs BODY on a worker and records it. Every change goes to the latest state of the run's record
     * ({@link RunJournal#update}): the tasks of one run record their stages side by side. The stage's
     * start and end are taken on the worker, so they say when it ran, not how long it queued for a worker.
     */
    private boolean runStage(RunRecord run, String name, String task, Path out, List<String> args, StageBody body)
            throws Exception {
        String queued = Instant.now().toString();
        RunRecord.Stage first = stageOf(journal.update(run.id, r -> {
            RunRecord.Stage stage = stageOf(r, name, task);
            stage.attempts++;
            stage.status = "running";
            stage.started = queued;
            stage.finished = null;
            stage.arguments = args;
            stage.output = out.toString();
        }), name, task);
        FileTrees.delete(out);  // a retried attempt starts clean
        if (name.equals("score")) {
            Files.createDirectories(out);  // score writes one file into it
        }
        StringWriter err = new StringWriter();
        String[] finished = new String[1];
        int exit;
        try {
            exit = workers.submit(() -> {
                String started = Instant.now().toString();
                journal.update(run.id, r -> stageOf(r, name, task).started = started);
                try {
                    return body.run(err);
                } finally {
                    finished[0] = Instant.now().toString();
                }
            }).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
        String message = err.toString().strip();
        String kept = message.length() > 4000 ? message.substring(0, 4000) + " ..." : message;
        List<String> outputs = exit == ExitCodes.OK ? listFiles(out) : List.of();
        journal.update(run.id, r -> {
            RunRecord.Stage stage = stageOf(r, name, task);
            stage.exitCode = exit;
            stage.finished = finished[0];
            stage.message = kept;
            if (exit == ExitCodes.OK) {
                stage.status = "succeeded";
                stage.outputs = outputs;
            } else if (exit == ExitCodes.BAD_INPUT) {
                stage.status = "rejected";
            } else {
                stage.status = "failed";
                r.errors.add(name + (task == null ? "" : " " + task) + " attempt " + first.attempts + ": exit " + exit
                        + ": " + firstLine(kept));
            }
        });
        if (exit == ExitCodes.OK) {
            return true;
        }
        if (exit == ExitCodes.BAD_INPUT) {
            return false;
        }
        throw new StageFailedException(name + (task == null ? "" : " " + task) + " failed (exit " + exit + "): "
                + firstLine(kept));
    }

    /** The run's record of this stage, for TASK (or none) (a retry, or a stage that waited, goes on in the same record). */
    private static RunRecord.Stage stageOf(RunRecord run, String name, String task) {
        RunRecord.Stage stage = run.stages.stream().filter(s -> s.stage.equals(name) && Objects.equals(s.task, task))
                .findFirst().orElse(null);
        if (stage == null) {
            stage = new RunRecord.Stage();
            stage.stage = name;
            stage.task = task;
            run.stages.add(stage);
        }
        return stage;
    }

    /**
     * The Nextflow back-end: {@code nextflow/main.nf -profile local} with the reference and the align inputs
     * as its parameters (align's options mapped to the workflow's: --valid -> --holdout_valid, ...);
     * its outputs land in OUT (tokenize/ID/, align/ID/), its work folder, .nextflow.log and console log
     * beside OUT. The workflow always tokenizes the reference first; align runs when an annotation is given.
     * Exit 0 -> succeeded; a task that ended with exit 2 (bad input) -> rejected; anything else -> retried.
     */
    boolean nextflowStage(RunRecord run, String name, Path out, String reference, String id, List<String> alignArgs)
            throws Exception {
        Path dir = settings.nextflowDir().toAbsolutePath().normalize();
        Path home = out.resolveSibling(out.getFileName() + "-nextflow");
        List<String> cmd = new ArrayList<>(List.of(dir.resolve("nextflow.sh").toString(), "-log",
                home.resolve(".nextflow.log").toString(), "run", dir.resolve("main.nf").toString(), "-profile", "local",
                "-work-dir", home.resolve("work").toString(), "--reference", reference, "--id", id,
                "--outdir", out.toString()));
        cmd.addAll(nextflowParams(alignArgs));
        return runStage(run, name, null, out, cmd, err -> {
            FileTrees.delete(home);
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
        Map<String, List<String>> lists = new LinkedHashMap<>();
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

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static List<String> listFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(Path::toString).sorted().toList();
        }
    }

    /** A stage's internal error (exit 1): retried with back-off, then dead-lettered. */
    public static class StageFailedException extends RuntimeException {
        public StageFailedException(String message) {
            super(message);
        }
    }
}
