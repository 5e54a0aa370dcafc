package org.regbert.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Run records kept as JSON lines ({@code state/runs.jsonl}): every change of a record appends its whole
 * new state and is forced to disk; on start the last line of each id wins. Append-only, so a crash
 * loses at most the line being written (a torn last line is skipped on reading). With
 * {@code regbert.serve.jdbc-url} they are rows of the shared database instead ({@link JdbcRuns}): this
 * instance keeps its own records in memory as before, {@link #all} and {@link #get} read every
 * instance's, and a restart marks only its own unfinished runs interrupted.
 */
@ApplicationScoped
public class RunJournal {
    @Inject
    ServeSettings settings;
    @Inject
    ObjectMapper mapper;
    @Inject
    SharedDatabase database;
    @Inject
    ProcessedJournal processed;
    @Inject
    References references;

    /** This instance's records (with the file: all of them). */
    private final Map<String, RunRecord> runs = new LinkedHashMap<>();
    private Path file;
    /** The shared database's records, or null: the file. */
    private JdbcRuns shared;

    @PostConstruct
    void load() {
        file = settings.state().resolve("runs.jsonl");
        try {
            Files.createDirectories(file.getParent());
            if (database != null && database.enabled()) {
                shared = new JdbcRuns(database, mapper);
                runs.putAll(shared.own());
            } else {
                runs.putAll(read(file, mapper));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // a kill between a final record and its processed key (two files): the key is journalled now, so
        // the input, still in the inbox, is not run a second time
        if (shared == null && processed != null) {
            for (RunRecord r : runs.values()) {
                if (r.processedKey != null && !processed.contains(r.processedKey)) {
                    processed.add(r.processedKey);
                }
            }
        }
        // state changes of runs cut short are undone; those of runs that finished (a kill came between
        // the record and the commit) stand. With a shared database: only this instance's transactions
        for (String transaction : references.open()) {
            RunRecord r = runs.get(transaction);
            try {
                if (r == null || r.finished == null || "failed".equals(r.status)) {
                    references.rollback(transaction, this::restore);
                } else {
                    references.commit(transaction);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot recover the state changes of run " + transaction, e);
            }
        }
        // runs cut short by a crash or kill: their inputs were never journalled as processed and are
        // still in the inbox, so they run again under a new id
        for (RunRecord r : new ArrayList<>(runs.values())) {
            if (r.finished == null) {
                for (RunRecord.Stage stage : r.stages) {
                    if ("running".equals(stage.status)) {
                        stage.status = "interrupted";
                        removeCutOutput(stage.output);
                    }
                }
                r.status = "interrupted";
                r.reason = "the service stopped during this run; the input runs again";
                r.finished = java.time.Instant.now().toString();
                save(r);
            }
        }
    }

    /**
     * The output folder NAME of a stage cut by the kill (a staging folder in it, pretrain's checkpoints)
     * and the hidden files named after it beside it (the claim {@code .NAME.regbert-lock}, evaluate's
     * staging folder {@code .NAME.staging-*}): half-made, read by nothing (the rerun writes into its own
     * run folder), so they go. Only a folder inside the runs folder is touched.
     */
    private void removeCutOutput(String output) {
        if (output == null) {
            return;
        }
        Path dir = Path.of(output).toAbsolutePath().normalize();
        Path runsDir = settings.outputs().toAbsolutePath().normalize();
        if (!dir.startsWith(runsDir) || dir.equals(runsDir)) {
            return;
        }
        if (!Files.isDirectory(dir.getParent())) {
            return;
        }
        String besides = "." + dir.getFileName() + ".";
        try {
            List<Path> cut = new ArrayList<>(List.of(dir));
            try (java.util.stream.Stream<Path> siblings = Files.list(dir.getParent())) {
                siblings.filter(p -> p.getFileName().toString().startsWith(besides)).forEach(cut::add);
            }
            for (Path p : cut) {
                org.regbert.common.FileTrees.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the output of a stage cut short: " + dir, e);
        }
    }

    /**
     * Journals again a record as it was before a rolled-back transaction changed it (ReferenceUndo); the
     * output of a stage the chain was running for it (a waiting VCF's score) goes, as for a run cut short.
     */
    synchronized void restore(byte[] json) {
        try {
            RunRecord before = mapper.readValue(json, RunRecord.class);
            RunRecord now = runs.get(before.id);
            if (now != null) {
                for (RunRecord.Stage stage : now.stages) {
                    if ("running".equals(stage.status)) {
                        removeCutOutput(stage.output);
                    }
                }
            }
            save(before);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a run record kept for a rollback", e);
        }
    }

    /**
     * The records of a journal file, by id, in first-seen order: the last line of each id wins, a torn
     * line (cut by a crash, or being written right now by a running service) is skipped.
     */
    static Map<String, RunRecord> read(Path file, ObjectMapper mapper) throws IOException {
        Map<String, RunRecord> byId = new LinkedHashMap<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    RunRecord r = mapper.readValue(line, RunRecord.class);
                    byId.put(r.id, r);
                } catch (IOException torn) {
                    // a line cut by a crash, or the one being written: the record before it stands
                }
            }
        }
        return byId;
    }

    public synchronized void save(RunRecord record) {
        write(record, null);
    }

    /**
     * Applies CHANGE to the latest state of record ID and journals it; returns the new state (a copy of
     * its own). The tasks of one run fine-tune side by side, each changing the run's record (its stage
     * entries, notes, deliveries): a change made to the latest state under the journal's lock keeps the
     * others', where saving a copy read earlier would drop what was journalled since. CHANGE must not
     * call into the reference store (a rollback holds the store's lock and journals records).
     */
    public synchronized RunRecord update(String id, Consumer<RunRecord> change) {
        RunRecord next = changedCopy(id, change);
        write(next, null);
        return next;
    }

    /** {@link #update}, for a run's final record: journalled with its processed key as {@link #finish(RunRecord, String)}. */
    public synchronized RunRecord finish(String id, Consumer<RunRecord> change, String processedKey) {
        RunRecord next = changedCopy(id, change);
        finish(next, processedKey);
        return next;
    }

    /** A copy of record ID's latest state with CHANGE applied (the caller holds the journal's lock). */
    private RunRecord changedCopy(String id, Consumer<RunRecord> change) {
        RunRecord latest = get(id);
        if (latest == null) {
            throw new IllegalStateException("no run record " + id);
        }
        RunRecord next = copy(latest);
        change.accept(next);
        return next;
    }

    /** A copy of record ID's latest state to change freely (null: no such record). */
    public synchronized RunRecord snapshot(String id) {
        RunRecord latest = get(id);
        return latest == null ? null : copy(latest);
    }

    private RunRecord copy(RunRecord record) {
        try {
            return mapper.readValue(mapper.writeValueAsBytes(record), RunRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy run record " + record.id, e);
        }
    }

    /**
     * A run's final record and, when PROCESSED_KEY is not null, its input journalled as processed: in one
     * transaction in the shared database; with files the record first, then the key.
     */
    public synchronized void finish(RunRecord record, String processedKey) {
        if (processedKey != null) {
            record.processedKey = processedKey;  // the record carries it: a kill before the key's own write is repaired on restart
        }
        write(record, processedKey);
        if (shared == null && processedKey != null) {
            processed.add(processedKey);
        }
    }

    private void write(RunRecord record, String processedKey) {
        try {
            byte[] json = mapper.writeValueAsBytes(record);
            if (shared != null) {
                shared.save(record, new String(json, StandardCharsets.UTF_8), processedKey);
            } else {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND)) {
                    byte[] line = Arrays.copyOf(json, json.length + 1);
                    line[json.length] = '\n';
                    ch.write(ByteBuffer.wrap(line));
                    ch.force(false);
                }
            }
            runs.put(record.id, mapper.readValue(json, RunRecord.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run journal " + file, e);
        }
    }

    /** Every run record (with a shared database: every instance's), oldest first. */
    public synchronized List<RunRecord> all() {
        return shared != null ? shared.all() : new ArrayList<>(runs.values());
    }

    public synchronized RunRecord get(String id) {
        RunRecord own = runs.get(id);
        return own != null || shared == null || id == null ? own : shared.get(id);
    }
}
