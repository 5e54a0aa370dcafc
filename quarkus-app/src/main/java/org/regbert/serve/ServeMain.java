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
 * {@code regbert serve} (the default): run the routes until stopped. {@code regbert demo}: drop a slice
 * of the kit's hg19 chr20, its DHSs, RefSeq TSSs and GWAS SNPs (as a VCF) into the inbox, wait for
 * their runs through tokenize, align, pretrain, finetune, evaluate and score, print them and where the
 * report and the scored VCF are, exit (0 when every run succeeded).
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
    /** The demo's slice of hg19 chr20, in Mb from its start (the chain in minutes on 2 cores). */
    @ConfigProperty(name = "regbert.demo.slice-mb", defaultValue = "5")
    int demoSliceMb;

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
            case "demo" -> {
                return demo();
            }
            default -> {
                System.err.println("regbert: unknown mode '" + mode + "' (serve, demo)");
                return 2;
            }
        }
    }

    /**
     * The kit's real data, cut to a slice of hg19 chr20 so the whole chain runs in minutes on 2 cores:
     * the slice as a FASTA (contig '20', as in the kit), the UW DHS master list, RefSeq TSSs and the GWAS
     * catalog SNPs inside it (the SNPs as a VCF: REF from the reference, ALT its transition). Each is
     * dropped in turn and its run awaited; the chain is tokenize -> align -> pretrain -> (labels) align ->
     * finetune -> evaluate -> score.
     */
    private int demo() throws IOException, InterruptedException {
        long started = System.nanoTime();
        Path fasta = data.resolve("genome/hg19.chr20.fa.gz");
        Path dhs = data.resolve("accessibility/uw-dhs-master.hg19.bed.gz");
        Path tss = data.resolve("chromhmm/coords-hg19/RefSeqTSS.hg19.bed.gz");
        Path gwas = data.resolve("variants/gwas-snps.hg19.bed.gz");
        for (Path p : List.of(fasta, dhs, tss, gwas)) {
            if (!Files.isRegularFile(p)) {
                System.err.println("regbert demo: the data kit is missing: " + p + " (set -Dregbert.data)");
                return 2;
            }
        }
        int end = demoSliceMb * 1_000_000;
        String tag = "chr20-" + demoSliceMb + "mb";
        Path kit = Files.createDirectories(settings.root().resolve("kit"));
        System.err.println("regbert demo: real data from " + data + " (hg19 chr20:0-" + end + "), outputs under "
                + settings.root().toAbsolutePath());
        List<Path> drops = List.of(
                DemoKit.fastaSlice(fasta, "20", end, kit.resolve("hg19." + tag + ".fa")),
                DemoKit.bedSlice(dhs, "chr20", end, kit.resolve("uw-dhs.hg19." + tag + ".bed")),
                DemoKit.bedSlice(tss, "chr20", end, kit.resolve("RefSeqTSS.hg19." + tag + ".bed")),
                DemoKit.gwasVcf(gwas, "chr20", end, fasta,
                        kit.resolve("gwas-snps.hg19." + tag + ".vcf")));
        boolean ok = true;
        String report = null;
        String scored = null;
        for (Path p : drops) {
            RunRecord run = dropAndWait(p);
            System.err.printf("== %s: %s (%s)%n", p.getFileName(), run.status, run.reason);
            for (RunRecord.Stage s : run.stages) {
                String where = s.output == null || !s.status.equals("succeeded") ? "" : " -> " + s.output;
                System.err.printf("   %-9s %s%s%n", s.stage, s.status, s.status.equals("waiting") ? ": " + s.message : where);
                for (String o : s.outputs) {
                    if (s.stage.equals("evaluate") && o.endsWith("report.html")) {
                        report = o;
                    }
                    if (s.stage.equals("score") && o.endsWith(".scored.vcf")) {
                        scored = o;
                    }
                }
            }
            ok &= run.status.equals("succeeded");
        }
        System.err.println("regbert demo: " + (ok ? "done" : "FAILED") + " in "
                + Math.round((System.nanoTime() - started) / 1e9) + " s");
        System.err.println("  runs (outputs, provenance.json each): " + settings.outputs().toAbsolutePath());
        System.err.println("  run records:     " + settings.state().resolve("runs.jsonl").toAbsolutePath());
        System.err.println("  evaluate report: " + (report != null ? report : "(none)"));
        System.err.println("  scored VCF:      " + (scored != null ? scored : "(none)"));
        System.err.println("  (the demo pre-trains for " + settings.pretrainMinutes() + " min and fine-tunes for "
                + settings.finetuneMinutes() + " min: enough to show the chain, not to learn; `regbert serve`"
                + " defaults to 10 and 2, and tiny EBERT needs about 10 minutes on 2 cores to reach ~1.4 nats of"
                + " held-out MLM: -Dregbert.serve.pretrain-minutes=10)");
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
