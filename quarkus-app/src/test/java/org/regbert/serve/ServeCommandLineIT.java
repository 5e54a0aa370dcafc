package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service's command line as users call it, with the jar and through {@code ./regbert}, each
 * from an empty working folder: {@code --help} prints usage and starts and creates nothing; an unknown option
 * exits 2 with one line naming it; {@code --root DIR} puts the service's folders under DIR, over
 * {@code -Dregbert.serve.root}.
 */
class ServeCommandLineIT {
    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
    static final Path CHECKOUT = Path.of(System.getProperty("regbert.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path cwd;
    @TempDir
    Path scratch;

    record Result(int exitCode, String stdout, String stderr) {
    }

    Result run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        Process process = new ProcessBuilder(command).directory(cwd.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "did not exit: " + command);
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dquarkus.http.port=0"));
        for (String arg : args) {
            if (arg.startsWith("-D")) {
                command.add(arg);  // JVM options go before -jar
            }
        }
        command.addAll(List.of("-jar", JAR.toString()));
        Stream.of(args).filter(a -> !a.startsWith("-D")).forEach(command::add);
        return command;
    }

    static List<String> launcher(String... args) {
        List<String> command = new ArrayList<>(List.of(CHECKOUT.resolve("regbert").toString()));
        command.addAll(List.of(args));
        return command;
    }

    List<Path> left() throws IOException {
        try (Stream<Path> files = Files.list(cwd)) {
            return files.toList();
        }
    }

    void assertUsage(Result help, String mode) throws IOException {
        assertEquals(0, help.exitCode(), help.stderr());
        assertTrue(help.stdout().startsWith("Usage: regbert " + mode + " "), help.stdout());
        for (String part : List.of("--root DIR", "-h, --help", "regbert.serve.root=work/serve", "Examples:")) {
            assertTrue(help.stdout().contains(part), part + " in:\n" + help.stdout());
        }
        // nothing started: no log line of Quarkus or Camel, no folder (work/serve is what a start makes)
        assertFalse(help.stdout().contains("INFO") || help.stderr().contains("INFO")
                || help.stdout().contains("Apache Camel") || help.stderr().contains("Apache Camel"), help.stderr());
        assertEquals(List.of(), left(), "nothing written to the working folder");
    }

    @Test
    void helpPrintsUsageAndStartsNothing() throws Exception {
        assertUsage(run(java("serve", "--help")), "serve");
        assertUsage(run(java("demo", "--help")), "demo");
        Path demoWork = CHECKOUT.resolve("work/demo");
        boolean demoWorkExisted = Files.exists(demoWork);
        assertUsage(run(launcher("serve", "--help")), "serve");
        assertUsage(run(launcher("demo", "--help")), "demo");
        assertEquals(demoWorkExisted, Files.exists(demoWork), "./regbert demo --help made no work/demo");
    }

    @Test
    void anUnknownOptionExitsTwoNamingIt() throws Exception {
        for (Result bad : List.of(run(java("serve", "--bogus")), run(launcher("serve", "--bogus")))) {
            assertEquals(2, bad.exitCode(), bad.stderr());
            assertEquals("regbert serve: unknown option '--bogus' (see regbert serve --help)\n", bad.stderr());
            assertEquals("", bad.stdout());
        }
        Result demo = run(launcher("demo", "--roots", "x"));
        assertEquals(2, demo.exitCode(), demo.stderr());
        assertEquals("regbert demo: unknown option '--roots' (see regbert demo --help)\n", demo.stderr());
        assertEquals(List.of(), left());
    }

    @Test
    void rootPutsTheServiceStateUnderItOverTheSetting() throws Exception {
        Path root = scratch.resolve("service-root");
        Path setting = scratch.resolve("setting-root");
        Path log = scratch.resolve("service.log");
        Process service = new ProcessBuilder(java("-Dregbert.serve.root=" + setting, "serve", "--root", root.toString()))
                .directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long end = System.currentTimeMillis() + 90_000;
            String watching = "regbert serve: watching " + root.resolve("inbox");
            while (System.currentTimeMillis() < end && !(Files.readString(log).contains(watching)
                    && Files.isDirectory(root.resolve("inbox")))) {
                assertTrue(service.isAlive(), Files.readString(log));
                Thread.sleep(200);
            }
            assertTrue(Files.readString(log).contains(watching), Files.readString(log));
        } finally {
            service.destroy();  // SIGTERM: a graceful stop
            assertTrue(service.waitFor(60, TimeUnit.SECONDS), "stopped");
        }
        assertTrue(Files.isDirectory(root.resolve("inbox")), "the inbox under --root");
        assertTrue(Files.isDirectory(root.resolve("state")), "the state under --root");
        assertFalse(Files.exists(setting), "-Dregbert.serve.root lost to --root");
        assertEquals(List.of(), left(), "no work/serve in the working folder");
        assertFalse(new String(Files.readAllBytes(log), StandardCharsets.UTF_8).contains("ERROR"),
                Files.readString(log));
    }
}
