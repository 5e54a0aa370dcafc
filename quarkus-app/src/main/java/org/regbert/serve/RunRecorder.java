package org.regbert.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

/**
 * The run records as the routes see them (bean {@code runs}): the run of an exchange (header
 * {@code regbertRunId}), its deliveries, the "waiting" notes, and its outcome with its provenance.
 * Headers it reads: {@code regbertRunId}; {@code regbertWaitingStage} and {@code regbertWaitingFor}
 * ({@link #waiting}); {@code regbertRefusal} ({@link #refuse}); {@code regbertCause} ({@link #noteInCause}).
 */
@ApplicationScoped
@Named("runs")
@Unremovable
public class RunRecorder {
    private static final Logger LOG = Logger.getLogger(RunRecorder.class);

    @Inject
    ServeSettings settings;
    @Inject
    RunJournal journal;
    @Inject
    References references;
    @Inject
    MeterRegistry meters;
    @Inject
    ObjectMapper mapper;

    /** Header: the transaction the chain's reference-state changes belong to (the inbox run's id). */
    static final String TRANSACTION = "regbertTransaction";

    /** The exchange's transaction ({@link ReferenceUndo}): the inbox run whose chain this is. */
    static String transaction(Exchange exchange) {
        String tx = exchange.getMessage().getHeader(TRANSACTION, String.class);
        return tx != null ? tx : exchange.getMessage().getHeader("regbertRunId", String.class);
    }

    /** The exchange's run record. */
    RunRecord run(Exchange exchange) {
        String id = exchange.getMessage().getHeader("regbertRunId", String.class);
        RunRecord run = id == null ? null : journal.get(id);
        if (run == null) {
            throw new IllegalStateException("no run record " + id);
        }
        return run;
    }

