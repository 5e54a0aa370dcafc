package org.regbert.serve;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where the references' states and each lane's current reference are kept, with the before-images that
 * make a run's changes to them one transaction: files under {@code state/} ({@link FileReferences}, the
 * default) or the shared PostgreSQL ({@link JdbcReferences}, {@code regbert.serve.jdbc-url}).
 * TRANSACTION is the id of the inbox run whose chain makes a change (header {@code regbertTransaction}).
 */
interface ReferenceStore {
    /** The reference's state, or null when the service has not seen it (ID null: null). */
    ReferenceState load(String id) throws IOException;

    /** Applies CHANGE to the reference's latest state (a new one when absent) and saves it; the new state. */
    ReferenceState update(String transaction, String id, Consumer<ReferenceState> change) throws IOException;

    /** The lane's current reference (lane null: the inbox itself), or null before the first one. */
    ReferenceState current(String lane) throws IOException;

    /** Makes REF the lane's current reference (its shards align the files dropped next in the lane). */
    void makeCurrent(String transaction, String lane, ReferenceState ref) throws IOException;

    /** The transaction's changes stand. */
    void commit(String transaction) throws IOException;

    /**
     * Keeps run record ID's JSON as it was before TRANSACTION's first change to it (another run's record
     * the chain changes: a waiting VCF scored there); later calls for the same record keep the first.
     */
    void rememberRecord(String transaction, String id, byte[] json) throws IOException;

    /**
     * The transaction's changes are undone; each other run's record it changed goes to RECORDS (its JSON
     * before the change) to be journalled again.
     */
    void rollback(String transaction, Consumer<byte[]> records) throws IOException;

    /** The transaction's changes are undone, for a transaction that changed no other run's record. */
    default void rollback(String transaction) throws IOException {
        rollback(transaction, json -> {
            throw new IllegalStateException("transaction " + transaction + " changed other runs' records");
        });
    }

    /** This instance's transactions still open (the service stopped during them, or a commit was cut short). */
    List<String> open();
}
