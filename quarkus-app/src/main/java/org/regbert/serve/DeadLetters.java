package org.regbert.serve;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

/** After the retries (bean {@code deadLetters}): the input and its error go to the dead-letter folder; nothing is dropped. */
@ApplicationScoped
@Named("deadLetters")
@Unremovable
public class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    @Inject
    ServeSettings settings;
    @Inject
    RunJournal journal;
    @Inject
    MeterRegistry meters;
    @Inject
    References references;

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
        String transaction = RunRecorder.transaction(exchange);
        if (transaction != null) {
            // a failed chain leaves the state, and the records of the waiting VCFs it scored, as before its input
            references.rollback(transaction, journal::restore);
        }
        if (run != null) {
            // the latest record (the rollback may have journalled it again; other tasks of its run record theirs)
            journal.update(run.id, r -> {
                r.errors.add(message + " (after " + r.attempts + " attempts)");
                r.status = "failed";
                r.reason = "failed after retries; input and error in " + settings.deadLetter().resolve(stem);
                r.finished = Instant.now().toString();
            });
            meters.counter("regbert.runs", "status", "failed").increment();
        }
        LOG.errorf("%s: dead-lettered: %s", name, message);
    }
}
