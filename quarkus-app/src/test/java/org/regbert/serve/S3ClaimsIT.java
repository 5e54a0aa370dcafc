package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.spi.IdempotentRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claims of the S3 objects on a real PostgreSQL (started by the test, {@link LocalPostgres}), without
 * the service around them: two instances racing for the same keys from many threads each get every key
 * exactly once between them; a restart releases only the restarting instance's unsettled claims whose
 * copy is not complete in its inbox (the rules in the README, applied by hand to five claims below); a
 * lane's turn across instances goes to one at a time, and to S3 objects in their order.
 */
class S3ClaimsIT {
    static LocalPostgres pg;
    @TempDir
    Path dir;

    @BeforeAll
    static void database() throws Exception {
        pg = new LocalPostgres();
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    /** An instance on ROOT: its database (tables made, id under ROOT) and its claims (recovered on creation). */
    private static S3Claims instance(Path root) {
        ServeSettings settings = settings(root);
        SharedDatabase db = new SharedDatabase();
        db.settings = settings;
        db.open();
        S3Claims claims = new S3Claims();
        claims.database = db;
        claims.settings = settings;
        claims.recover();
        return claims;
    }

    private static ServeSettings settings(Path root) {
        return (ServeSettings) Proxy.newProxyInstance(ServeSettings.class.getClassLoader(),
                new Class<?>[] {ServeSettings.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "root" -> root;
                    case "jdbcUrl" -> Optional.of(pg.url());
                    case "jdbcUser" -> Optional.of("postgres");
                    case "jdbcPassword", "runsDir", "apiToken" -> Optional.empty();
                    default -> {
                        if (!m.isDefault()) {
                            throw new UnsupportedOperationException(m.getName());
                        }
                        yield InvocationHandler.invokeDefault(proxy, m, args);
                    }
                });
    }

    @Test
    void twoInstancesRacingClaimEachKeyExactlyOnce() throws Exception {
        S3Claims a = instance(dir.resolve("a"));
        S3Claims b = instance(dir.resolve("b"));
        assertNotEquals(a.database.instance(), b.database.instance());
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            keys.add("race/obj-" + i + ".txt@\"etag" + i + "\"");
        }
        // 4 threads per instance, all started together, each trying every key
        Map<String, String> winner = new ConcurrentHashMap<>();
        AtomicInteger wins = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (S3Claims claims : List.of(a, b, a, b, a, b, a, b)) {
            IdempotentRepository repo = claims.repository();
            done.add(pool.submit(() -> {
                go.await();
                for (String key : keys) {
                    if (repo.add(key)) {
                        wins.incrementAndGet();
                        winner.put(key, claims.database.instance());
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        assertEquals(keys.size(), wins.get(), "each key claimed once in all: 200 keys, 200 wins");
        Map<String, String> owners = owners();
        for (String key : keys) {
            assertEquals(winner.get(key), owners.get(key), key + ": the row names the instance whose add won");
        }
    }

    @Test
    void aRestartReleasesOnlyItsOwnUnsettledClaimsWhoseCopyIsNotInTheInbox() throws Exception {
        Path rootA = dir.resolve("ra");
        S3Claims a = instance(rootA);
        S3Claims b = instance(dir.resolve("rb"));
        IdempotentRepository repoA = a.repository();
        assertTrue(repoA.add("bkt/in/one.txt@\"e1\""));      // claimed, nothing copied yet
        assertTrue(repoA.add("bkt/in/two.txt@\"e2\""));      // claimed, copy half-written
        assertTrue(repoA.add("bkt/in/three.txt@\"e3\""));    // claimed, copy complete in the inbox
        assertTrue(repoA.add("bkt/in/four.txt@\"e4\""));     // claimed, run finished
        assertTrue(b.repository().add("bkt/in/five.txt@\"e5\""));  // B's, nothing copied
        Path inbox = Files.createDirectories(rootA.resolve("inbox"));
        Files.writeString(inbox.resolve(".uploading-two.txt"), "half");
        Files.writeString(inbox.resolve("three.txt"), "whole");
        assertEquals("s3://bkt/in/four.txt", a.attach(null, "four.txt", "run-4"), "the claim's origin");
        RunRecord four = new RunRecord();
        four.id = "run-4";
        four.status = "ignored";
        four.finished = "2026-12-06T00:00:00Z";
        new JdbcRuns(a.database, new ObjectMapper()).save(four, new ObjectMapper().writeValueAsString(four), "four.txt:x");

        instance(rootA);  // A restarts

        // by hand: one (A's, no copy) and two (A's, copy partial) released; three (copy complete), four
        // (settled) and five (B's) kept; the partial copy deleted, the complete one left for the inbox route
        Map<String, String> owners = owners();
        assertFalse(owners.containsKey("bkt/in/one.txt@\"e1\""));
        assertFalse(owners.containsKey("bkt/in/two.txt@\"e2\""));
        assertEquals(a.database.instance(), owners.get("bkt/in/three.txt@\"e3\""));
        assertEquals(a.database.instance(), owners.get("bkt/in/four.txt@\"e4\""));
        assertEquals(b.database.instance(), owners.get("bkt/in/five.txt@\"e5\""));
        assertFalse(Files.exists(inbox.resolve(".uploading-two.txt")));
        assertTrue(Files.exists(inbox.resolve("three.txt")));
        // released means claimable again, by anyone
        assertTrue(b.repository().add("bkt/in/one.txt@\"e1\""));
        assertFalse(b.repository().add("bkt/in/three.txt@\"e3\""));
    }

    /**
     * A lane's turn across instances ({@link SharedLaneTurns}), by hand on the real database. Expected from
     * the README's rules: while A holds lane x, B's take of x waits and B's take of lane y does not; A gives
     * x back, B gets it. B's session is ended by the server (as when its instance is killed): A, waiting,
     * gets x. B's run of an object put a second after one A claimed waits, holding nothing, until A's claim
     * is settled (A's run of the earlier object is not held up meanwhile), even with an unsettled claim of
     * B's own put between the two (B's inbox orders its own copies).
     */
    @Test
    void aLanesTurnGoesToOneInstanceAtATimeAndToObjectsInTheirOrder() throws Exception {
        S3Claims a = instance(dir.resolve("la"));
        S3Claims b = instance(dir.resolve("lb"));
        SharedLaneTurns turnsA = new SharedLaneTurns();
        turnsA.database = a.database;
        SharedLaneTurns turnsB = new SharedLaneTurns();
        turnsB.database = b.database;
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            SharedLaneTurns.Turn aHolds = turnsA.take("x", "run-a");
            Future<SharedLaneTurns.Turn> bWaits = pool.submit(() -> turnsB.take("x", "run-b"));
            Thread.sleep(500);
            assertFalse(bWaits.isDone(), "B waits while A holds lane x");
            turnsB.take("y", "run-b").close();  // another lane meanwhile
            aHolds.close();
            SharedLaneTurns.Turn bHolds = bWaits.get(30, TimeUnit.SECONDS);

            Future<SharedLaneTurns.Turn> aWaits = pool.submit(() -> turnsA.take("x", "run-a"));
            Thread.sleep(500);
            assertFalse(aWaits.isDone(), "A waits while B holds lane x");
            long key = SharedLaneTurns.lockKey("x");
            try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                            + " AND classid::bigint = " + (key >>> 32) + " AND objid::bigint = " + (key & 0xffffffffL))) {
                assertTrue(rs.next() && rs.getBoolean(1), "B's session held lane x");
                assertFalse(rs.next(), "one session held it");
            }
            aWaits.get(30, TimeUnit.SECONDS).close();
            bHolds.close();  // its connection is gone already: nothing to give back, no error

            String early = "bkt/1-ref.fa@\"e1\"";
            String late = "bkt/2-dhs.bed@\"e2\"";
            String own = "bkt/0-own.txt@\"e0\"";
            assertTrue(a.repository().add(early));
            a.noteLastModified(early, new java.util.Date(1_700_000_000_000L));
            a.attach(null, "1-ref.fa", "run-early");
            assertTrue(b.repository().add(late));
            b.noteLastModified(late, new java.util.Date(1_700_000_001_000L));
            b.attach(null, "2-dhs.bed", "run-late");
            assertTrue(b.repository().add(own));
            b.noteLastModified(own, new java.util.Date(1_700_000_000_500L));  // between the two: A's run never waits for it
            Future<SharedLaneTurns.Turn> lateWaits = pool.submit(() -> turnsB.take(null, "run-late"));
            Thread.sleep(700);
            assertFalse(lateWaits.isDone(), "the later object's run waits for the earlier object's");
            turnsA.take(null, "run-early").close();  // the lane is free for the earlier object's run
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                c.setAutoCommit(true);
                S3Claims.settle(c, "run-early");  // its outcome settles its claim
            }
            lateWaits.get(30, TimeUnit.SECONDS).close();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Claim key -> owner, for the keys this class made. */
    private static Map<String, String> owners() throws Exception {
        Map<String, String> owners = new HashMap<>();
        try (Connection c = pg.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT key, instance FROM regbert_s3_claims")) {
            while (rs.next()) {
                owners.put(rs.getString(1), rs.getString(2));
            }
        }
        return owners;
    }
}
