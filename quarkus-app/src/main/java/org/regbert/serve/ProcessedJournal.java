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
import java.util.HashSet;
import java.util.Set;

/**
 * The idempotent repository of inputs already handled, keyed by {@code name + ":" + sha256 of the bytes}:
 * an append-only text file ({@code state/processed.keys}), one key a line, forced to disk. A plain file
 * because the service is one process on one machine: no database to run, readable with {@code grep},
 * survives restarts. A key is written only when an input reached a final outcome (succeeded, rejected,
 * ignored); a crash mid-run leaves it out, so that input runs again on restart (stage outputs are staged,
 * so a second run is safe) -- at least once, and never twice once finished.
 */
@ApplicationScoped
public class ProcessedJournal {
    @Inject
    ServeSettings settings;

    private final Set<String> keys = new HashSet<>();
    private Path file;

    @PostConstruct
    void load() {
        file = settings.state().resolve("processed.keys");
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

    public synchronized boolean contains(String key) {
        return keys.contains(key);
    }

    public synchronized void add(String key) {
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
}
