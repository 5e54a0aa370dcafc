package org.regbert.serve;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jboss.logging.Logger;

/**
 * A lane's turn across the instances that share the database ({@code regbert.serve.jdbc-url}); without
 * one, {@link Lanes}' turns within this JVM are all there is. {@link Lanes} first gives a run its turn
 * among this instance's runs of the lane, then {@link #take} makes it the one run of that lane on any
 * instance:
 * <ul>
 * <li>one at a time: a session-level PostgreSQL advisory lock on a 64-bit hash of the lane's name, taken
 * on a connection of the turn's own and held until the run ends. It goes with the connection, so an
 * instance that dies (kill -9 included) gives its lanes back at once; waiters are granted the lock first
 * in, first out;</li>
 * <li>in order: a run of an S3 object first waits while another instance holds an unsettled claim of an
 * object that comes before it, by the object's last-modified time, then its inbox name (the order each
 * instance's inbox takes its copies in: they keep the object's time). This instance's own claims are left
 * to {@link Lanes}, which already queues them in that order; waiting for them here could wait for a run
 * queued behind this one. The check is made before the lock and again once it is held, and a run never
 * holds the lock while it waits for an earlier object, so the run of that object can take it.</li>
 * </ul>
 */
@Singleton
public class SharedLaneTurns {
    private static final Logger LOG = Logger.getLogger(SharedLaneTurns.class);
    /** How often a run waiting for an earlier object looks again (a cheap query). */
    private static final long RECHECK_MS = 200;

    @Inject
    SharedDatabase database;

    /** A turn held; closing it gives the lane back. */
    public interface Turn extends AutoCloseable {
        @Override
        void close();
    }

    /** Blocks until run RUN holds lane LANE (null: the default lane) across all instances. */
    public Turn take(String lane, String run) throws InterruptedException {
        if (database == null || !database.enabled()) {
            return () -> { };
        }
        long key = lockKey(lane);
        boolean told = false;
        while (true) {
            String earlier;
            while ((earlier = earlierObject(run)) != null) {
                if (!told) {
                    LOG.infof("run %s waits for %s, an object put before it that another instance claimed", run, earlier);
                    told = true;
                }
                Thread.sleep(RECHECK_MS);
            }
            Connection c = null;
            try {
                c = database.connect();
                c.setAutoCommit(true);
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
                    lock.setLong(1, key);
                    lock.execute();
                }
                if (earlierObject(run) == null) {
                    Connection held = c;
                    return () -> release(held);
                }
            } catch (SQLException e) {
                release(c);
                throw new IllegalStateException("lane " + (lane == null ? "(default)" : lane) + ": cannot take its turn"
                        + " in the shared database: " + e.getMessage(), e);
            }
            release(c);  // an earlier object was claimed meanwhile: its run goes first
        }
    }

    /**
     * An object claimed by another instance, not settled, that comes before the one run RUN came from
     * (by last-modified time, then inbox name); null when none, or when RUN came from no S3 object. A claim
     * without a time (made a moment ago, its time noted next; or by an older version) is not waited for.
     */
    private String earlierObject(String run) {
        return database.inTransaction(c -> {
            try (PreparedStatement q = SharedDatabase.prepare(c, "SELECT other.key FROM regbert_s3_claims mine"
                    + " JOIN regbert_s3_claims other ON other.instance <> mine.instance AND NOT other.done"
                    + " AND other.last_modified IS NOT NULL"
                    // names compared as bytes, as the inbox sorts them (Java's order for these plain names)
                    + " AND (other.last_modified, other.inbox_name COLLATE \"C\")"
                    + " < (mine.last_modified, mine.inbox_name COLLATE \"C\")"
                    + " WHERE mine.run_id = ? AND mine.last_modified IS NOT NULL LIMIT 1", run);
                    ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        });
    }

    /** Closing the connection ends its session, and with it the advisory lock. */
    private static void release(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.warnf("closing a lane's turn: %s (the server ends the session, and its lock, when the connection drops)",
                    e.getMessage());
        }
    }

    /** A stable 64-bit key for lane LANE: the first 8 bytes of SHA-256 of "regbert-lane:" + its name. */
    static long lockKey(String lane) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("regbert-lane:" + (lane == null ? "" : lane)).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
