package org.regbert.serve;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ENCODE metadata tables every instance has recorded, with a shared database (table
 * {@code regbert_metadata}: name, bytes, the order they were recorded in), so that an ENCFF file taken by
 * one instance is routed by a metadata.tsv another instance took. Each instance keeps a copy of every
 * table under its {@code state/metadata/} (what align's parser reads) and adds the tables it has not seen
 * yet to its catalog before classifying an input. Without a database: nothing to do, the tables are the
 * instance's files.
 */
@ApplicationScoped
public class SharedMetadata {
    @Inject
    SharedDatabase database;
    @Inject
    ServeSettings settings;

    /** The tables already in this instance's catalog. */
    private final Set<String> seen = new HashSet<>();

    private boolean shared() {
        return database != null && database.enabled();
    }

    /** A table this instance recorded (kept as TSV under state/metadata, read without error) is shared. */
    synchronized void publish(Path tsv) throws IOException {
        if (!shared()) {
            return;
        }
        String name = tsv.getFileName().toString();
        byte[] bytes = Files.readAllBytes(tsv);
        database.inTransaction(c -> {
            try (PreparedStatement i = c.prepareStatement(
                    "INSERT INTO regbert_metadata (name, tsv) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
                i.setString(1, name);
                i.setBytes(2, bytes);
                return i.executeUpdate();
            }
        });
        seen.add(name);
    }

    /** The tables other instances recorded since the last look are copied here and read into CATALOG, oldest first. */
    synchronized void pull(MetadataCatalog catalog) {
        if (!shared()) {
            return;
        }
        List<String> names = database.inTransaction(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT name FROM regbert_metadata ORDER BY seq");
                    ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
        for (String name : names) {
            if (seen.contains(name)) {
                continue;
            }
            Path local = SafeNames.inside(settings.state().resolve("metadata"), SafeNames.fileName(name));
            try {
                if (!Files.exists(local)) {
                    Files.createDirectories(local.getParent());
                    byte[] bytes = database.inTransaction(c -> {
                        try (PreparedStatement q = SharedDatabase.prepare(c,
                                "SELECT tsv FROM regbert_metadata WHERE name = ?", name); ResultSet rs = q.executeQuery()) {
                            rs.next();
                            return rs.getBytes(1);
                        }
                    });
                    Path tmp = local.resolveSibling("." + local.getFileName() + ".tmp");
                    Files.write(tmp, bytes);
                    Files.move(tmp, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy the shared metadata table " + name + " to " + local, e);
            }
            catalog.read(local);  // checked when it was recorded
            seen.add(name);
        }
    }
}
