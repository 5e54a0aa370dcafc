package org.regbert.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Run records in the shared database (table {@code regbert_runs}, one row per run: its JSON, the
 * instance that made it): what {@link RunJournal} keeps in {@code state/runs.jsonl} when there is none.
 * A final record is written in one transaction with its input's processed key and the settling of the
 * S3 claim that led to it, so no kill leaves a finished run whose input would run again.
 */
final class JdbcRuns {
    private final SharedDatabase database;
    private final ObjectMapper mapper;

    JdbcRuns(SharedDatabase database, ObjectMapper mapper) {
        this.database = database;
        this.mapper = mapper;
    }

    /** This instance's records, by id, oldest first. */
    Map<String, RunRecord> own() {
        Map<String, RunRecord> byId = new LinkedHashMap<>();
        for (RunRecord r : select("SELECT record FROM regbert_runs WHERE instance = ? ORDER BY seq",
                database.instance())) {
            byId.put(r.id, r);
        }
        return byId;
    }

    /** Every instance's records, oldest first. */
    List<RunRecord> all() {
        return select("SELECT record FROM regbert_runs ORDER BY seq");
    }

    RunRecord get(String id) {
        List<RunRecord> one = select("SELECT record FROM regbert_runs WHERE id = ?", id);
        return one.isEmpty() ? null : one.get(0);
    }

    /**
     * Saves the record (JSON); PROCESSED_KEY (or null) is journalled with it. A run that reached an
     * outcome (not cut short: "interrupted") settles the S3 claim it came from.
     */
    void save(RunRecord record, String json, String processedKey) {
        database.inTransaction(c -> {
            try (PreparedStatement up = c.prepareStatement("INSERT INTO regbert_runs (id, instance, status, finished,"
                    + " record) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET status = excluded.status,"
                    + " finished = excluded.finished, record = excluded.record")) {
                up.setString(1, record.id);
                up.setString(2, database.instance());
                up.setString(3, record.status);
                up.setString(4, record.finished);
                up.setString(5, json);
                up.executeUpdate();
            }
            if (processedKey != null) {
                ProcessedJournal.insert(c, processedKey, record.id, database.instance());
            }
            if (record.finished != null && !"interrupted".equals(record.status)) {
                S3Claims.settle(c, record.id);
            }
            return null;
        });
    }

    private List<RunRecord> select(String sql, String... args) {
        return database.inTransaction(c -> {
            List<RunRecord> out = new ArrayList<>();
            try (PreparedStatement q = SharedDatabase.prepare(c, sql, args); ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(parse(rs.getString(1)));
                }
            }
            return out;
        });
    }

    private RunRecord parse(String json) {
        try {
            return mapper.readValue(json, RunRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException("a run record in regbert_runs is not JSON", e);
        }
    }
}
