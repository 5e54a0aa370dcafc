package org.regbert.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Consumer;

/**
 * The references' states ({@code state/references/ID/state.json}) and each lane's current one
 * ({@code state/current-shards} for files dropped in the inbox itself, {@code state/lanes/LANE/current-shards}
 * for those dropped in {@code inbox/LANE/}: its shards, its FASTA, its id; the lane's latest FASTA
 * tokenized), which peaks, states, labels and VCFs dropped later in that lane go to. Every change is written to a temporary file and
 * moved into place, so a crash leaves the old state or the new one; and every change belongs to a
 * transaction (the inbox run whose chain makes it, {@link ReferenceUndo}) that commits or rolls back
 * as a whole, so a kill between two stages of a chain does not leave half of the chain's changes.
 */
@ApplicationScoped
public class References {
    @Inject
    ServeSettings settings;
    @Inject
    ObjectMapper mapper;

    /** The reference's state, or null when the service has not seen it. */
    synchronized ReferenceState load(String id) throws IOException {
        if (id == null) {
            return null;
        }
        Path file = settings.state().resolve("references").resolve(SafeNames.token(id)).resolve("state.json");
        return Files.exists(file) ? mapper.readValue(file.toFile(), ReferenceState.class) : null;
    }

    /**
     * Applies a change to the reference's latest state and saves it, as part of TRANSACTION (the id of
     * the inbox run whose chain makes it: header {@code regbertTransaction}); returns the new state.
     */
    synchronized ReferenceState update(String transaction, String id, Consumer<ReferenceState> change)
            throws IOException {
        ReferenceState ref = load(id);
        if (ref == null) {
            ref = new ReferenceState();
            ref.id = id;
        }
        change.accept(ref);
        Path dir = Files.createDirectories(settings.state().resolve("references").resolve(SafeNames.token(ref.id)));
        ReferenceUndo.remember(settings.state(), transaction, dir.resolve("state.json"));
        Path tmp = dir.resolve(".state.json.tmp");
        Files.write(tmp, mapper.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(ref));
        Files.move(tmp, dir.resolve("state.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return ref;
    }

    /** The lane's current reference (its latest FASTA tokenized; lane null: the inbox itself), or null before the first one. */
    synchronized ReferenceState current(String lane) throws IOException {
        Path pointer = pointer(lane);
        if (!Files.exists(pointer)) {
            return null;
        }
        List<String> pointed;
        try {
            pointed = Files.readAllLines(pointer, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot read the current-shards pointer " + pointer + ": " + e, e);
        }
        return pointed.size() > 2 ? load(pointed.get(2).strip()) : null;
    }

    /** Makes the reference's shards the lane's current ones (align's input for the files dropped next in the lane). */
    synchronized void makeCurrent(String transaction, String lane, ReferenceState ref) throws IOException {
        Path pointer = Files.createDirectories(pointer(lane).getParent()).resolve("current-shards");
        ReferenceUndo.remember(settings.state(), transaction, pointer);
        // shards, the reference they came from (its .fai names the contigs for align's aliases), its state
        Path tmp = pointer.resolveSibling(".current-shards.tmp");
        Files.writeString(tmp, ref.tokens + "\n" + ref.fasta + "\n" + ref.id + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, pointer, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The lane's current-shards pointer file. */
    private Path pointer(String lane) {
        return lane == null ? settings.state().resolve("current-shards")
                : settings.state().resolve("lanes").resolve(SafeNames.token(lane)).resolve("current-shards");
    }

    /** The transaction's changes stand (its run has finished). */
    synchronized void commit(String transaction) throws IOException {
        ReferenceUndo.commit(settings.state(), transaction);
    }

    /**
     * Keeps RUN's record as it is now, before TRANSACTION's chain first changes it (a run other than the
     * transaction's own: a waiting VCF scored in the chain of the labels run that made the model).
     */
    synchronized void rememberRecord(String transaction, RunRecord run) throws IOException {
        ReferenceUndo.rememberRecord(settings.state(), transaction, run.id, mapper.writeValueAsBytes(run));
    }

    /**
     * The transaction's changes are undone (its run failed): the state files, and the other runs'
     * records it changed are handed to RECORDS (their JSON before the chain) to be journalled again.
     */
    synchronized void rollback(String transaction, java.util.function.Consumer<byte[]> records) throws IOException {
        ReferenceUndo.rollback(settings.state(), transaction, records);
    }
}
