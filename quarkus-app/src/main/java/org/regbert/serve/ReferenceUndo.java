package org.regbert.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Every step is crash-safe: an image is written under a temporary name and renamed into place,
 * a rollback restores by rename too and deletes the images last, so a rollback cut short is simply
 * done again on the next start.
 */
final class ReferenceUndo {
    private static final String ABSENT = ".absent";
    private static final String TMP = ".tmp";

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

    /** The transaction's changes stand: its images go. */
    static void commit(Path state, String transaction) throws IOException {
        FileTrees.delete(dir(state, transaction));
    }

    /** Every file the transaction changed is put back as it was before (or deleted, if it did not exist). */
    static void rollback(Path state, String transaction) throws IOException {
        Path dir = dir(state, transaction);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> images = Files.list(dir)) {
            for (Path image : images.sorted().toList()) {
                String name = image.getFileName().toString();
                if (name.endsWith(TMP)) {
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
