package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    ServiceProcess service;

    @BeforeEach
    void setUp() throws IOException {
        service = new ServiceProcess("regbert-crash-it", "-Dregbert.serve.read-lock-interval-ms=500",
                "-Dregbert.serve.poll-ms=200");
    }

    @AfterEach
    void tearDown() throws Exception {
        service.stop();
        service.close();
    }

    void drop() throws IOException {
        service.drop(NAME, Files.readAllBytes(KIT.resolve("genome").resolve(NAME)));
    }

    @Test
    void aRunKilledMidStageRunsAgainOnRestartAndOnlyOnce() throws Exception {
        drop();
        service.start();
        RunRecord cut = service.await(r -> r.stages.stream().anyMatch(s -> s.stage.equals("tokenize")
                && s.status.equals("running")), 90_000);
        service.kill();
        Path keys = service.root.resolve("state/processed.keys");
        assertFalse(Files.exists(keys) && Files.readString(keys).contains(NAME), "not journalled as processed");
        assertTrue(Files.exists(service.root.resolve("inbox").resolve(NAME)), "still in the inbox");

        service.start();
        RunRecord done = service.await(r -> r.status != null && r.status.equals("succeeded"), 120_000);
        assertEquals(cut.inputs.get(0).sha256, done.inputs.get(0).sha256);
        List<RunRecord> all = service.runs();
        assertEquals("interrupted", all.stream().filter(r -> r.id.equals(cut.id)).findFirst().orElseThrow().status);
        assertEquals(1, all.stream().filter(r -> "succeeded".equals(r.status)).count());

        drop();  // the same bytes again, after the restart
        long end = System.currentTimeMillis() + 20_000;
        while (Files.exists(service.root.resolve("inbox").resolve(NAME)) && System.currentTimeMillis() < end) {
            Thread.sleep(100);
        }
        assertFalse(Files.exists(service.root.resolve("inbox").resolve(NAME)), "taken");
        Thread.sleep(500);
        assertEquals(2, service.runs().size(), "no third run");
    }
}
