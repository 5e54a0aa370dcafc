package org.regbert.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The references' states in the shared database ({@code regbert.serve.jdbc-url}), where every instance
 * sees them: {@code regbert_references} (id, the state's JSON), {@code regbert_current_references} (lane,
 * '' for the inbox itself, and its current reference's id) and {@code regbert_reference_undo}, the changes
 * of open transactions (one row per change: transaction, kind and key of the row changed, the instance
 * running it, the row's value before and after the change; null: no row).
 *
 * <p>Each change is one database transaction that locks its row ({@code SELECT ... FOR UPDATE}, after
 * inserting an empty row when there is none, so two instances creating one reference queue on it too),
 * reads the latest committed value, applies the change and writes the value and its undo row: two
 * instances updating one reference both see their change kept. A rollback undoes its transaction's
 * changes latest first, each by {@link JsonRevert} (exactly the value before it when nobody changed the
 * row since), so it takes out only its own changes, never another instance's made in between; a restart
 * rolls back only its own instance's open transactions.
 */
final class JdbcReferences implements ReferenceStore {
    /** A kind of row the undo table names: its table and columns. */
    private record Kind(String name, String table, String key, String value) {
    }

    private static final Kind REFERENCE = new Kind("reference", "regbert_references", "id", "state");
    private static final Kind CURRENT = new Kind("current", "regbert_current_references", "lane", "reference_id");

    private final SharedDatabase database;
    private final ObjectMapper mapper;

    JdbcReferences(SharedDatabase database, ObjectMapper mapper) {
        this.database = database;
        this.mapper = mapper;
    }

    @Override
    public ReferenceState load(String id) {
        return id == null ? null : database.inTransaction(c -> parse(read(c, REFERENCE, id)));
    }

    @Override
    public ReferenceState update(String transaction, String id, Consumer<ReferenceState> change) {
        return database.inTransaction(c -> {
            String before = lock(c, REFERENCE, id);
            ReferenceState ref = before == null ? fresh(id) : parse(before);
            change.accept(ref);
            String after = json(ref);
            write(c, REFERENCE, id, after);
            remember(c, transaction, REFERENCE, id, before, after);
            return ref;
        });
    }

    @Override
    public ReferenceState current(String lane) {
        return database.inTransaction(c -> {
            String id = read(c, CURRENT, lane(lane));
            return id == null ? null : parse(read(c, REFERENCE, id));
        });
    }

    @Override
    public void makeCurrent(String transaction, String lane, ReferenceState ref) {
        database.inTransaction(c -> {
            String before = lock(c, CURRENT, lane(lane));
            write(c, CURRENT, lane(lane), ref.id);
            remember(c, transaction, CURRENT, lane(lane), before, ref.id);
            return null;
        });
    }

    @Override
    public void commit(String transaction) {
        database.inTransaction(c -> {
            for (String table : List.of("regbert_reference_undo", "regbert_record_undo")) {
                try (PreparedStatement d = SharedDatabase.prepare(c, "DELETE FROM " + table + " WHERE tx = ?",
                        transaction)) {
                    d.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public void rememberRecord(String transaction, String id, byte[] json) {
        database.update("INSERT INTO regbert_record_undo (tx, id, instance, record) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (tx, id) DO NOTHING", transaction, id, database.instance(),
                new String(json, StandardCharsets.UTF_8));
    }

    @Override
    public void rollback(String transaction, Consumer<byte[]> records) {
        database.inTransaction(c -> {
            // other runs' records first, inside the transaction: a failure leaves every undo row for the next try
            try (PreparedStatement q = SharedDatabase.prepare(c, "SELECT record FROM regbert_record_undo WHERE tx = ?"
                    + " ORDER BY id FOR UPDATE", transaction); ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    records.accept(rs.getString(1).getBytes(StandardCharsets.UTF_8));
                }
            }
            try (PreparedStatement d = SharedDatabase.prepare(c, "DELETE FROM regbert_record_undo WHERE tx = ?",
                    transaction)) {
                d.executeUpdate();
            }
            List<String[]> changes = new ArrayList<>();
            // rows locked in one order by every rollback (no deadlock between two), each row's changes latest first
            try (PreparedStatement q = SharedDatabase.prepare(c, "SELECT kind, key, before, after FROM"
                    + " regbert_reference_undo WHERE tx = ? ORDER BY kind, key, step DESC FOR UPDATE", transaction);
                    ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    changes.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
            for (String[] change : changes) {
                Kind kind = REFERENCE.name.equals(change[0]) ? REFERENCE : CURRENT;
                undo(c, kind, change[1], change[2], change[3]);
            }
            try (PreparedStatement d = SharedDatabase.prepare(c, "DELETE FROM regbert_reference_undo WHERE tx = ?",
                    transaction)) {
                d.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<String> open() {
        return database.inTransaction(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement q = SharedDatabase.prepare(c, "SELECT tx FROM regbert_reference_undo WHERE instance = ?"
                    + " UNION SELECT tx FROM regbert_record_undo WHERE instance = ? ORDER BY tx", database.instance(),
                    database.instance()); ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /** Undoes one change (BEFORE to AFTER) of the row, keeping what other transactions changed since. */
    private void undo(Connection c, Kind kind, String key, String before, String after) throws SQLException {
        JsonNode now = node(kind, lock(c, kind, key));
        // a reference the transaction created: undone to the empty state update starts from, then no row
        JsonNode empty = kind == REFERENCE ? node(kind, json(fresh(key))) : null;
        JsonNode restored = JsonRevert.revert(before == null ? empty : node(kind, before), node(kind, after), now);
        if (restored == null || (before == null && restored.equals(empty))) {
            try (PreparedStatement d = SharedDatabase.prepare(c, "DELETE FROM " + kind.table + " WHERE " + kind.key
                    + " = ?", key)) {
                d.executeUpdate();
            }
        } else {
            write(c, kind, key, kind == REFERENCE ? restored.toString() : restored.asText());
        }
    }

    /** The row's value, the row locked until the end of the transaction (an empty row made when none). */
    private static String lock(Connection c, Kind kind, String key) throws SQLException {
        try (PreparedStatement i = SharedDatabase.prepare(c, "INSERT INTO " + kind.table + " (" + kind.key
                + ") VALUES (?) ON CONFLICT DO NOTHING", key)) {
            i.executeUpdate();
        }
        return select(c, "SELECT " + kind.value + " FROM " + kind.table + " WHERE " + kind.key + " = ? FOR UPDATE", key);
    }

    private static String read(Connection c, Kind kind, String key) throws SQLException {
        return select(c, "SELECT " + kind.value + " FROM " + kind.table + " WHERE " + kind.key + " = ?", key);
    }

    private static String select(Connection c, String sql, String key) throws SQLException {
        try (PreparedStatement q = SharedDatabase.prepare(c, sql, key); ResultSet rs = q.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void write(Connection c, Kind kind, String key, String value) throws SQLException {
        try (PreparedStatement u = SharedDatabase.prepare(c, "UPDATE " + kind.table + " SET " + kind.value + " = ?"
                + " WHERE " + kind.key + " = ?", value, key)) {
            u.executeUpdate();
        }
    }

    /** One change of the row in TRANSACTION, kept until the transaction commits (what its rollback undoes). */
    private void remember(Connection c, String transaction, Kind kind, String key, String before, String after)
            throws SQLException {
        if (transaction == null) {
            return;  // a change outside any run's chain stands at once
        }
        try (PreparedStatement i = SharedDatabase.prepare(c, "INSERT INTO regbert_reference_undo (tx, kind, key,"
                + " instance, before, after) VALUES (?, ?, ?, ?, ?, ?)", transaction, kind.name, key,
                database.instance(), before, after)) {
            i.executeUpdate();
        }
    }

    /** The lane's row key: '' for the inbox itself (no lane is named ''). */
    private static String lane(String lane) {
        return lane == null ? "" : lane;
    }

    private static ReferenceState fresh(String id) {
        ReferenceState ref = new ReferenceState();
        ref.id = id;
        return ref;
    }

    private JsonNode node(Kind kind, String value) {
        if (value == null) {
            return null;
        }
        try {
            return kind == REFERENCE ? mapper.readTree(value) : TextNode.valueOf(value);
        } catch (IOException e) {
            throw new UncheckedIOException("a reference state in regbert_references is not JSON", e);
        }
    }

    private String json(ReferenceState ref) {
        try {
            return mapper.writeValueAsString(ref);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ReferenceState parse(String json) {
        try {
            return json == null ? null : mapper.readValue(json, ReferenceState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("a reference state in regbert_references is not JSON", e);
        }
    }
}