    /**
     * The exchange's run record, its deliveries counted: 1 + the redeliveries of the step now running
     * (Camel retries the step that failed, not the route), so a step retried three times makes 4.
     */
    RunRecord attempt(Exchange exchange) {
        RunRecord run = run(exchange);
        String transaction = transaction(exchange);
        if (transaction != null && !transaction.equals(run.id)) {
            // another run's record changed in this chain (a waiting VCF scored): it belongs to the
            // transaction, so a kill or a failure before the chain's end puts it back (ReferenceUndo)
            try {
                references.rememberRecord(transaction, run);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot keep the record of run " + run.id + " for transaction "
                        + transaction, e);
            }
        }
        int delivery = 1 + exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        if (delivery > run.attempts) {
            run = journal.update(run.id, r -> r.attempts = Math.max(r.attempts, delivery));
        }
        return run;
    }

    /**
     * Applies CHANGE to the latest state of RUN's record and journals it (the tasks of one run change its
     * record side by side: see {@link RunJournal#update}); the new state.
     */
    RunRecord update(RunRecord run, java.util.function.Consumer<RunRecord> change) {
        return journal.update(run.id, change);
    }

    /**
     * The "stage finished" event's headers: {@code regbertStage} (tokenize, align, pretrain, finetune,
     * evaluate, score), {@code regbertStageStatus} (succeeded, rejected, waiting) and
     * {@code regbertReference} (the run's reference); the routes chain on them.
     */
    static void finished(Exchange exchange, RunRecord run, String stage, String status) {
        exchange.getMessage().setHeader("regbertStage", stage);
        exchange.getMessage().setHeader("regbertStageStatus", status);
        exchange.getMessage().setHeader("regbertReference", run.reference);
    }

    static void finished(Exchange exchange, RunRecord run, String stage, boolean ok) {
        finished(exchange, run, stage, ok ? "succeeded" : "rejected");
    }

    /** The run's outcome when it succeeds: set by the stage the run was made for (its first), not by those it led to. */
    void summary(RunRecord run, String stage, String text) {
        journal.update(run.id, r -> {
            if (!r.stages.isEmpty() && r.stages.get(0).stage.equals(stage)) {
                r.reason = text;
            }
        });
    }

    /** A stage that cannot run until another input arrives: header regbertWaitingStage, the reason regbertWaitingFor. */
    public void waiting(Exchange exchange) {
        waiting(run(exchange), exchange.getMessage().getHeader("regbertWaitingStage", String.class),
                exchange.getMessage().getHeader("regbertWaitingFor", String.class));
    }

    void waiting(RunRecord run, String name, String why) {
        journal.update(run.id, r -> {
            r.stages.removeIf(s -> s.stage.equals(name) && "waiting".equals(s.status));
            RunRecord.Stage stage = new RunRecord.Stage();
            stage.stage = name;
            stage.status = "waiting";
            stage.message = why;
            r.stages.add(stage);
        });
    }

    /**
     * An input that cannot run yet (header regbertRefusal says why, e.g. no reference yet): rejected and
     * not journalled as processed, so the same file dropped again later runs.
     */
    public void refuse(Exchange exchange) {
        finish(run(exchange), "rejected", exchange.getMessage().getHeader("regbertRefusal", String.class), false);
    }

    /**
     * The run's outcome from its stages: rejected when one was (its reason the stage's message), waiting
     * when its own stage waits (a VCF before a model), otherwise succeeded. A run already final (refused,
     * dead-lettered) is left as it is; a waiting one is finished again once its stage has run.
     */
    public void finish(Exchange exchange) {
        RunRecord run = run(exchange);
        if ("failed".equals(run.status) && run.id.equals(transaction(exchange))) {
            // dead-lettered while other tasks of its chain went on: what they changed since goes too
            try {
                references.rollback(run.id, journal::restore);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot roll back the state changes of run " + run.id, e);
            }
        }
        if (run.finished != null && !"waiting".equals(run.status)) {
            return;
        }
        RunRecord.Stage rejected = run.stages.stream().filter(s -> "rejected".equals(s.status)).findFirst().orElse(null);
        if (rejected != null) {
            finish(run, "rejected", rejected == run.stages.get(0) ? rejected.message
                    : rejected.stage + ": " + rejected.message, true);
        } else if (!run.stages.isEmpty() && "waiting".equals(run.stages.get(0).status)) {
            finish(run, "waiting", run.reason, true);
        } else {
            finish(run, "succeeded", run.reason, true);
        }
    }

    /**
     * In the run that caused it (header regbertCause), a note that the exchange's run (a VCF that waited
     * for a model) has had its stage: the stage's outcome and outputs, the details in its own record.
     */
    public void noteInCause(Exchange exchange) {
        RunRecord done = run(exchange);
        RunRecord cause = journal.get(exchange.getMessage().getHeader("regbertCause", String.class));
        if (cause == null || done.stages.isEmpty()) {
            return;
        }
        RunRecord.Stage last = done.stages.get(done.stages.size() - 1);
        RunRecord.Stage note = new RunRecord.Stage();
        note.stage = last.stage;
        note.status = last.status;
        note.outputs = last.outputs;
        note.output = last.output;
        note.message = last.stage + " " + last.status + ": " + done.inputs.get(0).name + ", waiting since run "
                + done.id + " (its run record has the details)";
        journal.update(cause.id, c -> c.stages.add(note));  // the cause's tasks may be recording their stages now
    }

    /**
     * Claims the waiting VCF of the exchange's run (header regbertRunId) for scoring in this chain: takes
     * it out of its reference's pending VCFs, in one change of the reference's state, and sets header
     * {@code regbertClaimed}. Two chains (two tasks' evaluate finishing together) may list the same VCF;
     * only the one whose change took it out scores it, so it is scored once. The change belongs to the
     * chain's transaction: a failed chain puts the VCF back to wait.
     */
    public void claimWaiting(Exchange exchange) throws IOException {
        RunRecord vcf = run(exchange);
        boolean[] claimed = {false};
        if ("waiting".equals(vcf.status) && vcf.reference != null) {
            references.update(transaction(exchange), vcf.reference,
                    r -> claimed[0] = r.pendingVcfs.removeIf(p -> p.runId.equals(vcf.id)));
        }
        exchange.getMessage().setHeader("regbertClaimed", claimed[0]);
    }

    /** Records the outcome; journalled as processed (the same bytes are not run again) unless it must run again. */
    void finish(RunRecord run, String status, String reason, boolean processedNow) {
        String finished = Instant.now().toString();
        java.util.function.Consumer<RunRecord> outcome = r -> {
            r.status = status;
            r.reason = reason;
            r.finished = finished;
        };
        RunRecord done = journal.snapshot(run.id);
        done = done == null ? run : done;
        outcome.accept(done);  // a copy of the latest record, finished: its provenance (out of the journal's lock)
        provenance(done);  // before the record says finished: whoever sees it finished finds its provenance
        journal.finish(run.id, outcome, processedNow
                ? ProcessedJournal.key(run.lane, run.inputs.get(0).name, run.inputs.get(0).sha256) : null);
        try {
            references.commit(run.id);  // after the record: a kill before this commits on restart (RunJournal)
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot commit the state changes of run " + run.id, e);
        }
        meters.counter("regbert.runs", "status", status).increment();
        LOG.infof("run %s (%s): %s: %s", run.id, run.inputs.get(0).name, status, reason);
    }

    /** runs/ID/provenance.json: the run record, the service and Java versions, the settings, the reference state. */
    private void provenance(RunRecord run) {
        try {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("run", run);
            p.put("service", "regbert-service " + org.regbert.common.ToolVersion.get());
            p.put("java", System.getProperty("java.version"));
            p.put("backend", settings.backend());
            Map<String, Object> conf = new LinkedHashMap<>();
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
                p.put("reference", references.load(run.reference));
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
}
