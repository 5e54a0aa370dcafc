package org.regbert.serve;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/**
 * The idempotent repository of inputs already handled, keyed by {@code name + ":" + sha256 of the bytes}:
 * an append-only text file ({@code state/processed.keys}), one key a line, forced to disk. A plain file
 * because the service is one process on one machine: no database to run, readable with {@code grep},
 * survives restarts. A key is written only when an input reached a final outcome (succeeded, rejected,
 * ignored); a crash mid-run leaves it out, so that input runs again on restart (stage outputs are staged,
 * so a second run is safe) -- at least once, and never twice once finished. With
 * {@code regbert.serve.jdbc-url} the keys are rows of {@code regbert_processed} instead, shared by the
 * instances, written with the run's final record in one transaction ({@link RunJournal#finish}).
 */
@ApplicationScoped
public class ProcessedJournal {
    @Inject
    ServeSettings settings;
    /** The shared database: when set, the keys live there (table regbert_processed), not in the file. */
    @Inject
    SharedDatabase database;

    private final Set<String> keys = new HashSet<>();
    private Path file;

    @PostConstruct
    void load() {
        file = settings.state().resolve("processed.keys");
        if (shared()) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        keys.add(line.strip());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An input's key: its name (LANE/name in a reference lane: the same file may go to two references) and bytes. */
    public static String key(String lane, String name, String sha256) {
        return (lane == null ? "" : lane + "/") + name + ":" + sha256;
    }

    private boolean shared() {
        return database != null && database.enabled();
    }

    public synchronized boolean contains(String key) {
        if (shared()) {
            return database.exists("SELECT 1 FROM regbert_processed WHERE key = ?", key);
        }
        return keys.contains(key);
    }

    public synchronized void add(String key) {
        if (shared()) {
            database.inTransaction(c -> insert(c, key, null, database.instance()));
            return;
        }
        if (!keys.add(key)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap((key + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Journals KEY in the shared database (in the caller's transaction); true when it was new. */
    static boolean insert(Connection c, String key, String run, String instance) throws SQLException {
        try (PreparedStatement i = c.prepareStatement("INSERT INTO regbert_processed (key, run_id, instance)"
                + " VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING")) {
            i.setString(1, key);
            i.setString(2, run);
            i.setString(3, instance);
            return i.executeUpdate() == 1;
        }
    }
}
