package org.regbert.tokenize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Makes a folder read-only for the test, also for root (who ignores permission bits): with the
 * immutable attribute when chmod is not enough. Undone by {@link #close()}.
 */
final class ReadOnly implements AutoCloseable {
    private final Path dir;
    private final boolean immutable;

    private ReadOnly(Path dir, boolean immutable) {
        this.dir = dir;
        this.immutable = immutable;
    }

    static ReadOnly make(Path dir) throws IOException, InterruptedException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (!writable(dir)) {
            return new ReadOnly(dir, false);
        }
        Process chattr = new ProcessBuilder("chattr", "+i", dir.toString()).inheritIO().start();
        if (chattr.waitFor() != 0 || writable(dir)) {
            throw new IllegalStateException("cannot make " + dir + " read-only for this test (chattr +i failed)");
        }
        return new ReadOnly(dir, true);
    }

    private static boolean writable(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, "probe", ""));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (immutable) {
            new ProcessBuilder("chattr", "-i", dir.toString()).inheritIO().start().waitFor();
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
