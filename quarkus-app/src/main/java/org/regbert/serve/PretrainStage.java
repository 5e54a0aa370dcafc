package org.regbert.serve;

import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.regbert.pretrain.PretrainCommand;

/**
 * The pretrain stage (bean {@code pretrainStage}, route {@code pretrain}): the reference's latest
 * accessibility shards -> its pre-trained model ({@code regbert.serve.pretrain-minutes},
 * {@code -steps}, {@code -args}).
 */
@ApplicationScoped
@Named("pretrainStage")
@Unremovable
public class PretrainStage {
    @Inject
    ServeSettings settings;
    @Inject
    RunRecorder runs;
    @Inject
    StageRunner runner;
    @Inject
    References references;

    public void pretrain(Exchange exchange) throws Exception {
        RunRecord run = runs.attempt(exchange);
        ReferenceState ref = references.load(run.reference);
        if (ref == null || ref.accessibility == null) {
            runner.refuse(exchange, run, "pretrain", "no peaks or chromatin states aligned onto reference " + run.reference
                    + " yet: nothing to pre-train on");
            return;
        }
        Path out = settings.outputs().resolve(run.id).resolve("pretrain");
        List<String> args = new ArrayList<>(List.of("--shards", ref.accessibility, "--max-minutes",
                Double.toString(settings.pretrainMinutes()), "--output", out.toString(), "--quiet"));
        if (settings.pretrainSteps() > 0) {
            args.addAll(List.of("--steps", Integer.toString(settings.pretrainSteps())));
        }
        args.addAll(settings.pretrainArgs());
        boolean ok = runner.stage(run, "pretrain", out, args, PretrainCommand::new);
        if (ok) {
            references.update(RunRecorder.transaction(exchange), ref.id, r -> r.pretrained = out.toString());
        }
        RunRecorder.finished(exchange, run, "pretrain", ok);
    }
}
