package org.regbert.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.camel.Exchange;
import org.regbert.score.ScoreCommand;

/**
 * The score stage (bean {@code scoreStage}, route {@code score}): a VCF scored with its reference's
 * latest fine-tuned model, or, before there is one, kept waiting in the reference's state (the routes
 * score it after the next fine-tuning, in its own run record).
 */
@ApplicationScoped
@Named("scoreStage")
@Unremovable
public class ScoreStage {
    @Inject
    ServeSettings settings;
    @Inject
    RunRecorder runs;
    @Inject
    StageRunner runner;
    @Inject
    References references;

    public void score(Exchange exchange) throws Exception {
        RunRecord run = runs.attempt(exchange);
        ReferenceState ref = references.load(run.reference);
        if (ref == null || ref.model == null) {
            runner.refuse(exchange, run, "score", "no fine-tuned model of reference " + run.reference + " to score with");
            return;
        }
        boolean waited = "waiting".equals(run.status);
        Path vcf = Path.of(run.inputs.get(0).path);
        Path out = settings.outputs().resolve(run.id).resolve("score");
        String stem = vcf.getFileName().toString().replaceAll("(?i)\\.vcf(\\.b?gz)?$", "");
        List<String> args = new ArrayList<>(List.of("--model", ref.model, "--reference", ref.fasta, "--vcf",
                vcf.toString(), "--output", out.resolve(stem + ".scored.vcf").toString(), "--quiet",
                "--skip-missing-contigs"));
        if (!ref.stateEpigenomes().isEmpty() && !ref.sequenceOnly.contains(ref.modelTask)) {
            // EBERT reads per-token states: the file its training shards were aligned with first
            args.addAll(List.of(ref.stateEpigenomes().get(0).split(" ", 2)));
        }
        args.addAll(signalArgs(ref, Path.of(ref.model)));
        args.addAll(ReferenceContigs.contigAliases(Path.of(ref.fasta + ".fai"), args));
        boolean ok = runner.stage(run, "score", out, args, ScoreCommand::new);
        references.update(RunRecorder.transaction(exchange), ref.id, r -> r.pendingVcfs.removeIf(p -> p.runId.equals(run.id)));
        if (ok) {
            runs.summary(run, "score", "scored with " + ref.model + (waited ? " (it waited for the model)" : ""));
        }
        RunRecorder.finished(exchange, run, "score", ok);
    }

    /**
     * A model fine-tuned with {@code --feature signal} reads bigWig task features: the reference's
     * signal tracks, one per column the model reads (TRACK CELL fills {@code signal}, CELL.MARK
     * {@code signal:MARK}; the first track aligned for a column), as {@code --signal FILE:TRACK}.
     */
    static List<String> signalArgs(ReferenceState ref, Path model) throws IOException {
        Path task = model.resolve("model").resolve("task.json");
        if (!Files.exists(task)) {
            return List.of();
        }
        Set<String> columns = new HashSet<>();
        new ObjectMapper().readTree(task.toFile()).path("featureNames").forEach(n -> columns.add(n.asText()));
        List<String> args = new ArrayList<>();
        for (String e : ref.epigenomes) {
            if (!e.startsWith("--signal ")) {
                continue;
            }
            String value = e.substring("--signal ".length());
            String track = value.substring(value.lastIndexOf(':') + 1);
            int dot = track.indexOf('.');
            String column = dot < 0 ? "signal" : "signal:" + track.substring(dot + 1);
            if (columns.remove(column)) {
                args.addAll(List.of("--signal", value));
            }
        }
        return args;
    }

    /** No fine-tuned model yet: the VCF waits in the reference's state; its run is "waiting". */
    public void waitForModel(Exchange exchange) throws Exception {
        RunRecord run = runs.attempt(exchange);
        references.update(RunRecorder.transaction(exchange), run.reference, r -> {
            if (r.pendingVcfs.stream().noneMatch(p -> p.runId.equals(run.id))) {
                r.pendingVcfs.add(new ReferenceState.Pending(run.id, run.inputs.get(0).path));
            }
        });
        runs.waiting(run, "score", "no fine-tuned model for reference " + run.reference + " yet: this VCF is scored"
                + " once, after the next fine-tuning");
        runs.summary(run, "score", "waits for a fine-tuned model of reference " + run.reference);
        RunRecorder.finished(exchange, run, "score", "waiting");
    }
}
