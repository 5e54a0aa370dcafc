package org.regbert.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run at a time per output: a second claim is refused while the first holds it, in this JVM or another process. */
class OutputLockTest {
    @TempDir
    Path dir;

    private List<String> entries(Path folder) throws Exception {
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSecondClaimInThisProcessIsRefusedUntilTheFirstIsGivenUp() throws Exception {
        Path out = dir.resolve("out");
        try (OutputLock first = OutputLock.acquire(out)) {
            assertEquals(List.of(".out" + OutputLock.SUFFIX), entries(dir), "the lock file lies beside the output");
            BadInputException refused = assertThrows(BadInputException.class, () -> OutputLock.acquire(out));
            assertTrue(refused.getMessage().startsWith(out + ": another regbert run (process "
                    + ProcessHandle.current().pid() + ", started "), refused.getMessage());
            assertTrue(refused.getMessage().contains("is writing this output now"), refused.getMessage());
            // The same folder spelt differently is the same claim.
            assertThrows(BadInputException.class, () -> OutputLock.acquire(dir.resolve("x/../out")));
        }
        assertEquals(List.of(), entries(dir), "giving the claim up removes the lock file");
        try (OutputLock again = OutputLock.acquire(out)) {
            assertEquals(out, again.output());
        }
    }

    @Test
    void aClaimHeldByAnotherProcessIsRefused() throws Exception {
        Path out = dir.resolve("out");
        Path lockFile = dir.resolve(".out" + OutputLock.SUFFIX);
        // Python's lockf is the same POSIX record lock (fcntl) as Java's FileChannel.lock on Linux.
        Process holder = new ProcessBuilder("/usr/bin/python3", "-c", String.join("\n",
                "import fcntl, sys",
                "f = open(sys.argv[1], 'w')",
                "fcntl.lockf(f, fcntl.LOCK_EX)",
                "f.write('4242 some-token 2026-01-02T03:04:05Z'); f.flush()",
                "print('locked', flush=True)",
                "sys.stdin.read()"), lockFile.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader said = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("locked", said.readLine());
            BadInputException refused = assertThrows(BadInputException.class, () -> OutputLock.acquire(out));
            assertEquals(out + ": another regbert run (process 4242, started 2026-01-02T03:04:05Z) is writing this"
                    + " output now (it holds " + lockFile.toRealPath() + "); wait for it to finish, or choose another"
                    + " --output", refused.getMessage());
            assertFalse(Files.exists(out), "a refused claim creates nothing");
        } finally {
            holder.getOutputStream().close();
            assertEquals(0, holder.waitFor());
        }
        // The holder is gone (and with it its lock): the file it left is locked and reused.
        try (OutputLock claim = OutputLock.acquire(out)) {
            assertTrue(Files.exists(lockFile));
        }
        assertFalse(Files.exists(lockFile));
    }

    @Test
    void aFileIsNoOutputFolder() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        BadInputException refused = assertThrows(BadInputException.class, () -> OutputLock.acquire(file));
        assertEquals(file + ": output path exists and is not a directory", refused.getMessage());
    }

    @Test
    void missingParentFoldersAreCreatedAndRemovedWhenLeftEmpty() throws Exception {
        Path out = dir.resolve("a/b/out");
        try (OutputLock claim = OutputLock.acquire(out)) {
            assertEquals(List.of(".out" + OutputLock.SUFFIX), entries(dir.resolve("a/b")));
        }
        assertEquals(List.of(), entries(dir), "a/b and a were this claim's and are empty again");

        try (OutputLock claim = OutputLock.acquire(out)) {
            Files.createDirectories(out); // what a run writes keeps its folders
        }
        assertEquals(List.of("out"), entries(dir.resolve("a/b")));
    }

    @Test
    void aStemKeyLetOtherNamesShareTheFolder() throws Exception {
        Path a = dir.resolve("scores/a.vcf.gz");
        Path b = dir.resolve("scores/b.vcf.gz");
        try (OutputLock first = OutputLock.acquire(a, dir.resolve("scores/a"));
                OutputLock other = OutputLock.acquire(b, dir.resolve("scores/b"))) {
            BadInputException refused = assertThrows(BadInputException.class,
                    () -> OutputLock.acquire(dir.resolve("scores/a.vcf"), dir.resolve("scores/a")));
            assertTrue(refused.getMessage().startsWith(dir.resolve("scores/a.vcf") + ": another regbert run"),
                    refused.getMessage());
            assertEquals(List.of(".a" + OutputLock.SUFFIX, ".b" + OutputLock.SUFFIX), entries(dir.resolve("scores")));
        }
    }
}
