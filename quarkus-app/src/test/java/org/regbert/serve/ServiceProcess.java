package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
    /** The journal as read so far ({@link #runs}): records by id, and the bytes read. */
    private final Map<String, RunRecord> records = new LinkedHashMap<>();
    private long read;

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

    /**
     * The run records as RunJournal reads them (the last line of each id wins, a torn line is skipped),
     * read incrementally: only the lines appended since the last call are parsed, so a test may poll
     * every few milliseconds without re-reading a journal that grows with every kill and rerun.
     */
    synchronized List<RunRecord> runs() throws IOException {
        Path file = root.resolve("state/runs.jsonl");
        if (Files.exists(file)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size > read) {
                    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(size - read));
                    while (buf.hasRemaining() && ch.read(buf, read + buf.position()) > 0) {
                        // until the bytes present at size() are in
                    }
                    byte[] bytes = buf.array();
                    int start = 0;
                    for (int i = 0; i < buf.position(); i++) {
                        if (bytes[i] == '\n') {  // a complete line; the rest waits for its newline
                            parseLine(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                            start = i + 1;
                        }
                    }
                    read += start;
                }
            }
        }
        return new ArrayList<>(records.values());
    }

    private void parseLine(String line) {
        if (line.isBlank()) {
            return;
        }
        try {
            RunRecord r = JSON.readValue(line, RunRecord.class);
            records.put(r.id, r);
        } catch (IOException torn) {
            // a line cut by a crash: the record before it stands (as RunJournal.read)
        }
    }

    /**
     * SIGKILL the moment AT holds (polled every 5 ms, with {@link #runs}), and waits for the process to
     * be gone; fails if the service dies first or MILLIS pass.
     */
    void killWhen(BooleanSupplier at, long millis) throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (!at.getAsBoolean()) {
            assertTrue(process.isAlive(), () -> "the service died: " + log());
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("timed out; runs " + runs().stream().map(r -> r.inputs.get(0).name + " "
                        + r.status + " " + r.stages.stream().map(st -> st.stage + ":" + st.status).toList()).toList()
                        + "\n" + log());
            }
            Thread.sleep(5);
        }
        kill();
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
