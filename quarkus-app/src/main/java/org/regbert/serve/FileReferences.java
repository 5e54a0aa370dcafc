package org.regbert.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Consumer;

/**
 * The references' states as files under STATE (the default, one instance): {@code references/ID/state.json},
 * and each lane's current one in {@code current-shards} (files dropped in the inbox itself) or
 * {@code lanes/LANE/current-shards} (those dropped in {@code inbox/LANE/}): its shards, its FASTA, its id.
 * Every change is written to a temporary file and moved into place, so a crash leaves the old state or the
 * new one; its file's before-image is kept by {@link ReferenceUndo} first.
 */
final class FileReferences implements ReferenceStore {
    private final Path state;
    private final ObjectMapper mapper;

    FileReferences(Path state, ObjectMapper mapper) {
        this.state = state;
        this.mapper = mapper;
    }

    @Override
    public synchronized ReferenceState load(String id) throws IOException {
        if (id == null) {
            return null;
        }
        Path file = state.resolve("references").resolve(SafeNames.token(id)).resolve("state.json");
        return Files.exists(file) ? mapper.readValue(file.toFile(), ReferenceState.class) : null;
    }

    @Override
    public synchronized ReferenceState update(String transaction, String id, Consumer<ReferenceState> change)
            throws IOException {
        ReferenceState ref = load(id);
        if (ref == null) {
            ref = new ReferenceState();
            ref.id = id;
        }
        change.accept(ref);
        Path dir = Files.createDirectories(state.resolve("references").resolve(SafeNames.token(ref.id)));
        ReferenceUndo.remember(state, transaction, dir.resolve("state.json"));
        Path tmp = dir.resolve(".state.json.tmp");
        Files.write(tmp, mapper.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(ref));
        Files.move(tmp, dir.resolve("state.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return ref;
    }

    @Override
    public synchronized ReferenceState current(String lane) throws IOException {
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

    @Override
    public synchronized void makeCurrent(String transaction, String lane, ReferenceState ref) throws IOException {
        Path pointer = Files.createDirectories(pointer(lane).getParent()).resolve("current-shards");
        ReferenceUndo.remember(state, transaction, pointer);
        // shards, the reference they came from (its .fai names the contigs for align's aliases), its state
        Path tmp = pointer.resolveSibling(".current-shards.tmp");
        Files.writeString(tmp, ref.tokens + "\n" + ref.fasta + "\n" + ref.id + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, pointer, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The lane's current-shards pointer file. */
    private Path pointer(String lane) {
        return lane == null ? state.resolve("current-shards")
                : state.resolve("lanes").resolve(SafeNames.token(lane)).resolve("current-shards");
    }

    @Override
    public synchronized void commit(String transaction) throws IOException {
        ReferenceUndo.commit(state, transaction);
    }

    @Override
    public synchronized void rememberRecord(String transaction, String id, byte[] json) throws IOException {
        ReferenceUndo.rememberRecord(state, transaction, id, json);
    }

    @Override
    public synchronized void rollback(String transaction, Consumer<byte[]> records) throws IOException {
        ReferenceUndo.rollback(state, transaction, records);
    }

    @Override
    public synchronized List<String> open() {
        return ReferenceUndo.open(state);
    }
}
