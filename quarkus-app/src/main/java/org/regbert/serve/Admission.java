package org.regbert.serve;

import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.jboss.logging.Logger;
import org.regbert.common.BadInputException;

/**
 * What comes in (bean {@code admission}): an S3 object's safe inbox name, then for every file its
 * checksum, de-duplication against the processed journal, a run record and its kind; and the outcomes
 * that need no stage (a metadata table recorded, a file rejected or ignored). Headers it sets for the
 * routes: {@code regbertDuplicate}, {@code regbertRunId}, {@code regbertTransaction} (the run id too:
 * the chain's state changes are one transaction), {@code regbertKind} (reference, states, peaks,
 * labels, variants, metadata, rejected, ignored), {@code regbertLane} (the inbox sub-folder: {@link Lanes}),
 * {@code regbertCellType}, {@code regbertTask}.
 */
@ApplicationScoped
@Startup
@Named("admission")
@Unremovable
public class Admission {
    private static final Logger LOG = Logger.getLogger(Admission.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    @Inject
    ServeSettings settings;
    @Inject
    RunJournal journal;
    @Inject
    ProcessedJournal processed;
    @Inject
    RunRecorder runs;
    @Inject
    S3Claims claims;
    @Inject
    SharedMetadata sharedMetadata;

    private final MetadataCatalog metadata = new MetadataCatalog();
    /** S3 objects on their way into the inbox: safe name -> s3://bucket/key, the run's trigger. */
    private final Map<String, String> origins = new ConcurrentHashMap<>();

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
            sharedMetadata.pull(metadata);  // with a shared database: the tables other instances recorded
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An S3 object becomes an inbox file under a safe name; the run remembers where it came from. */
    public void fromS3(Exchange exchange) {
        String bucket = exchange.getMessage().getHeader("CamelAwsS3BucketName", String.class);
        String key = exchange.getMessage().getHeader("CamelAwsS3Key", String.class);
        String safe = SafeNames.fileName(key);
        exchange.getMessage().setHeader(Exchange.FILE_NAME, safe);
        origins.put(safe, "s3://" + bucket + "/" + key);
        // the object's time orders the lane's runs across instances: noted on the claim, kept by the copy
        java.util.Date modified = exchange.getMessage().getHeader("CamelAwsS3LastModified", java.util.Date.class);
        claims.noteLastModified(bucket + "/" + key + "@" + exchange.getMessage().getHeader("CamelAwsS3ETag", String.class),
                modified);
        if (modified != null) {
            exchange.getMessage().setHeader(Exchange.FILE_LAST_MODIFIED, modified.getTime());
        }
    }

    public void admit(Exchange exchange) throws IOException {
        Path source = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class));
        String name = SafeNames.fileName(exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class));
        // inbox/NAME/file: reference lane NAME (its own current reference, run beside the other lanes)
        String lane = Lanes.laneOf(exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class));
        String[] sum = sha256(source);
        String key = ProcessedJournal.key(lane, name, sum[0]);
        if (processed.contains(key)) {
            claims.settleDuplicate(lane, name);
            exchange.getMessage().setHeader("regbertDuplicate", true);
            LOG.infof("%s: the same bytes were handled before (%s); not run again", name, sum[0]);
            return;
        }
        exchange.getMessage().setHeader("regbertDuplicate", false);
        RunRecord run = new RunRecord();
        run.id = ID_TIME.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
        String origin = origins.remove(name);
        // the S3 claim this copy came from (shared database) notes the run; its origin survives a restart
        String claimed = claims.attach(lane, name, run.id);
        if (origin == null) {
            origin = claimed;
        }
        run.trigger = origin != null ? origin : "file:" + (lane == null ? settings.inbox() : settings.inbox().resolve(lane)).resolve(name);
        run.lane = lane;
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
        sharedMetadata.pull(metadata);
        Classifier.Decision decision = Classifier.classify(name, metadata, settings.assembly());
        run.kind = decision.kind().name().toLowerCase();
        run.reason = decision.reason();
        journal.save(run);
        exchange.getMessage().setHeader("regbertRunId", run.id);
        // the reference-state changes of this input's whole chain commit or roll back together
        exchange.getMessage().setHeader(RunRecorder.TRANSACTION, run.id);
        exchange.getMessage().setHeader("regbertKind", run.kind);
        exchange.getMessage().setHeader(Lanes.LANE, lane);
        exchange.getMessage().setHeader("regbertCellType", decision.cellType());
        exchange.getMessage().setHeader("regbertTask", decision.task());
    }

    /**
     * An ENCODE metadata.tsv: kept under state/metadata (and in the shared database, when set); later ENCFF
     * files are classified by it.
     */
    public void metadata(Exchange exchange) throws IOException {
        RunRecord run = runs.run(exchange);
        Path input = Path.of(run.inputs.get(0).path);
        Path kept = SafeNames.inside(settings.state().resolve("metadata"), run.id + "-metadata.tsv");
        Files.copy(input, kept, StandardCopyOption.REPLACE_EXISTING);
        try {
            int rows = metadata.read(kept);
            sharedMetadata.publish(kept);
            runs.finish(run, "recorded", "ENCODE metadata: " + rows + " files described", true);
        } catch (BadInputException bad) {
            Files.deleteIfExists(kept);
            runs.finish(run, "rejected", bad.getMessage(), true);
        }
    }

    public void ignore(Exchange exchange) {
        RunRecord run = runs.run(exchange);
        runs.finish(run, "ignored", run.reason, true);
    }

    public void reject(Exchange exchange) {
        RunRecord run = runs.run(exchange);
        runs.finish(run, "rejected", run.reason, true);
    }

    /** The file's SHA-256 (hex) and its size in bytes. */
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
}
