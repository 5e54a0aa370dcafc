package org.regbert.serve;

import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Inbox files that have no run record yet (bean {@code inboxWatch}): listed on {@code GET /runs} as
 * "pending" (an upload in progress under a temporary name, or a file waiting for its turn), and, once
 * a file the inbox never takes (a name the route excludes: beginning with a dot, ending in .part,
 * .tmp, ...) has sat there longer than the read-lock timeout, "not-taken" with what to do about it,
 * also logged once by route {@code inbox-watch}. So no dropped file sits in the inbox without a word.
 */
@ApplicationScoped
@Named("inboxWatch")
@Unremovable
public class InboxWatch {
    private static final Logger LOG = Logger.getLogger(InboxWatch.class);

    @Inject
    ServeSettings settings;

    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /** The inbox files without a run record, as records with status "pending" or "not-taken" (id "inbox:NAME"). */
    public List<RunRecord> waiting() {
        Pattern excluded = Pattern.compile(settings.inboxExclude());
        long now = System.currentTimeMillis();
        List<RunRecord> out = new ArrayList<>();
        try {
            for (Path file : inboxFiles()) {
                String name = settings.inbox().relativize(file).toString();
                long modified;
                long bytes;
                try {
                    modified = Files.getLastModifiedTime(file).toMillis();
                    bytes = Files.size(file);
                } catch (IOException gone) {
                    continue;  // taken (moved) while listing
                }
                RunRecord r = new RunRecord();
                r.id = "inbox:" + name;
                r.created = Instant.ofEpochMilli(modified).toString();
                RunRecord.Input in = new RunRecord.Input();
                in.name = name;
                in.path = file.toString();
                in.bytes = bytes;
                r.inputs.add(in);
                boolean never = excluded.matcher(file.getFileName().toString()).matches();
                if (never && now - modified > settings.readLockTimeoutMs()) {
                    r.status = "not-taken";
                    r.reason = "unchanged for " + (now - modified) / 1000 + " s under a name the inbox never takes"
                            + " (names beginning with '.' or ending in .part, .tmp, .partial, .crdownload, .filepart,"
                            + " .uploading are uploads in progress): rename it to its final name to run it";
                } else if (never) {
                    r.status = "pending";
                    r.reason = "an upload in progress under a temporary name: taken once renamed";
                } else {
                    r.status = "pending";
                    r.reason = "waiting to be taken (a file must be unchanged for "
                            + settings.readLockIntervalMs() + " ms; the runs of one lane go one at a time)";
                }
                out.add(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the inbox " + settings.inbox(), e);
        }
        return out;
    }

    /** The files in the inbox and in its lane folders (inbox/LANE/), not in the .processed folders inputs move to. */
    private List<Path> inboxFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path entry : list(settings.inbox())) {
            if (Files.isRegularFile(entry)) {
                out.add(entry);
            } else if (Files.isDirectory(entry) && !entry.getFileName().toString().startsWith(".")) {
                list(entry).stream().filter(Files::isRegularFile).forEach(out::add);
            }
        }
        return out;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        } catch (NoSuchFileException gone) {
            return List.of();  // a lane folder removed while listing
        }
    }

    /** Route inbox-watch: logs each file newly not taken, once (again if it changes). */
    public void report() {
        for (RunRecord r : waiting()) {
            if ("not-taken".equals(r.status) && reported.add(r.inputs.get(0).name + "@" + r.created)) {
                LOG.warnf("inbox file %s: %s", r.inputs.get(0).name, r.reason);
            }
        }
    }
}
