package org.regbert.serve;

import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.regbert.finetune.FinetuneCommand;

/**
 * The finetune stage (bean {@code finetuneStage}, route {@code finetune}): the labelled shards of one
 * task (header {@code regbertTask}) -> a fine-tuned model, which becomes the reference's model for
 * scoring (of the tasks one run fine-tunes side by side: the one listed last, {@link #latestStays}).
 * Header {@code regbertFinetuneFrom}: {@code pretrained} (default: the reference's pre-trained model,
 * {@code --checkpoint}) or {@code scratch} (a freshly initialised encoder, {@code --from-scratch}: no
 * pre-training needed).
 */
@ApplicationScoped
@Named("finetuneStage")
@Unremovable
public class FinetuneStage {
    @Inject
    ServeSettings settings;
    @Inject
    RunRecorder runs;
    @Inject
    StageRunner runner;
    @Inject
    References references;

    public void finetune(Exchange exchange) throws Exception {
        RunRecord run = runs.attempt(exchange);
        ReferenceState ref = references.load(run.reference);
        String task = SafeNames.token(exchange.getMessage().getHeader("regbertTask", String.class));
        String from = exchange.getMessage().getHeader("regbertFinetuneFrom", "pretrained", String.class);
        String labelled = ref == null ? null : ref.labelled.get(task);
        List<String> base = switch (from) {
            case "scratch" -> List.of("--from-scratch");
            case "pretrained" -> ref == null || ref.pretrained == null ? null : List.of("--checkpoint", ref.pretrained);
            default -> null;
        };
        String problem = labelled == null ? "no labelled shards of task " + task + " on reference " + run.reference
                : !List.of("scratch", "pretrained").contains(from) ? "regbertFinetuneFrom=" + from
                        + ": expected pretrained or scratch (routes/pipeline.camel.yaml)"
                : base == null ? "no pre-trained model of reference " + run.reference + " to fine-tune from" : null;
        if (problem != null) {
            runner.refuse(exchange, run, "finetune", task, problem);
            return;
        }
        Path out = settings.outputs().resolve(run.id).resolve("finetune-" + task);
        List<String> args = new ArrayList<>(base);
        args.addAll(List.of("--shards", labelled, "--task", task, "--max-minutes",
                Double.toString(settings.finetuneMinutes()), "--output", out.toString(), "--quiet"));
        if (settings.finetuneMaxSteps() > 0) {
            args.addAll(List.of("--max-steps", Integer.toString(settings.finetuneMaxSteps())));
        }
        args.addAll(settings.finetuneArgs());
        if (ref.sequenceOnly.contains(task)) {
            args.add("--ignore-states");  // aligned before any epigenome: no state array to read
        }
        boolean ok = runner.stage(run, "finetune", task, out, args, FinetuneCommand::new);
        if (ok) {
            Path runOutputs = settings.outputs().resolve(run.id);
            references.update(RunRecorder.transaction(exchange), ref.id,
                    r -> register(r, task, out.toString(), labelled, runOutputs));
        }
        RunRecorder.finished(exchange, run, "finetune", ok);
    }

    /**
     * Registers TASK's model MODEL, fine-tuned on LABELLED in the run whose outputs are RUN_OUTPUTS, and
     * makes it the reference's latest model unless {@link #latestStays}.
     */
    static void register(ReferenceState r, String task, String model, String labelled, Path runOutputs) {
        r.finetuned.put(task, model);
        r.finetunedFrom.put(task, labelled);
        if (!latestStays(r, task, runOutputs)) {
            r.model = model;
            r.modelTask = task;
        }
    }

    /**
     * Whether the reference's model stays the latest when TASK's model (made in the run whose outputs are
     * RUN_OUTPUTS) is registered: the tasks of one run fine-tune side by side and finish in any order, so
     * the latest model is not the one that finished last but, of the models this run made, the one of the
     * task listed last (the reference's labelled tasks in the order their labels were first aligned: the
     * order route stage-finished lists them in) -- what fine-tuning them one after another gave. A model
     * made by an earlier run is always replaced.
     */
    static boolean latestStays(ReferenceState ref, String task, Path runOutputs) {
        if (ref.model == null || ref.modelTask == null || ref.modelTask.equals(task)
                || !Path.of(ref.model).equals(runOutputs.resolve("finetune-" + ref.modelTask))) {
            return false;
        }
        List<String> order = new ArrayList<>(ref.labelled.keySet());
        return order.indexOf(ref.modelTask) > order.indexOf(task);
    }
}
