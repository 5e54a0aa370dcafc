package org.regbert.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/** What each kind of failure becomes on the command line: exit code and stderr. */
class StageCliTest {
    @Command(name = "demo")
    static final class Failing implements Callable<Integer> {
        private final Throwable failure;

        Failing(Throwable failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() throws Exception {
            if (failure instanceof Exception e) {
                throw e;
            }
            throw (Error) failure;
        }
    }

    private static StageCli.Outcome run(Throwable failure) {
        return StageCli.runCapturing(new Failing(failure));
    }

    @Test
    void aFullDiskIsOneLineAndExitOne() {
        // As FileOutputStream.write reports ENOSPC (no file named), wrapped as the stages wrap it.
        StageCli.Outcome outcome = run(new UncheckedIOException("cannot write shard-00000.npz",
                new IOException("No space left on device")));
        assertEquals(1, outcome.exitCode(), outcome.stderr());
        assertEquals("regbert demo: error: the disk is full: No space left on device; free some space (or write"
                + " --output to another file system) and run again\n", outcome.stderr());

        // As java.nio reports it: the file is in the message.
        outcome = run(new FileSystemException("/data/out/.regbert-staging-1/shard-00001.npz: No space left on device"));
        assertEquals(1, outcome.exitCode(), outcome.stderr());
        assertEquals("regbert demo: error: the disk is full: /data/out/.regbert-staging-1/shard-00001.npz: No space"
                + " left on device; free some space (or write --output to another file system) and run again\n",
                outcome.stderr());

        // Even where a stage took it for the user's problem.
        outcome = run(new BadInputException(null, -1, "output directory is not writable",
                new IOException("Disk quota exceeded")));
        assertEquals(1, outcome.exitCode(), outcome.stderr());
        assertTrue(outcome.stderr().startsWith("regbert demo: error: the disk is full: Disk quota exceeded"),
                outcome.stderr());
    }

    @Test
    void runningOutOfMemoryIsOneLineAndExitOne() {
        StageCli.Outcome outcome = run(new OutOfMemoryError("Java heap space"));
        assertEquals(1, outcome.exitCode(), outcome.stderr());
        assertEquals("regbert demo: error: out of memory (Java heap space): give the JVM more with"
                + " REGBERT_JAVA_OPTS=-Xmx..., or lower --threads / --batch-size\n", outcome.stderr());
    }

    @Test
    void badInputIsExitTwoAndABugKeepsItsStackTrace() {
        StageCli.Outcome outcome = run(new BadInputException(java.nio.file.Path.of("in.bed"), 3, "bad end"));
        assertEquals(2, outcome.exitCode(), outcome.stderr());
        assertEquals("regbert demo: error: in.bed:3: bad end\n", outcome.stderr());

        outcome = run(new IllegalStateException("a bug"));
        assertEquals(1, outcome.exitCode(), outcome.stderr());
        assertTrue(outcome.stderr().startsWith("regbert demo: internal error: java.lang.IllegalStateException: a bug"),
                outcome.stderr());
        assertTrue(outcome.stderr().contains("\tat org.regbert.common.StageCliTest.badInputIsExitTwo"),
                "a stack trace: " + outcome.stderr());
    }

    @Command(name = "demo")
    static final class WithOptions implements Callable<Integer> {
        @picocli.CommandLine.Option(names = "--count", description = "A number.")
        int count;

        @Override
        public Integer call() {
            return 0;
        }
    }

    @Test
    void badUsageIsOneLineAndExitTwoWithoutTheUsage() {
        // picocli's own words for the problem, on the stage's error line; the usage (which lists --count) is not printed.
        StageCli.Outcome notANumber = StageCli.runCapturing(new WithOptions(), "--count", "many");
        assertEquals(2, notANumber.exitCode(), notANumber.stderr());
        assertEquals(1, notANumber.stderr().lines().count(), notANumber.stderr());
        assertTrue(notANumber.stderr().startsWith("regbert demo: error: Invalid value for option '--count': 'many'"),
                notANumber.stderr());
        assertTrue(notANumber.stderr().endsWith(" (see 'regbert demo --help')\n"), notANumber.stderr());

        StageCli.Outcome unknown = StageCli.runCapturing(new WithOptions(), "--bogus");
        assertEquals(2, unknown.exitCode(), unknown.stderr());
        assertEquals(1, unknown.stderr().lines().count(), unknown.stderr());
        assertTrue(unknown.stderr().startsWith("regbert demo: error: Unknown option: '--bogus'"), unknown.stderr());
    }
}
