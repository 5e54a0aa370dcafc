package org.regbert.serve;

import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Reference lanes (bean {@code lanes}): every stage run belongs to the lane of the inbox folder it was
 * dropped in ({@code inbox/NAME/} is lane NAME, the inbox itself the default lane), and each lane is one
 * reference's ordered queue. The inbox route takes a turn in the consumer thread ({@link #take}: turns
 * follow the order files are taken in), hands the run to its {@code threads} pool, and there the run
 * waits for its turn ({@link #await}); the turn passes on when the exchange completes, whatever its
 * outcome (succeeded, rejected, dead-lettered). So runs of one lane never overlap and keep their order,
 * while runs of different lanes go on side by side (their stages bounded by {@code regbert.serve.workers}).
 *
 * <p>No deadlock: the pool is first in, first out, and turns are taken in submission order, so the run
 * that holds a lane's turn was handed to a thread before any run waiting behind it.
 *
 * <p>Several instances on one database ({@code regbert.serve.jdbc-url}): once a run has its turn here, it
 * also takes the lane's turn across instances ({@link SharedLaneTurns}) in the same pool thread, before
 * any stage, so it holds no worker and no task worker while it waits; both turns pass on together.
 */
@ApplicationScoped
@Named("lanes")
@Unremovable
public class Lanes {
    /** Header: the run's lane (absent for the default lane). */
    public static final String LANE = "regbertLane";
    /** Header: the run's turn in its lane. */
    public static final String TURN = "regbertTurn";
    /** Exchange property: the lane's turn across instances, held until the exchange completes. */
    private static final String SHARED_TURN = "regbertSharedTurn";

    /** One lane's turns: the next to hand out, the one running, and those ended before their turn came. */
    private static final class Lane {
        long next;
        long serving;
        final Set<Long> ended = new HashSet<>();
    }

    private final Map<String, Lane> lanes = new HashMap<>();

    /** The turns across instances; null where a test makes the lanes by hand (this JVM's turns only). */
    @Inject
    SharedLaneTurns shared;

    /** The lane a dropped file belongs to: its inbox sub-folder, or null for a file dropped in the inbox itself. */
    public static String laneOf(String relativePath) {
        if (relativePath == null) {
            return null;
        }
        String p = relativePath.replace('\\', '/');
        int slash = p.indexOf('/');
        return slash <= 0 ? null : SafeNames.token(p.substring(0, slash));
    }

    /** Takes the next turn in the exchange's lane (header {@link #LANE}); the turn passes on when the exchange completes. */
    public void take(Exchange exchange) {
        Lane lane;
        long turn;
        synchronized (this) {
            lane = lanes.computeIfAbsent(key(exchange), k -> new Lane());
            turn = lane.next++;
        }
        exchange.getMessage().setHeader(TURN, turn);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                SharedLaneTurns.Turn held = done.getProperty(SHARED_TURN, SharedLaneTurns.Turn.class);
                if (held != null) {
                    held.close();
                }
                pass(lane, turn);
            }
        });
    }

    /** Blocks until it is the exchange's turn in its lane (on every instance sharing the database, if any). */
    public void await(Exchange exchange) throws InterruptedException {
        long turn = exchange.getMessage().getHeader(TURN, Long.class);
        synchronized (this) {
            Lane lane = lanes.get(key(exchange));
            while (lane.serving != turn) {
                wait();
            }
        }
        if (shared != null && exchange.getProperty(SHARED_TURN) == null) {
            exchange.setProperty(SHARED_TURN, shared.take(exchange.getMessage().getHeader(LANE, String.class),
                    exchange.getMessage().getHeader("regbertRunId", String.class)));
        }
    }

    /** Marks the turn done; the lane moves past every done turn (one that ended before its turn came, too). */
    private synchronized void pass(Lane lane, long turn) {
        lane.ended.add(turn);
        while (lane.ended.remove(lane.serving)) {
            lane.serving++;
        }
        notifyAll();
    }

    private static String key(Exchange exchange) {
        String lane = exchange.getMessage().getHeader(LANE, String.class);
        return lane == null ? "" : lane;
    }
}
