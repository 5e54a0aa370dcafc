package org.regbert.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * An exclusive claim on an output folder for the whole of one run, so that two runs given the same
 * {@code --output} never both write it: the second is refused (exit 2) instead of silently replacing
 * the first's results. Every stage takes it before it looks at what the folder holds, and keeps it
 * until its results are in place.
 *
 * <p>The lock is the file {@code .NAME.regbert-lock} beside the output folder {@code NAME} (beside,
 * not inside: stages that replace or delete the whole folder, and checks that the folder is empty,
 * need not know about it), locked with an OS file lock, so a killed run frees it. The holder writes
 * its own token into it and deletes it when done; a run that locked a file which was deleted (or
 * replaced) meanwhile sees another token, or no file, and tries again.
 */
public final class OutputLock implements AutoCloseable {
    /** Suffix of the lock file's name. */
    public static final String SUFFIX = ".regbert-lock";
    /**
     * Lock files this JVM holds. An in-process run must not even open another channel on a held lock
     * file: closing that channel would release the holder's POSIX lock for the whole process.
     */
    private static final Set<Path> HELD = new HashSet<>();

    private final Path output;
    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;
    private final List<Path> createdParents;

    private OutputLock(Path output, Path lockFile, FileChannel channel, FileLock lock, List<Path> createdParents) {
        this.output = output;
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
        this.createdParents = createdParents;
    }

    /**
     * Claims the output folder {@code output} (which need not exist yet; missing parent folders are
     * created) for this run.
     *
     * @throws BadInputException when the path is a file, its folder cannot be written, or another run
     *         holds the claim
     */
    public static OutputLock acquire(Path output) {
        if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new BadInputException(output, "output path exists and is not a directory");
        }
        return acquire(output, output);
    }

    /**
     * Claims {@code key} for a run that writes {@code output}: a stage that writes a family of files
     * named after one path (score: {@code a.vcf.gz}, {@code a.score-summary.json}) claims their common
     * stem, so runs with other names may write into the same folder at the same time. Messages name
     * {@code output}.
     */
    public static OutputLock acquire(Path output, Path key) {
        Path absolute = key.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null || absolute.getFileName() == null) {
            throw new BadInputException(output, "cannot be an output (it has no parent folder to lock in)");
        }
        String token = ProcessHandle.current().pid() + " " + UUID.randomUUID() + " " + Instant.now();
        for (int attempt = 0; ; attempt++) {
            List<Path> created = createParents(output, parent);
            Path lockFile;
            try {
                lockFile = parent.toRealPath().resolve("." + absolute.getFileName() + SUFFIX);
            } catch (IOException e) {
                lockFile = null; // the folder went away again (another run cleaning up): retry
            }
            OutputLock claimed = lockFile == null ? null : tryClaim(output, lockFile, token, created);
            if (claimed != null) {
                return claimed;
            }
            if (attempt > 100) {
                throw new IllegalStateException("cannot claim " + absolute + ": its lock file keeps going away");
            }
        }
    }

    /** The claim, or null when the lock file went away or was replaced before it was ours (try again). */
    private static OutputLock tryClaim(Path output, Path lockFile, String token, List<Path> created) {
        synchronized (HELD) {
            if (HELD.contains(lockFile)) {
                throw busy(output, lockFile);
            }
            FileChannel channel;
            try {
                channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
            } catch (NoSuchFileException e) {
                return null;
            } catch (AccessDeniedException e) {
                throw new BadInputException(output, "output directory is not writable (cannot create " + lockFile
                        + ")");
            } catch (IOException e) {
                if (MachineFault.isDiskFull(e)) {
                    throw new UncheckedIOException("cannot create the output lock " + lockFile, e);
                }
                // EPERM (an immutable folder), EROFS (a read-only file system), ...
                throw new BadInputException(output, -1, "output directory is not writable (cannot create " + lockFile
                        + ": " + (e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason()
                        : e.getMessage()) + ")", e);
            }
            FileLock lock = null;
            try {
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    channel.close();
                    throw busy(output, lockFile);
                }
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(token.getBytes(StandardCharsets.UTF_8)), 0);
                channel.force(false);
                if (!token.equals(readToken(lockFile))) {
                    lock.release();
                    channel.close();
                    return null;
                }
                HELD.add(lockFile);
                return new OutputLock(output, lockFile, channel, lock, created);
            } catch (IOException e) {
                if (lock != null) {
                    deleteQuietly(lockFile); // ours (locked): nothing is left behind, e.g. on a full disk
                }
                closeQuietly(channel);
                throw new UncheckedIOException("cannot lock " + lockFile, e);
            }
        }
    }

    private static BadInputException busy(Path output, Path lockFile) {
        String holder = readToken(lockFile);
        String[] parts = holder == null ? new String[0] : holder.split(" ");
        String who = parts.length == 3 ? " (process " + parts[0] + ", started " + parts[2] + ")" : "";
        return new BadInputException(output, "another regbert run" + who + " is writing this output now (it holds "
                + lockFile + "); wait for it to finish, or choose another --output");
    }

    private static String readToken(Path lockFile) {
        try {
            return Files.readString(lockFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** Creates the missing folders above the output; returns them, deepest first, to remove if left empty. */
    private static List<Path> createParents(Path output, Path parent) {
        List<Path> missing = new ArrayList<>();
        for (Path p = parent; p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(p);
        }
        try {
            Files.createDirectories(parent);
        } catch (AccessDeniedException e) {
            throw new BadInputException(output, "output directory is not writable (cannot create " + e.getFile() + ")");
        } catch (FileSystemException e) {
            if (MachineFault.isDiskFull(e)) {
                throw new UncheckedIOException("cannot create " + parent, e);
            }
            throw new BadInputException(output, -1, "cannot create the output's folder: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + parent, e);
        }
        return missing;
    }

    public Path output() {
        return output;
    }

    /**
     * The path claimed, its folder resolved to its real path: the output folder itself, or the file
     * stem a score run claims in a folder it may share.
     */
    public Path key() {
        String name = lockFile.getFileName().toString();
        return lockFile.getParent().resolve(name.substring(1, name.length() - SUFFIX.length()));
    }

    /**
     * Gives the claim up: deletes the lock file (while still holding it, so a waiting run sees it
     * went away) and the parent folders {@link #acquire} created, when they are left empty.
     */
    @Override
    public void close() {
        synchronized (HELD) {
            deleteQuietly(lockFile);
            try {
                lock.release();
            } catch (IOException ignored) {
                // Closing the channel releases it too.
            }
            closeQuietly(channel);
            HELD.remove(lockFile);
            for (Path dir : createdParents) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    break; // not empty (another run uses it): keep it and everything above
                }
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A lock file left behind is harmless: the next run locks it again.
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
