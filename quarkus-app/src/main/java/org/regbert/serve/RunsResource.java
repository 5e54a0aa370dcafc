package org.regbert.serve;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * {@code GET /runs}, {@code GET /runs/{id}}: the run records, oldest first, then the inbox files
 * without one yet ("pending", or "not-taken" for a name the inbox never takes: {@link InboxWatch}).
 */
@Path("/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunsResource {
    @Inject
    RunJournal journal;
    @Inject
    InboxWatch inbox;

    @GET
    public List<RunRecord> all() {
        List<RunRecord> all = new java.util.ArrayList<>(journal.all());
        all.addAll(inbox.waiting());
        return all;
    }

    @GET
    @Path("/{id}")
    public RunRecord one(@PathParam("id") String id) {
        RunRecord run = journal.get(id);
        if (run == null) {
            throw new NotFoundException("no run " + id);
        }
        return run;
    }
}
