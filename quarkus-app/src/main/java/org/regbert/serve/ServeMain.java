package org.regbert.serve;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.annotations.CommandLineArguments;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code regbert serve} (the default): run the routes until stopped. {@code regbert demo}: drop the kit's
 * hg19 chr20 and its UW DHS master list into the inbox, wait for their runs, print them, exit (0 when
 * both succeeded). Later stages are reported as not landed.
 */
@ApplicationScoped
public class ServeMain {
    @Inject
    @CommandLineArguments
    String[] args;
    @Inject
    ServeSettings settings;
    @Inject
    RunJournal journal;
    @ConfigProperty(name = "regbert.data", defaultValue = "../shared/data")
    Path data;

    /** Camel's own main runs the routes; a demo runs beside it and ends the process. */
    void onStart(@Observes StartupEvent event) {
        String mode = args == null || args.length == 0 ? "serve" : args[0];
        if (mode.equals("serve")) {
            System.err.println("regbert serve: watching " + settings.inbox().toAbsolutePath());
            return;
        }
        Thread t = new Thread(() -> {
            int code;
            try {
                code = run(args);
            } catch (Exception e) {
                e.printStackTrace();
                code = 1;
            }
            Quarkus.asyncExit(code);
        }, "regbert-" + mode);
        t.setDaemon(true);
        t.start();
    }

    int run(String... args) throws Exception {
        String mode = args.length > 0 ? args[0] : "serve";
        switch (mode) {
            case "-h", "--help", "help" -> {
                System.out.println("Usage: regbert serve | regbert demo\n"
                        + "  serve: watch " + settings.inbox() + " (and S3 when enabled) and run the stages;"
                        + " run records at http://127.0.0.1:<quarkus.http.port>/runs\n"
                        + "  demo:  the kit's hg19 chr20 and DHS master list through the pipeline, then exit\n"
                        + "Settings (-D or application.properties): regbert.serve.root, regbert.serve.workers,"
                        + " regbert.data, camel.main.routes-include-pattern, regbert.s3.*");
                return 0;
            }
            case "demo" -> {
                return demo();
            }
            default -> {
                System.err.println("regbert: unknown mode '" + mode + "' (serve, demo)");
                return 2;
            }
        }
    }

    private int demo() throws IOException, InterruptedException {
        Path fasta = data.resolve("genome/hg19.chr20.fa.gz");
        Path dhs = data.resolve("accessibility/uw-dhs-master.hg19.bed.gz");
        for (Path p : List.of(fasta, dhs)) {
            if (!Files.isRegularFile(p)) {
                System.err.println("regbert demo: the data kit is missing: " + p + " (set -Dregbert.data)");
                return 2;
            }
        }
        System.err.println("regbert demo: real data from " + data + ", outputs under " + settings.root().toAbsolutePath());
        boolean ok = true;
        for (Path p : List.of(fasta, dhs)) {
            RunRecord run = dropAndWait(p);
            System.err.printf("== %s: %s (%s)%n", p.getFileName(), run.status, run.reason);
            for (RunRecord.Stage s : run.stages) {
                System.err.printf("   %-9s %s%s%n", s.stage, s.status,
                        s.outputs.isEmpty() ? "" : " -> " + Path.of(s.outputs.get(0)).getParent());
            }
            ok &= run.status.equals("succeeded");
        }
        System.err.println("regbert demo: run records in " + settings.state().resolve("runs.jsonl"));
        return ok ? 0 : 1;
    }

    private RunRecord dropAndWait(Path file) throws IOException, InterruptedException {
        String name = file.getFileName().toString();
        int before = (int) journal.all().stream().filter(r -> r.inputs.get(0).name.equals(name)).count();
        Path tmp = settings.inbox().resolve(name + ".part");
        Files.createDirectories(settings.inbox());
        Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, settings.inbox().resolve(name), StandardCopyOption.ATOMIC_MOVE);
        while (true) {
            List<RunRecord> runs = journal.all().stream().filter(r -> r.inputs.get(0).name.equals(name)).toList();
            if (runs.size() > before && runs.get(runs.size() - 1).finished != null) {
                return runs.get(runs.size() - 1);
            }
            if (runs.size() == before && !Files.exists(settings.inbox().resolve(name))) {
                // handled before with the same bytes: show the earlier run
                Thread.sleep(500);
                if (journal.all().stream().filter(r -> r.inputs.get(0).name.equals(name)).count() == before
                        && before > 0) {
                    return runs.get(runs.size() - 1);
                }
            }
            Thread.sleep(250);
        }
    }
}
