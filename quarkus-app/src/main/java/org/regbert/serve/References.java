package org.regbert.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * The references' states and each lane's current reference (the lane's latest FASTA tokenized), which
 * peaks, states, labels and VCFs dropped later in that lane go to. Every change belongs to a transaction
 * (the inbox run whose chain makes it) that commits or rolls back as a whole, so a kill between two stages
 * of a chain does not leave half of the chain's changes. Kept in files under {@code state/}
 * ({@link FileReferences}) or, with {@code regbert.serve.jdbc-url}, in the shared PostgreSQL
 * ({@link JdbcReferences}), where every instance sees them.
 */
@ApplicationScoped
public class References {
    @Inject
    ServeSettings settings;
    @Inject
    ObjectMapper mapper;
    @Inject
    SharedDatabase database;

    private ReferenceStore store;

    private synchronized ReferenceStore store() {
        if (store == null) {
            store = database != null && database.enabled() ? new JdbcReferences(database, mapper)
                    : new FileReferences(settings.state(), mapper);
        }
        return store;
    }

    /** The reference's state, or null when the service has not seen it. */
    ReferenceState load(String id) throws IOException {
        return store().load(id);
    }

    /**
     * Applies a change to the reference's latest state and saves it, as part of TRANSACTION (the id of
     * the inbox run whose chain makes it: header {@code regbertTransaction}); returns the new state.
     */
    ReferenceState update(String transaction, String id, Consumer<ReferenceState> change) throws IOException {
        return store().update(transaction, id, change);
    }

    /** The lane's current reference (its latest FASTA tokenized; lane null: the inbox itself), or null before the first one. */
    ReferenceState current(String lane) throws IOException {
        return store().current(lane);
    }

    /** Makes the reference's shards the lane's current ones (align's input for the files dropped next in the lane). */
    void makeCurrent(String transaction, String lane, ReferenceState ref) throws IOException {
        store().makeCurrent(transaction, lane, ref);
    }

    /** The transaction's changes stand (its run has finished). */
    void commit(String transaction) throws IOException {
        store().commit(transaction);
    }

    /**
     * Keeps RUN's record as it is now, before TRANSACTION's chain first changes it (a run other than the
     * transaction's own: a waiting VCF scored in the chain of the labels run that made the model).
     */
    void rememberRecord(String transaction, RunRecord run) throws IOException {
        store().rememberRecord(transaction, run.id, mapper.writeValueAsBytes(run));
    }

    /**
     * The transaction's changes are undone (its run failed): the reference states and pointers, and the
     * other runs' records it changed are handed to RECORDS (their JSON before the chain) to be journalled again.
     */
    void rollback(String transaction, Consumer<byte[]> records) throws IOException {
        store().rollback(transaction, records);
    }

    /** The transaction's changes are undone, for a transaction that changed no other run's record. */
    void rollback(String transaction) throws IOException {
        store().rollback(transaction);
    }

    /** This instance's open transactions (on start: runs the service stopped during). */
    List<String> open() {
        return store().open();
    }
}
