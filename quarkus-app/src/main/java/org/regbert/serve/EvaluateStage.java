package org.regbert.serve;

import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.Exchange;
import org.regbert.evaluate.EvaluateCommand;

/**
 * The evaluate stage (bean {@code evaluateStage}, route {@code evaluate}): the fine-tuned model of one
 * task (header {@code regbertTask}) on the labelled shards it was trained on, with the k-mer baseline
 * trained on their training split, in one report ({@code runs/ID/evaluate-TASK/report.html}).
 */
@ApplicationScoped
@Named("evaluateStage")
@Unremovable
public class EvaluateStage {
    @Inject
    ServeSettings settings;
    @Inject
    RunRecorder runs;
    @Inject
    StageRunner runner;
    @Inject
    References references;

    public void evaluate(Exchange exchange) throws Exception {
        RunRecord run = runs.attempt(exchange);
        ReferenceState ref = references.load(run.reference);
        String task = SafeNames.token(exchange.getMessage().getHeader("regbertTask", String.class));
        String model = ref == null ? null : ref.finetuned.get(task);
        if (model == null) {
            runner.refuse(exchange, run, "evaluate", task, "no fine-tuned model of task " + task + " on reference " + run.reference);
            return;
        }
        Path report = settings.outputs().resolve(run.id).resolve("evaluate-" + task);
        List<String> args = List.of("--model", task + "=" + model, "--shards", ref.finetunedFrom.get(task),
                "--baseline", "kmer-lr", "--output", report.toString(), "--bootstrap",
                Integer.toString(settings.evaluateBootstrap()), "--quiet");
        boolean ok = runner.stage(run, "evaluate", task, report, args, EvaluateCommand::new);
        RunRecorder.finished(exchange, run, "evaluate", ok);
    }
}
