package org.regbert.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Kill tests of a stage: run it in a JVM of its own ({@link StageMain}), SIGKILL it at a chosen
 * moment, run it again with the same arguments (no --overwrite) and let the test compare the rerun's
 * output with an uninterrupted run's.
 */
public final class KillRerun {
    private static final long MINUTES = 5;
    private final Path folder;
    private final Class<?> command;

    /** Runs COMMAND in FOLDER (the working folder of each JVM). */
    public KillRerun(Path folder, Class<?> command) {
        this.folder = folder;
        this.command = command;
    }

    /** Runs the stage to the end (exit 0 asserted); returns its milliseconds, JVM start included. */
    public long run(List<String> args) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        finish(args, "an uninterrupted run");
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * What one kill did: whether it hit the run before its output was whole, what it left in the folder,
     * and whether it landed after the run published its output (no rerun made; a staging folder its
     * last move emptied may be left).
     */
    public record Kill(boolean killed, List<String> leftBehind, boolean afterPublishing) {
        public Kill(boolean killed, List<String> leftBehind) {
            this(killed, leftBehind, false);
        }
    }

    /**
     * Starts the stage, SIGKILLs it after KILL_AFTER milliseconds unless it finished first, notes the
     * hidden entries it left in WATCH (the folder its staging goes to; lock files aside: {@link
     * #leftovers}), then runs it again to the end (exit 0 asserted: what the killed run left must not
     * block it).
     */
    public Kill killAndRerun(List<String> args, long killAfter, Path watch) throws IOException,
            InterruptedException {
        return killAndRerun(args, killAfter, watch, false, null);
    }

    /**
     * As {@link #killAndRerun(List, long, Path)} for a stage that publishes its whole output with one
     * rename as its last act: when PUBLISHED exists after the kill, the kill came after the work (between
     * the rename and the end of the JVM; afterPublishing) or the run ended before the kill, and a rerun
     * would rightly refuse the finished output ("not empty; pass --overwrite"), so none is made and the
     * kill is reported as not having hit the run.
     */
    public Kill killAndRerun(List<String> args, long killAfter, Path watch, Path published) throws IOException,
            InterruptedException {
        return killAndRerun(args, killAfter, watch, false, published);
    }

    /**
     * As {@link #killAndRerun(List, long, Path)}, but counts KILL_AFTER from the moment a staging
     * folder (a {@link #leftovers} entry) appears in WATCH: the kill lands while the run writes.
     */
    public Kill killWhileStagingAndRerun(List<String> args, long killAfter, Path watch) throws IOException,
            InterruptedException {
        return killAndRerun(args, killAfter, watch, true, null);
    }

    /**
     * As {@link #killWhileStagingAndRerun(List, long, Path)}, with {@link #killAndRerun(List, long, Path,
     * Path)}'s rule: PUBLISHED found after the kill means the run got there first, and no rerun is made
     * (the test's own check that the kill landed while writing then says so, not a refused rerun).
     */
    public Kill killWhileStagingAndRerun(List<String> args, long killAfter, Path watch, Path published)
            throws IOException, InterruptedException {
        return killAndRerun(args, killAfter, watch, true, published);
    }

    private Kill killAndRerun(List<String> args, long killAfter, Path watch, boolean fromStaging, Path published)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("regbert-killed-", ".log");
        boolean killed;
        try {
            Process first = StageMain.start(folder, log, command, args);
            if (fromStaging) {
                while (first.isAlive() && !(Files.isDirectory(watch) && !leftovers(watch).isEmpty())) {
                    Thread.sleep(5);
                }
            }
            killed = !first.waitFor(killAfter, TimeUnit.MILLISECONDS);
            if (killed) {
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
            }
            assertTrue(first.waitFor(MINUTES, TimeUnit.MINUTES), "the killed run did not end");
            if (!killed) {
                assertEquals(0, first.exitValue(), Files.readString(log));
            }
        } finally {
            Files.deleteIfExists(log);
        }
        List<String> left = Files.isDirectory(watch) ? leftovers(watch) : List.of();
        if (published != null && Files.exists(published)) {
            return new Kill(false, left, killed); // whole output (killed after its last act, or ended first): no rerun
        }
        finish(args, "the rerun after a kill at " + killAfter + " ms (it left " + left + ")");
        return new Kill(killed, left);
    }

    private void finish(List<String> args, String what) throws IOException, InterruptedException {
        Path log = Files.createTempFile("regbert-run-", ".log");
        try {
            Process process = StageMain.start(folder, log, command, args);
            assertTrue(process.waitFor(MINUTES, TimeUnit.MINUTES), what + " did not end in " + MINUTES + " minutes");
            assertEquals(0, process.exitValue(), what + ": " + Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The hidden entries of DIR that are not output lock files (which a killed run may leave; harmless). */
    public static List<String> leftovers(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".") && !n.endsWith(OutputLock.SUFFIX)).sorted().toList();
        }
    }

    /** Every regular file under DIR, as relative paths, sorted. */
    public static List<String> files(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }
}
