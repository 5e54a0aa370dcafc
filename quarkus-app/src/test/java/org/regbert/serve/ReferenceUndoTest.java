package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Before-images per transaction: what a rollback restores, what a commit keeps, a rollback cut short. */
class ReferenceUndoTest {
    @TempDir
    Path state;

    @Test
    void rollbackRestoresEveryFileAsBeforeTheFirstChangeAndRemovesNewOnes() throws Exception {
        Path existing = Files.createDirectories(state.resolve("references/hg19-a")).resolve("state.json");
        Files.writeString(existing, "before");
        Path created = state.resolve("references/hg19-b/state.json");
        Path pointer = state.resolve("current-shards");

        ReferenceUndo.remember(state, "run-1", existing);
        Files.writeString(existing, "first change");
        ReferenceUndo.remember(state, "run-1", existing);  // the second change keeps the first image
        Files.writeString(existing, "second change");
        ReferenceUndo.remember(state, "run-1", created);
        Files.createDirectories(created.getParent());
        Files.writeString(created, "new reference");
        ReferenceUndo.remember(state, "run-1", pointer);
        Files.writeString(pointer, "b");
        assertEquals(List.of("run-1"), ReferenceUndo.open(state));

        ReferenceUndo.rollback(state, "run-1");
        assertEquals("before", Files.readString(existing));
        assertFalse(Files.exists(created));
        assertFalse(Files.exists(pointer));
        assertEquals(List.of(), ReferenceUndo.open(state));
        ReferenceUndo.rollback(state, "run-1");  // nothing open: nothing happens
        assertEquals("before", Files.readString(existing));
    }

    @Test
    void commitKeepsTheChangesAndATransactionOnlyUndoesItsOwn() throws Exception {
        Path file = Files.createDirectories(state.resolve("references/r")).resolve("state.json");
        Files.writeString(file, "0");
        ReferenceUndo.remember(state, "run-1", file);
        Files.writeString(file, "1");
        ReferenceUndo.commit(state, "run-1");
        ReferenceUndo.remember(state, "run-2", file);
        Files.writeString(file, "2");
        ReferenceUndo.rollback(state, "run-2");
        assertEquals("1", Files.readString(file));
        assertEquals(List.of(), ReferenceUndo.open(state));
    }

    @Test
    void aRollbackCutShortIsDoneAgainAndAnImageCutShortIsIgnored() throws Exception {
        Path a = Files.createDirectories(state.resolve("references/a")).resolve("state.json");
        Path b = Files.createDirectories(state.resolve("references/b")).resolve("state.json");
        Files.writeString(a, "a0");
        Files.writeString(b, "b0");
        ReferenceUndo.remember(state, "run-1", a);
        ReferenceUndo.remember(state, "run-1", b);
        Files.writeString(a, "a1");
        Files.writeString(b, "b1");
        // a kill while the image of a third file was being written: its temporary copy is left
        Files.writeString(ReferenceUndo.dir(state, "run-1").resolve("current-shards.tmp"), "partial");
        Files.writeString(state.resolve("current-shards"), "unchanged");
        // a first rollback that restored a and then died: b and the images are still as they were
        Files.writeString(a, "a0");
        ReferenceUndo.rollback(state, "run-1");
        assertEquals("a0", Files.readString(a));
        assertEquals("b0", Files.readString(b));
        assertEquals("unchanged", Files.readString(state.resolve("current-shards")));
        assertTrue(ReferenceUndo.open(state).isEmpty());
    }

    /** The tasks of one run changing their reference side by side in its transaction, with the file store. */
    @Test
    void tasksOfOneRunChangingTheirReferenceAtOnceLoseNothingAndRollBackExactly() throws Exception {
        References refs = new References();
        refs.settings = (ServeSettings) java.lang.reflect.Proxy.newProxyInstance(ServeSettings.class.getClassLoader(),
                new Class<?>[] {ServeSettings.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "root" -> state.getParent();
                    case "state" -> state;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        refs.mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        TasksSideBySide.check(refs, "t-hg19-ttt");
    }

    /**
     * Another run's record changed in a transaction (a waiting VCF scored in a labels run's chain): its
     * first image is handed back on rollback, dropped on commit; a rollback that cannot journal
     * records refuses before it changes anything.
     */
    @Test
    void recordImagesAreHandedBackOnRollbackAndDroppedOnCommit() throws Exception {
        Path file = Files.createDirectories(state.resolve("references/r")).resolve("state.json");
        Files.writeString(file, "0");
        ReferenceUndo.remember(state, "run-1", file);
        Files.writeString(file, "1");
        ReferenceUndo.rememberRecord(state, "run-1", "vcf", "{\"id\":\"vcf\",\"status\":\"waiting\"}".getBytes());
        ReferenceUndo.rememberRecord(state, "run-1", "vcf", "{\"id\":\"vcf\",\"status\":\"succeeded\"}".getBytes());

        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ReferenceUndo.rollback(state, "run-1"));
        assertEquals("1", Files.readString(file), "refused before any change");
        List<String> handedBack = new java.util.ArrayList<>();
        ReferenceUndo.rollback(state, "run-1", json -> handedBack.add(new String(json)));
        assertEquals(List.of("{\"id\":\"vcf\",\"status\":\"waiting\"}"), handedBack, "the first image");
        assertEquals("0", Files.readString(file));
        assertEquals(List.of(), ReferenceUndo.open(state));

        ReferenceUndo.rememberRecord(state, "run-2", "vcf", "{}".getBytes());
        ReferenceUndo.commit(state, "run-2");
        assertEquals(List.of(), ReferenceUndo.open(state));
    }
}
