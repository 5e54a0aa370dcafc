package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The references' states in a real PostgreSQL (started by the test, {@link LocalPostgres}), without the
 * service around them: instances are roots sharing the database. Changes and lane pointers, commit,
 * rollback (prior state and absence restored, another instance's change made in between kept), a restart
 * rolling back only its own instance's open transactions, threads of two instances updating one
 * reference at once losing nothing, and an ENCODE metadata table recorded by one instance routing files
 * for another. Every test uses its own reference ids, lanes and roots (one database for the class).
 */
class JdbcReferencesIT {
    static LocalPostgres pg;
    static final ObjectMapper JSON = new ObjectMapper();
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

    /** An instance on ROOT: its database (tables made, id under ROOT). */
    private static SharedDatabase database(Path root) {
        SharedDatabase db = new SharedDatabase();
        db.settings = settings(root);
        db.open();
        return db;
    }

    /** The service's references of the instance on ROOT (JDBC, since its database is set). */
    private static References references(Path root) {
        References refs = new References();
        refs.settings = settings(root);
        refs.mapper = JSON;
        refs.database = database(root);
        return refs;
    }

    private static ServeSettings settings(Path root) {
        return (ServeSettings) Proxy.newProxyInstance(ServeSettings.class.getClassLoader(),
                new Class<?>[] {ServeSettings.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "root" -> root;
                    case "jdbcUrl" -> Optional.of(pg.url());
                    case "jdbcUser" -> Optional.of("postgres");
                    case "jdbcPassword", "runsDir", "apiToken" -> Optional.empty();
                    case "assembly" -> List.of("hg19", "GRCh37");
                    default -> {
                        if (!m.isDefault()) {
                            throw new UnsupportedOperationException(m.getName());
                        }
                        yield InvocationHandler.invokeDefault(proxy, m, args);
                    }
                });
    }

    @Test
    void updatesAndLanePointersAreSharedAndACommitKeepsThem() throws Exception {
        References a = references(dir.resolve("a"));
        References b = references(dir.resolve("b"));
        a.update("u-run", "u-hg19-aaa", r -> {
            r.assembly = "hg19";
            r.tokens = "/runs/u-run/tokenize";
        });
        ReferenceState ref = a.update("u-run", "u-hg19-aaa", r -> r.epigenomes.add("--peaks dhs.bed:K562"));
        assertEquals("/runs/u-run/tokenize", ref.tokens, "the second change starts from the first");
        ReferenceState other = a.update("u-run", "u-hg19-bbb", r -> r.tokens = "/runs/u-run2/tokenize");
        a.makeCurrent("u-run", null, ref);
        a.makeCurrent("u-run", "u-second", other);
        // instance B (another root, the same database) sees all of it
        ReferenceState seen = b.load("u-hg19-aaa");
        assertEquals("hg19", seen.assembly);
        assertEquals(List.of("--peaks dhs.bed:K562"), seen.epigenomes);
        assertEquals("u-hg19-aaa", b.current(null).id, "the default lane's current reference");
        assertEquals("u-hg19-bbb", b.current("u-second").id, "lane u-second's own");
        assertNull(b.current("u-third"), "a lane with no FASTA yet");
        assertNull(b.load("u-never"));
        assertEquals(List.of("u-run"), a.open());
        assertEquals(List.of(), b.open(), "A's transaction is not B's");
        a.commit("u-run");
        assertEquals(List.of(), a.open());
        a.rollback("u-run");  // committed: nothing left to undo
        assertEquals("/runs/u-run/tokenize", b.load("u-hg19-aaa").tokens);
        assertEquals("u-hg19-bbb", b.current("u-second").id);
    }

    @Test
    void aRollbackRestoresThePriorStateAndAbsenceAndKeepsAnotherInstancesLaterChange() throws Exception {
        References a = references(dir.resolve("a"));
        References b = references(dir.resolve("b"));
        ReferenceState r = a.update("base", "r-hg19-rrr", s -> {
            s.assembly = "hg19";
            s.epigenomes.add("--peaks e1.bed:K562");
        });
        a.makeCurrent("base", "r-lane", r);
        a.commit("base");
        String committed = JSON.writeValueAsString(a.load("r-hg19-rrr"));

        // run t2 of A: a second epigenome and a model on r, a new reference s made current in two lanes
        a.update("t2", "r-hg19-rrr", s -> {
            s.epigenomes.add("--peaks e2.bed:GM12878");
            s.pretrained = "/runs/t2/pretrain";
        });
        ReferenceState s = a.update("t2", "r-hg19-sss", x -> x.tokens = "/runs/t2/tokenize");
        a.makeCurrent("t2", "r-lane", s);
        a.makeCurrent("t2", "r-new-lane", s);
        a.rollback("t2");
        assertEquals(committed, JSON.writeValueAsString(a.load("r-hg19-rrr")), "r exactly as committed");
        assertNull(a.load("r-hg19-sss"), "s did not exist before t2");
        assertEquals(0, rows("SELECT count(*) FROM regbert_references WHERE id = 'r-hg19-sss'"), "no row left for s");
        assertEquals("r-hg19-rrr", a.current("r-lane").id);
        assertNull(a.current("r-new-lane"));
        assertEquals(0, rows("SELECT count(*) FROM regbert_current_references WHERE lane = 'r-new-lane'"));
        assertEquals(List.of(), a.open());

        // A's t3 adds e3, then B's t4 adds e4 and a model; t3 rolls back: [e1, e4] and B's model stay
        a.update("t3", "r-hg19-rrr", x -> x.epigenomes.add("--peaks e3.bed:HepG2"));
        b.update("t4", "r-hg19-rrr", x -> {
            x.epigenomes.add("--peaks e4.bed:A549");
            x.pretrained = "/runs/t4/pretrain";
        });
        a.rollback("t3");
        ReferenceState after = b.load("r-hg19-rrr");
        assertEquals(List.of("--peaks e1.bed:K562", "--peaks e4.bed:A549"), after.epigenomes);
        assertEquals("/runs/t4/pretrain", after.pretrained);
        assertEquals(List.of("t4"), b.open());
    }

    @Test
    void aRestartRollsBackOnlyItsOwnOpenTransactions() throws Exception {
        Path rootA = dir.resolve("a");
        References a = references(rootA);
        References b = references(dir.resolve("b"));
        RunJournal journalA = journal(rootA, a);
        // A: run x-cut is cut by a kill (no final record); run x-done has its final record, its commit cut
        RunRecord cut = new RunRecord();
        cut.id = "x-cut";
        cut.status = "running";
        journalA.save(cut);
        a.update("x-cut", "x-hg19-new", r -> r.tokens = "/runs/x-cut/tokenize");
        a.makeCurrent("x-cut", "x-lane", a.load("x-hg19-new"));
        RunRecord done = new RunRecord();
        done.id = "x-done";
        done.status = "succeeded";
        done.finished = "2026-12-06T00:00:00Z";
        journalA.save(done);
        a.update("x-done", "x-hg19-kept", r -> r.labels.put("ctcf", "/runs/x-done/ctcf.bed"));
        // B: run y-open still running (B is alive)
        b.update("y-open", "x-hg19-b", r -> r.tokens = "/runs/y-open/tokenize");
        assertEquals(List.of("x-cut", "x-done"), a.open());

        // A restarts: a new journal on A's root recovers A's transactions
        References restarted = references(rootA);
        journal(rootA, restarted);
        assertNull(b.load("x-hg19-new"), "x-cut rolled back: its reference is gone");
        assertNull(b.current("x-lane"), "and its pointer");
        assertEquals("/runs/x-done/ctcf.bed", b.load("x-hg19-kept").labels.get("ctcf"), "x-done committed");
        assertEquals(List.of(), restarted.open());
        assertEquals("/runs/y-open/tokenize", b.load("x-hg19-b").tokens, "B's open change untouched");
        assertEquals(List.of("y-open"), b.open());
    }

    private static RunJournal journal(Path root, References refs) {
        RunJournal j = new RunJournal();
        j.settings = settings(root);
        j.mapper = JSON;
        j.database = refs.database;
        j.references = refs;
        j.load();
        return j;
    }

    @Test
    void twoInstancesUpdatingOneReferenceAtOnceLoseNothing() throws Exception {
        References a = references(dir.resolve("a"));
        References b = references(dir.resolve("b"));
        int threads = 8;
        int changes = 25;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            References refs = t % 2 == 0 ? a : b;  // 4 threads per instance
            int thread = t;
            done.add(pool.submit(() -> {
                go.await();
                for (int k = 0; k < changes; k++) {
                    int step = k;
                    refs.update("c-" + thread, "c-hg19-ccc", r -> {
                        r.epigenomes.add("--peaks t" + thread + "-" + step + ".bed:K562");
                        r.labels.put("t" + thread, Integer.toString(step));
                        sleep();  // holding the row: without the lock the others' reads would go stale here
                    });
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        // by hand: 8 threads x 25 changes, each adding its own epigenome -> 200 distinct entries; each thread's
        // label holds its last step, 24
        ReferenceState ref = a.load("c-hg19-ccc");
        assertEquals(200, ref.epigenomes.size());
        assertEquals(200, ref.epigenomes.stream().distinct().count());
        Map<String, String> last = new LinkedHashMap<>();
        for (int t = 0; t < threads; t++) {
            last.put("t" + t, "24");
            for (int k = 0; k < changes; k++) {
                assertTrue(ref.epigenomes.contains("--peaks t" + t + "-" + k + ".bed:K562"), "t" + t + "-" + k);
            }
        }
        assertEquals(last, ref.labels);
        // thread 0's transaction rolls back: its 25 entries and its label go, the other 175 and 7 labels stay
        a.rollback("c-0");
        ReferenceState rest = a.load("c-hg19-ccc");
        List<String> expected = new ArrayList<>(ref.epigenomes);
        expected.removeIf(e -> e.startsWith("--peaks t0-"));
        assertEquals(175, expected.size());
        assertEquals(expected, rest.epigenomes, "the others' entries, in their order");
        last.remove("t0");
        assertEquals(last, rest.labels);
    }

    /** The tasks of one run changing their reference side by side in its transaction, in PostgreSQL. */
    @Test
    void tasksOfOneRunChangingTheirReferenceAtOnceLoseNothingAndRollBackExactly() throws Exception {
        TasksSideBySide.check(references(dir.resolve("t")), "t-hg19-ttt");
    }

    private static void sleep() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aMetadataTableRecordedByOneInstanceRoutesFilesForAnother() throws Exception {
        SharedMetadata a = metadata(dir.resolve("a"));
        SharedMetadata b = metadata(dir.resolve("b"));
        Path tsv = Files.createDirectories(dir.resolve("a/state/metadata")).resolve("m-run-metadata.tsv");
        Files.writeString(tsv, "File accession\tFile format\tOutput type\tAssay\tBiosample term name\t"
                + "Experiment target\tFile assembly\n"
                + "ENCFF777CTC\tbed narrowPeak\tconservative IDR thresholded peaks\tTF ChIP-seq\tHepG2\tCTCF-human\thg19\n",
                StandardCharsets.UTF_8);
        MetadataCatalog catalogB = new MetadataCatalog();
        b.pull(catalogB);
        assertEquals(Classifier.Kind.IGNORED, Classifier.classify("ENCFF777CTC.bed.gz", catalogB, List.of("hg19")).kind(),
                "before A records the table, B knows nothing of the file");
        a.publish(tsv);
        b.pull(catalogB);
        Classifier.Decision d = Classifier.classify("ENCFF777CTC.bed.gz", catalogB, List.of("hg19"));
        assertEquals(Classifier.Kind.LABELS, d.kind(), "conservative TF ChIP-seq peaks are labels (README table)");
        assertEquals(Files.readString(tsv), Files.readString(dir.resolve("b/state/metadata/m-run-metadata.tsv")),
                "B keeps its own copy of the table");
    }

    private static SharedMetadata metadata(Path root) {
        SharedMetadata m = new SharedMetadata();
        m.settings = settings(root);
        m.database = database(root);
        return m;
    }

    private static long rows(String sql) throws Exception {
        try (Connection c = pg.connect(); PreparedStatement q = c.prepareStatement(sql); ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
