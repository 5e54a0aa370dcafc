package org.regbert.serve;

import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * What the routes decide the chain on (bean {@code referenceFacts}): the state of the run's reference
 * as headers. {@code regbertReference} (its id), {@code regbertKind} (the run's kind),
 * {@code hasReference} (tokenized), {@code hasAccessibility} (peaks or states aligned onto it),
 * {@code hasPretrained}, {@code hasLabels} (labelled shards of some task), {@code hasModel} (a fine-tuned
 * model, the one VCFs are scored with), {@code tasksToFinetune} / {@code tasksToFinetuneCount} (tasks
 * whose latest labelled shards no model was fine-tuned on yet), {@code vcfsWaiting} /
 * {@code vcfsWaitingCount} (runs of VCFs waiting for a model, other than this run), {@code runOpen} (the
 * run has no outcome yet), {@code runRejected} (one of its stages rejected its input).
 */
@ApplicationScoped
@Named("referenceFacts")
@Unremovable
public class ReferenceFacts {
    @Inject
    RunRecorder runs;
    @Inject
    RunJournal journal;
    @Inject
    References references;

    /**
     * For an input just dropped: its lane's current reference (the latest FASTA tokenized in that lane)
     * becomes the run's, then the facts. A run that has its reference already (a VCF that waited) keeps it.
     */
    public void current(Exchange exchange) throws IOException {
        RunRecord run = runs.attempt(exchange);
        if (run.reference == null) {
            ReferenceState ref = references.current(run.lane);
            if (ref != null) {
                runs.update(run, r -> r.reference = ref.id);
            }
        }
        look(exchange);
    }

    /** The facts of the run's reference, as headers. */
    public void look(Exchange exchange) throws IOException {
        RunRecord run = runs.run(exchange);
        ReferenceState ref = references.load(run.reference);
        Message m = exchange.getMessage();
        m.setHeader("regbertReference", run.reference);
        m.setHeader("regbertKind", run.kind);
        m.setHeader("hasReference", ref != null && ref.tokens != null);
        m.setHeader("hasAccessibility", ref != null && ref.accessibility != null);
        m.setHeader("hasPretrained", ref != null && ref.pretrained != null);
        m.setHeader("hasLabels", ref != null && !ref.labelled.isEmpty());
        m.setHeader("hasModel", ref != null && ref.model != null);
        List<String> tasks = ref == null ? List.of() : ref.labelled.entrySet().stream()
                .filter(e -> !e.getValue().equals(ref.finetunedFrom.get(e.getKey()))).map(Map.Entry::getKey).toList();
        m.setHeader("tasksToFinetune", tasks);
        m.setHeader("tasksToFinetuneCount", tasks.size());
        // only runs still waiting: one cut by a crash ("interrupted") runs again under a new id
        List<String> vcfs = ref == null ? List.of() : ref.pendingVcfs.stream().map(p -> p.runId)
                .filter(id -> !id.equals(run.id)).filter(id -> journal.get(id) != null
                        && "waiting".equals(journal.get(id).status)).toList();
        m.setHeader("vcfsWaiting", vcfs);
        m.setHeader("vcfsWaitingCount", vcfs.size());
        m.setHeader("runOpen", run.finished == null);
        m.setHeader("runRejected", run.stages.stream().anyMatch(s -> "rejected".equals(s.status)));
    }
}
