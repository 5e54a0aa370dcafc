package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.regbert.common.KitData;

/**
 * The packaged service as a real process, killed with SIGKILL in the middle of tokenizing the kit's
 * whole hg19 chr20, then restarted on the same root: the input runs again and succeeds exactly once,
 * the cut run reads "interrupted", and the same bytes dropped again are not run a third time.
 */
class CrashRestartIT {
    static final Path KIT = KitData.root();
    static final String NAME = "hg19.chr20.fa.gz";
    final ObjectMapper mapper = new ObjectMapper();
    Path root;
    Process service;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory("regbert-crash-it");
        Files.createDirectories(root.resolve("inbox"));
    }

    @AfterEach
    void tearDown() throws Exception {
        stop(false);
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    void start() throws IOException {
        service = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dregbert.serve.root=" + root, "-Dquarkus.http.port=0", "-Dregbert.serve.read-lock-interval-ms=500",
                "-Dregbert.serve.poll-ms=200", "-jar", Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath()
                .toString(), "serve")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("service.log")
                .toFile())).start();
    }

    void stop(boolean kill) throws InterruptedException {
        if (service != null && service.isAlive()) {
            if (kill) {
                service.destroyForcibly();  // SIGKILL
            } else {
                service.destroy();
            }
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    Collection<RunRecord> runs() throws IOException {
        return RunJournal.read(root.resolve("state/runs.jsonl"), mapper).values();
    }

    RunRecord await(Predicate<RunRecord> p, long millis) throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            for (RunRecord r : runs()) {
                if (p.test(r)) {
                    return r;
                }
            }
            assertTrue(service.isAlive(), () -> "the service died: " + log());
            Thread.sleep(20);
        }
        throw new AssertionError("timed out; runs " + new ArrayList<>(runs()).stream().map(r -> r.status).toList()
                + "\n" + log());
    }

    String log() {
        try {
            return Files.readString(root.resolve("service.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    void drop() throws IOException {
        Path tmp = root.resolve("inbox").resolve(NAME + ".part");
        Files.copy(KIT.resolve("genome").resolve(NAME), tmp);
        Files.move(tmp, root.resolve("inbox").resolve(NAME), StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aRunKilledMidStageRunsAgainOnRestartAndOnlyOnce() throws Exception {
        drop();
        start();
        RunRecord cut = await(r -> r.stages.stream().anyMatch(s -> s.stage.equals("tokenize")
                && s.status.equals("running")), 90_000);
        stop(true);
        Path keys = root.resolve("state/processed.keys");
        assertFalse(Files.exists(keys) && Files.readString(keys).contains(NAME), "not journalled as processed");
        assertTrue(Files.exists(root.resolve("inbox").resolve(NAME)), "still in the inbox");

        start();
        RunRecord done = await(r -> r.status != null && r.status.equals("succeeded"), 120_000);
        assertEquals(cut.inputs.get(0).sha256, done.inputs.get(0).sha256);
        List<RunRecord> all = new ArrayList<>(runs());
        assertEquals("interrupted", all.stream().filter(r -> r.id.equals(cut.id)).findFirst().orElseThrow().status);
        assertEquals(1, all.stream().filter(r -> "succeeded".equals(r.status)).count());

        drop();  // the same bytes again, after the restart
        long end = System.currentTimeMillis() + 20_000;
        while (Files.exists(root.resolve("inbox").resolve(NAME)) && System.currentTimeMillis() < end) {
            Thread.sleep(100);
        }
        assertFalse(Files.exists(root.resolve("inbox").resolve(NAME)), "taken");
        Thread.sleep(500);
        assertEquals(2, runs().size(), "no third run");
    }
}
