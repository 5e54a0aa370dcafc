package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.regbert.common.FileTrees;

/**
 * The packaged service as a process of its own on a fresh root (so a test can SIGKILL it and start
 * it again on the same root), for the kill-and-restart tests. {@link #close} kills it if it still
 * runs and removes the root.
 */
final class ServiceProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    final Path root;
    private final List<String> settings;
    private Process process;

    /** A root under a temporary folder named PREFIX...; SETTINGS are -D options for every start. */
    ServiceProcess(String prefix, String... settings) throws IOException {
        root = Files.createTempDirectory(prefix);
        Files.createDirectories(root.resolve("inbox"));
        this.settings = List.of(settings);
    }

    void start() throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dregbert.serve.root=" + root, "-Dquarkus.http.port=0"));
        command.addAll(settings);
        command.addAll(List.of("-jar", Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath().toString(),
                "serve"));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("service.log").toFile())).start();
    }

    /** Stops it as an operator would (SIGTERM), SIGKILL after 30 s. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL, and waits for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    }

    /** Writes a file into the inbox the way an upload tool does: temporary name, then rename. */
    void drop(String name, byte[] bytes) throws IOException {
        Path tmp = root.resolve("inbox").resolve(name + ".part");
        Files.write(tmp, bytes);
        Files.move(tmp, root.resolve("inbox").resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    List<RunRecord> runs() throws IOException {
        return new ArrayList<>(RunJournal.read(root.resolve("state/runs.jsonl"), JSON).values());
    }

    /** The first run record that matches, polled every 20 ms; fails if the service dies or MILLIS pass. */
    RunRecord await(Predicate<RunRecord> p, long millis) throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            for (RunRecord r : runs()) {
                if (p.test(r)) {
                    return r;
                }
            }
            assertTrue(process.isAlive(), () -> "the service died: " + log());
            Thread.sleep(20);
        }
        throw new AssertionError("timed out; runs " + runs().stream().map(r -> r.inputs.get(0).name + " " + r.status
                + " " + r.reason).toList() + "\n" + log());
    }

    String log() {
        try {
            return Files.readString(root.resolve("service.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        FileTrees.delete(root);
    }
}
