package org.regbert.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Python snippet for cross-checks. A missing interpreter or module fails the test (never a
 * skip): the cross-checks are how the metrics are proven, and .ci/run installs Debian's
 * python3-numpy, python3-scipy and python3-sklearn.
 */
final class Python {
    private Python() {
    }

    /** The first of /usr/bin/python3 and python3 on the PATH that imports every module. */
    static String interpreterWith(String... modules) {
        String imports = "import " + String.join(", ", modules);
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            try {
                if (run(candidate, "-c", imports).exitCode == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // Not installed: try the next one.
            }
        }
        throw new AssertionError("this cross-check needs python3 with " + String.join(", ", modules)
                + " (Debian: apt-get install python3-numpy python3-scipy python3-sklearn)");
    }

    record Result(int exitCode, String output) {
    }

    static Result run(String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of(command));
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("python timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Runs {@code script} with arguments and returns its output; fails the test on a non-zero exit. */
    static String script(String python, Path dir, String script, String... args) throws IOException {
        Path file = Files.writeString(dir.resolve("check.py"), script);
        List<String> command = new ArrayList<>(List.of(python, file.toString()));
        command.addAll(List.of(args));
        Result result = run(command.toArray(String[]::new));
        if (result.exitCode != 0) {
            throw new AssertionError("python failed:\n" + result.output);
        }
        return result.output;
    }
}
