package org.regbert.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.regbert.common.FileTrees;

/**
 * The before-images that make a run's changes to the service state one transaction
 * ({@code state/undo/TX/}, TX the id of the inbox run whose chain makes the changes). Before a state
 * file (a reference's {@code state.json}, the {@code current-shards} pointer) is first changed in a
 * transaction, its content, or its absence, is kept here; the run's end deletes the images (commit),
 * a failed run or a restart after a kill puts them back (rollback). So a kill anywhere in a chain
 * leaves the state as it was before the run, and the rerun of its input reaches the state an
 * uninterrupted run would have reached (the interrupted run's epigenome is not registered twice).
 *
 * <p>A chain may also change the run record of another run: a VCF that waited for a model is scored,
 * and gets its outcome, in the chain of the labels run whose fine-tuning made the model. That record
 * is part of the transaction too: its last state before the chain first touched it is kept under
 * {@code records/} and a rollback hands it back to be journalled again, so the VCF waits again (its
 * pending entry in the reference's state is put back with the state file) and the rerun scores it
 * once, instead of a record that says "scored" by a model the rolled-back state no longer has.
 *
 * <p>Every step is crash-safe: an image is written under a temporary name and renamed into place,
 * a rollback restores by rename too and deletes the images last, so a rollback cut short is simply
 * done again on the next start.
 */
final class ReferenceUndo {
    private static final String ABSENT = ".absent";
    private static final String TMP = ".tmp";
    /** The sub-folder of a transaction's images that holds run records (ID.json), not state files. */
    private static final String RECORDS = "records";

    private ReferenceUndo() {
    }

    static Path dir(Path state, String transaction) {
        return state.resolve("undo").resolve(SafeNames.token(transaction));
    }

    /** Keeps FILE's content (or that it does not exist) as it was before the transaction's first change to it. */
    static void remember(Path state, String transaction, Path file) throws IOException {
        Path dir = Files.createDirectories(dir(state, transaction));
        String name = state.relativize(file).toString().replace('/', '#');
        Path image = dir.resolve(name);
        if (Files.exists(image) || Files.exists(dir.resolve(name + ABSENT))) {
            return;
        }
        if (Files.exists(file)) {
            Path tmp = dir.resolve(name + TMP);
            Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, image, StandardCopyOption.ATOMIC_MOVE);
        } else {
            Files.createFile(dir.resolve(name + ABSENT));
        }
    }

    /**
     * Keeps the JSON of run record ID (another run's than the transaction's own) as it was before the
     * transaction's first change to it; later calls for the same record keep the first image.
     */
    static void rememberRecord(Path state, String transaction, String id, byte[] json) throws IOException {
        Path dir = Files.createDirectories(dir(state, transaction).resolve(RECORDS));
        Path image = dir.resolve(SafeNames.token(id) + ".json");
        if (Files.exists(image)) {
            return;
        }
        Path tmp = dir.resolve(image.getFileName() + TMP);
        Files.write(tmp, json);
        Files.move(tmp, image, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The transaction's changes stand: its images go. */
    static void commit(Path state, String transaction) throws IOException {
        FileTrees.delete(dir(state, transaction));
    }

    /**
     * Every file the transaction changed is put back as it was before (or deleted, if it did not exist),
     * for a transaction that changed no other run's record (a caller that cannot journal records must not
     * drop them: it fails before changing anything).
     */
    static void rollback(Path state, String transaction) throws IOException {
        rollback(state, transaction, json -> {
            throw new IllegalStateException("transaction " + transaction + " changed other runs' records");
        });
    }

    /**
     * Every file the transaction changed is put back as it was before (or deleted, if it did not exist),
     * and each other run's record it changed is handed to RECORDS (its JSON before the change) to be
     * journalled again; the images go last, so a rollback cut short is done again.
     */
    static void rollback(Path state, String transaction, Consumer<byte[]> records) throws IOException {
        Path dir = dir(state, transaction);
        if (!Files.isDirectory(dir)) {
            return;
        }
        Path recordImages = dir.resolve(RECORDS);
        if (Files.isDirectory(recordImages)) {
            try (Stream<Path> images = Files.list(recordImages)) {
                for (Path image : images.sorted().toList()) {
                    if (!image.getFileName().toString().endsWith(TMP)) {  // a cut image: the record was not changed after it
                        records.accept(Files.readAllBytes(image));
                    }
                }
            }
        }
        try (Stream<Path> images = Files.list(dir)) {
            for (Path image : images.sorted().toList()) {
                String name = image.getFileName().toString();
                if (name.endsWith(TMP) || name.equals(RECORDS)) {
                    continue;  // an image cut by a crash: the file was not changed after it
                }
                boolean absent = name.endsWith(ABSENT);
                Path file = state.resolve((absent ? name.substring(0, name.length() - ABSENT.length()) : name)
                        .replace('#', '/'));
                if (absent) {
                    Files.deleteIfExists(file);
                } else {
                    Path tmp = file.resolveSibling("." + file.getFileName() + ".undo" + TMP);
                    Files.copy(image, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
        FileTrees.delete(dir);
    }

    /** Transactions with images: open when the service stopped (or a commit was cut short). */
    static List<String> open(Path state) {
        Path undo = state.resolve("undo");
        if (!Files.isDirectory(undo)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(undo)) {
            return new ArrayList<>(dirs.map(p -> p.getFileName().toString()).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + undo, e);
        }
    }
}
