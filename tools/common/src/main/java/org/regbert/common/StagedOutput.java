package org.regbert.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Output files are written under a hidden staging folder inside the output directory and moved
 * into place only when the whole run succeeded, so a failed run leaves nothing half-written and
 * a finished file is never replaced by accident. The output directory is claimed with an
 * {@link OutputLock} from {@link #open} to {@link #close}, so a second run given the same directory
 * is refused while this one writes it.
 */
public final class StagedOutput implements AutoCloseable {
    /** Names of staging folders start with it. */
    private static final String STAGING = ".regbert-staging-";
    /**
     * The list of a commit's files, written in the staging folder before the first move: a run killed
     * while it moved its files leaves it, and the next run of the output removes the files that list
     * names and the staging folder no longer holds (a half-published result), unless all were moved.
     */
    private static final String PUBLISHING = ".publishing";
    private final Path outputDir;
    private final Path stagingDir;
    private final boolean createdOutputDir;
    private final OutputLock lock;
    private final List<String> staged = new ArrayList<>();
    private boolean committed;
    private boolean closed;

    private StagedOutput(Path outputDir, Path stagingDir, boolean createdOutputDir, OutputLock lock) {
        this.outputDir = outputDir;
        this.stagingDir = stagingDir;
        this.createdOutputDir = createdOutputDir;
        this.lock = lock;
    }

    /**
     * Claims the output directory for this run, then opens (creating if needed) it and a staging
     * folder inside it.
     *
     * @throws BadInputException when the directory cannot be created or written, or another run is
     *         writing it
     */
    public static StagedOutput open(Path outputDir) {
        return open(outputDir, OutputLock.acquire(outputDir));
    }

    /**
     * Opens the output directory and a staging folder inside it for a run that holds {@code claim}
     * (released by {@link #close()}, or here when the directory cannot be opened).
     */
    public static StagedOutput open(Path outputDir, OutputLock claim) {
        OutputLock lock = claim;
        boolean created = false;
        try {
            if (Files.exists(outputDir) && !Files.isDirectory(outputDir)) {
                throw new BadInputException(outputDir, "output path exists and is not a directory");
            }
            created = !Files.exists(outputDir);
            Files.createDirectories(outputDir);
            if (!Files.isWritable(outputDir)) {
                throw new BadInputException(outputDir, "output directory is not writable");
            }
            // A run killed while it wrote (kill -9, power loss) left its staging folder; no other run can
            // be using one of this claim's, since this run holds the claim, so it goes, and a folder that
            // held nothing else counts as this run's to remove again if it fails. A claim on a file stem
            // (score: runs with other stems may write into the same folder meanwhile) stages in folders
            // named after the stem and removes only those: another stem's belongs to a running run.
            Path key = lock.key();
            String prefix = key.equals(outputDir.toRealPath()) ? STAGING : STAGING + key.getFileName() + "-";
            created |= removeStaleStaging(outputDir, prefix);
            Path staging = Files.createTempDirectory(outputDir, prefix);
            return new StagedOutput(outputDir, staging, created, lock);
        } catch (RuntimeException | IOException e) {
            if (created) {
                deleteIfEmpty(outputDir);
            }
            lock.close();
            throw refusal(outputDir, e);
        }
    }

    /** What a failure to create the folders becomes: the user's problem (exit 2) unless the disk is full. */
    private static RuntimeException refusal(Path outputDir, Exception e) {
        if (e instanceof RuntimeException runtime) {
            return runtime;
        }
        if (MachineFault.isDiskFull(e)) {
            return new UncheckedIOException("cannot create the staging folder in " + outputDir, (IOException) e);
        }
        if (e instanceof AccessDeniedException denied) {
            return new BadInputException(outputDir, "output directory is not writable (" + denied.getFile() + ")");
        }
        if (e instanceof FileAlreadyExistsException exists) {
            return new BadInputException(outputDir, "cannot create output directory: " + exists.getFile()
                    + " exists and is not a directory");
        }
        return new BadInputException(outputDir, -1, "output directory is not writable: cannot create it ("
                + e.getMessage() + ")", e);
    }

    /**
     * Deletes the staging folders in DIR named PREFIX (the whole folder's claim: every staging folder;
     * a stem's: PREFIX and createTempDirectory's digits); true when nothing else was there.
     */
    private static boolean removeStaleStaging(Path dir, String prefix) throws IOException {
        boolean wholeFolder = prefix.equals(STAGING);
        List<Path> stale = new ArrayList<>();
        boolean any;
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> all = entries.toList();
            any = !all.isEmpty();
            for (Path entry : all) {
                String name = entry.getFileName().toString();
                boolean ours = name.startsWith(prefix) && (wholeFolder || name.substring(prefix.length()).matches("\\d+"));
                if (ours && Files.isDirectory(entry)) {
                    stale.add(entry);
                }
            }
        }
        for (Path staging : stale) {
            removeHalfPublished(dir, staging);
            FileTrees.delete(staging);
        }
        try (Stream<Path> left = Files.list(dir)) {
            return any && left.findAny().isEmpty();
        }
    }

    /**
     * A staging folder whose commit a kill cut short: the files it had already moved into DIR go (the
     * result is incomplete: a rerun writes all of it). A commit that moved every file finished its
     * result, which stays; one that had not started moved nothing.
     */
    private static void removeHalfPublished(Path dir, Path staging) throws IOException {
        Path list = staging.resolve(PUBLISHING);
        if (!Files.exists(list)) {
            return;
        }
        List<String> names = Files.readAllLines(list, StandardCharsets.UTF_8);
        if (names.stream().noneMatch(name -> Files.exists(staging.resolve(name)))) {
            return;
        }
        for (String name : names) {
            if (!Files.exists(staging.resolve(name))) {
                Files.deleteIfExists(dir.resolve(name));
            }
        }
    }

    private static void deleteIfEmpty(Path dir) {
        try (Stream<Path> left = Files.list(dir)) {
            if (left.findAny().isEmpty()) {
                Files.delete(dir);
            }
        } catch (IOException ignored) {
            // Best effort: an empty directory is no half-written output.
        }
    }

    /** The path to write {@code fileName} to; it reaches the output directory on {@link #commit()}. */
    public Path stage(String fileName) {
        if (fileName.contains("/") || fileName.startsWith(".")) {
            throw new IllegalArgumentException("staged names are plain file names: " + fileName);
        }
        staged.add(fileName);
        return stagingDir.resolve(fileName);
    }

    public Path outputDir() {
        return outputDir;
    }

    /**
     * Refuses to run when any of the given names already exists in the output directory, unless
     * overwriting was asked for: finished results are never replaced silently.
     */
    public void requireAbsent(List<String> fileNames, boolean overwrite) {
        for (String name : fileNames) {
            if (!overwrite && Files.exists(outputDir.resolve(name))) {
                throw new BadInputException(outputDir.resolve(name),
                        "already exists; choose another --output or pass --overwrite");
            }
        }
    }

    /** Lists existing files in the output directory whose names match a glob, e.g. {@code *.npz}. */
    public List<String> existing(String glob) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(outputDir, glob)) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        names.sort(String::compareTo);
        return names;
    }

    /** Moves every staged file into the output directory (each move an atomic rename). */
    public List<Path> commit() {
        List<Path> finished = new ArrayList<>();
        try {
            Path list = stagingDir.resolve(PUBLISHING + ".tmp");
            Files.write(list, staged, StandardCharsets.UTF_8);
            Files.move(list, stagingDir.resolve(PUBLISHING), StandardCopyOption.ATOMIC_MOVE);
            for (String name : staged) {
                Path target = outputDir.resolve(name);
                Files.move(stagingDir.resolve(name), target, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                finished.add(target);
            }
            committed = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move results into " + outputDir, e);
        } finally {
            deleteStaging();
        }
        return finished;
    }

    /**
     * Discards everything staged unless {@link #commit()} succeeded, and the output directory too
     * when this run created it and left it empty.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!committed) {
                deleteStaging();
                if (createdOutputDir) {
                    deleteIfEmpty(outputDir);
                }
            }
        } finally {
            lock.close();
        }
    }

    private void deleteStaging() {
        try {
            FileTrees.delete(stagingDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up " + stagingDir, e);
        }
    }
}
