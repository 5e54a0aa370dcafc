package org.regbert.serve;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL database several instances share ({@code regbert.serve.jdbc-url}; unset: none, and
 * every store keeps its files under {@code state/}), and this instance's id ({@code state/instance.id},
 * made once per root): claims and run records carry it, so a restarted instance finds its own unfinished
 * work and leaves the others' alone. Plain JDBC, a connection per unit of work: the service writes a few
 * rows per run, and a connection pool would be one more thing to keep alive across a database restart.
 */
@ApplicationScoped
public class SharedDatabase {
    /** The tables, made when missing; an advisory lock serialises two instances starting at once. */
    private static final String[] SCHEMA = {
        "SELECT pg_advisory_xact_lock(7345120)",
        // run records: the JSON of RunRecord; status/finished copied out for queries; seq keeps creation order
        "CREATE TABLE IF NOT EXISTS regbert_runs (id text PRIMARY KEY, seq bigserial, instance text NOT NULL,"
                + " status text, finished text, record text NOT NULL)",
        // inputs handled (ProcessedJournal.key), written with the run's final record in one transaction
        "CREATE TABLE IF NOT EXISTS regbert_processed (key text PRIMARY KEY, run_id text, instance text NOT NULL)",
        // S3 objects (bucket/key@ETag) claimed by an instance; done once a run of it reached a final outcome
        "CREATE TABLE IF NOT EXISTS regbert_s3_claims (key text PRIMARY KEY, instance text NOT NULL,"
                + " inbox_name text, run_id text, done boolean NOT NULL DEFAULT false)",
        // the object's last-modified time: the order of a lane's runs across instances (SharedLaneTurns)
        "ALTER TABLE regbert_s3_claims ADD COLUMN IF NOT EXISTS last_modified timestamptz",
        // each reference's state (ReferenceState's JSON) and each lane's current reference ('' = the inbox);
        // a NULL value only inside the transaction that made the row to lock it (JdbcReferences)
        "CREATE TABLE IF NOT EXISTS regbert_references (id text PRIMARY KEY, state text)",
        "CREATE TABLE IF NOT EXISTS regbert_current_references (lane text PRIMARY KEY, reference_id text)",
        // open transactions' changes, one row per change (kind: reference or current; the row's value before
        // and after it; null: no row), undone latest first by a rollback
        "CREATE TABLE IF NOT EXISTS regbert_reference_undo (step bigserial PRIMARY KEY, tx text NOT NULL,"
                + " kind text NOT NULL, key text NOT NULL, instance text NOT NULL, before text, after text)",
        "CREATE INDEX IF NOT EXISTS regbert_reference_undo_tx ON regbert_reference_undo (tx)",
        // other runs' records an open transaction's chain changed (a waiting VCF scored there), as they were
        // before: a rollback journals them again
        "CREATE TABLE IF NOT EXISTS regbert_record_undo (tx text NOT NULL, id text NOT NULL, instance text NOT NULL,"
                + " record text NOT NULL, PRIMARY KEY (tx, id))",
        // ENCODE metadata tables recorded by any instance, in the order they were recorded (SharedMetadata)
        "CREATE TABLE IF NOT EXISTS regbert_metadata (name text PRIMARY KEY, seq bigserial, tsv bytea NOT NULL)",
    };

    @Inject
    ServeSettings settings;

    private PGSimpleDataSource source;
    private String instance;

    @PostConstruct
    void open() {
        instance = instanceId(settings.state());
        if (settings.jdbcUrl().isEmpty()) {
            return;
        }
        source = new PGSimpleDataSource();
        source.setUrl(settings.jdbcUrl().get());
        settings.jdbcUser().ifPresent(source::setUser);
        settings.jdbcPassword().ifPresent(source::setPassword);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : SCHEMA) {
                s.execute(sql);
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("regbert.serve.jdbc-url: cannot use " + settings.jdbcUrl().get() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Whether the state lives in PostgreSQL ({@code regbert.serve.jdbc-url} set). */
    public boolean enabled() {
        return source != null;
    }

    /** This instance's id (state/instance.id under its root). */
    public String instance() {
        return instance;
    }

    Connection connect() throws SQLException {
        return source.getConnection();
    }

    /** Work done in one transaction: all of it or none (rolled back on any exception). */
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    <T> T inTransaction(Work<T> work) {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("shared database: " + e.getMessage(), e);
        }
    }

    /** SQL with string parameters ARGS, in a transaction of its own; the rows it changed. */
    int update(String sql, String... args) {
        return inTransaction(c -> {
            try (PreparedStatement u = prepare(c, sql, args)) {
                return u.executeUpdate();
            }
        });
    }

    /** Whether the query SQL with string parameters ARGS finds a row. */
    boolean exists(String sql, String... args) {
        return inTransaction(c -> {
            try (PreparedStatement q = prepare(c, sql, args); ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        });
    }

    /** SQL prepared on C with ARGS as its string parameters, in order. */
    static PreparedStatement prepare(Connection c, String sql, String... args) throws SQLException {
        PreparedStatement statement = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            statement.setString(i + 1, args[i]);
        }
        return statement;
    }

    /** The instance id kept under STATE, made (a random UUID, written atomically) on first use. */
    static String instanceId(Path state) {
        Path file = state.resolve("instance.id");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(state);
                Path tmp = state.resolve(".instance.id.tmp");
                Files.writeString(tmp, UUID.randomUUID() + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the instance id " + file, e);
        }
    }
}
