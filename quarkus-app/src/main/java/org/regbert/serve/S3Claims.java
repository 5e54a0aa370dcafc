package org.regbert.serve;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.jboss.logging.Logger;

/**
 * S3 objects claimed by the instances sharing the database (table {@code regbert_s3_claims}): the S3
 * route's idempotent repository when {@code regbert.serve.jdbc-url} is set. The rules:
 * <ul>
 * <li>an object version ({@code bucket/key@ETag}) is copied into the inbox of the one instance whose
 * {@code INSERT ... ON CONFLICT DO NOTHING} inserted its row (the claim; the row records the instance and
 * the inbox name);</li>
 * <li>the run made of that inbox file writes its id into the claim ({@link #attach}); the run's final
 * record settles it ({@code done}) in the same transaction ({@link JdbcRuns}); a copy that turns out to be
 * a duplicate of an input already handled settles it at once;</li>
 * <li>on start, an instance releases (deletes) its own unsettled claims whose copy is not complete in its
 * inbox (killed between the claim and the end of the copy: a {@code .uploading-} file is left, or nothing),
 * so the next poll of any instance claims the object again; a claim whose copy is in the inbox is kept, as
 * the inbox route takes that file again anyway.</li>
 * </ul>
 * Claims of other instances are never touched: a stopped instance's claims wait for its restart.
 */
@Singleton
public class S3Claims {
    private static final Logger LOG = Logger.getLogger(S3Claims.class);
    /** The S3 route's temporary name of a copy in progress (s3.camel.yaml: tempPrefix). */
    static final String COPY_PREFIX = ".uploading-";

    @Inject
    SharedDatabase database;
    @Inject
    ServeSettings settings;

    @PostConstruct
    void recover() {
        if (!database.enabled()) {
            return;
        }
        try (Stream<Path> files = Files.list(Files.createDirectories(settings.inbox()))) {
            for (Path partial : files.filter(p -> p.getFileName().toString().startsWith(COPY_PREFIX)).toList()) {
                Files.delete(partial);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the copies cut short in " + settings.inbox(), e);
        }
        int released = database.inTransaction(c -> {
            List<String> lost = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT key, inbox_name FROM regbert_s3_claims WHERE instance = ? AND NOT done FOR UPDATE")) {
                q.setString(1, database.instance());
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        String name = rs.getString(2);
                        if (name == null || !Files.isRegularFile(settings.inbox().resolve(name))) {
                            lost.add(rs.getString(1));
                        }
                    }
                }
            }
            try (PreparedStatement d = c.prepareStatement(
                    "DELETE FROM regbert_s3_claims WHERE key = ? AND instance = ? AND NOT done")) {
                for (String key : lost) {
                    d.setString(1, key);
                    d.setString(2, database.instance());
                    d.executeUpdate();
                }
            }
            return lost.size();
        });
        if (released > 0) {
            LOG.infof("released %d S3 claim(s) of this instance whose copy never reached the inbox", released);
        }
    }

    /** The S3 route's idempotent repository. */
    IdempotentRepository repository() {
        return new Repository();
    }

    /**
     * The inbox file NAME (in the inbox itself: S3 copies go nowhere else) becomes run RUN: its unsettled
     * claim notes the run; returns the object it came from ({@code s3://bucket/key}), or null when none.
     */
    String attach(String lane, String name, String run) {
        if (!database.enabled() || lane != null) {
            return null;
        }
        return database.inTransaction(c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE regbert_s3_claims SET run_id = ? WHERE instance = ?"
                    + " AND inbox_name = ? AND NOT done RETURNING key")) {
                u.setString(1, run);
                u.setString(2, database.instance());
                u.setString(3, name);
                try (ResultSet rs = u.executeQuery()) {
                    String key = rs.next() ? rs.getString(1) : null;
                    return key == null ? null : "s3://" + key.substring(0, key.lastIndexOf('@'));
                }
            }
        });
    }

    /**
     * The claim KEY ({@code bucket/key@ETag}, this instance's) notes its object's last-modified time: a
     * lane's runs of S3 objects go in that order across instances ({@link SharedLaneTurns}).
     */
    void noteLastModified(String key, java.util.Date lastModified) {
        if (!database.enabled() || lastModified == null) {
            return;
        }
        database.inTransaction(c -> {
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE regbert_s3_claims SET last_modified = ? WHERE key = ? AND instance = ?")) {
                u.setTimestamp(1, new java.sql.Timestamp(lastModified.getTime()));
                u.setString(2, key);
                u.setString(3, database.instance());
                return u.executeUpdate();
            }
        });
    }

    /** The inbox file NAME was a duplicate of an input already handled: its claim is settled, no run. */
    void settleDuplicate(String lane, String name) {
        if (!database.enabled() || lane != null) {
            return;
        }
        database.update("UPDATE regbert_s3_claims SET done = true WHERE instance = ? AND inbox_name = ? AND NOT done",
                database.instance(), name);
    }

    /** In the transaction of RUN's final record: the claim it came from is settled. */
    static void settle(Connection c, String run) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE regbert_s3_claims SET done = true WHERE run_id = ?")) {
            u.setString(1, run);
            u.executeUpdate();
        }
    }

    /**
     * The inbox name of a claim key {@code bucket/key@ETag} (the S3 route's expression; a bucket name has
     * no '/', an ETag no '@'): the key's safe file name ({@link Admission#fromS3}).
     */
    static String inboxName(String claim) {
        int slash = claim.indexOf('/');
        int at = claim.lastIndexOf('@');
        return slash < 0 || at <= slash ? null : SafeNames.fileName(claim.substring(slash + 1, at));
    }

    /** Camel's view: add = claim (true only for the one instance whose row went in). */
    private final class Repository extends ServiceSupport implements IdempotentRepository {
        @Override
        public boolean add(String key) {
            return database.update("INSERT INTO regbert_s3_claims (key, instance, inbox_name) VALUES (?, ?, ?)"
                    + " ON CONFLICT (key) DO NOTHING", key, database.instance(), inboxName(key)) == 1;
        }

        @Override
        public boolean contains(String key) {
            return database.exists("SELECT 1 FROM regbert_s3_claims WHERE key = ?", key);
        }

        /** The copy failed (Camel removes the key of a failed exchange): the claim is released. */
        @Override
        public boolean remove(String key) {
            return database.update("DELETE FROM regbert_s3_claims WHERE key = ? AND instance = ? AND NOT done", key,
                    database.instance()) == 1;
        }

        @Override
        public boolean confirm(String key) {
            return true;
        }

        /** Releases this instance's unsettled claims (others' are theirs). */
        @Override
        public void clear() {
            database.update("DELETE FROM regbert_s3_claims WHERE instance = ? AND NOT done", database.instance());
        }
    }
}
