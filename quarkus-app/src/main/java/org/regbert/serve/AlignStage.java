package org.regbert.serve;

import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.regbert.align.AlignCommand;

/**
 * The align stage (bean {@code alignStage}, route {@code align}) onto the run's reference (header
 * {@code regbertReference}, set by {@code referenceFacts}), with the service's holdouts
 * ({@link ReferenceContigs#holdouts}) and contig aliases. Peaks or chromatin states (header
 * {@code regbertCellType}) -> shards with their accessibility / state arrays, the reference's latest
 * accessibility shards; labels (header {@code regbertTask}) -> labelled shards with every epigenome
 * aligned so far, negatives thinned in the training split only.
 */
@ApplicationScoped
@Named("alignStage")
@Unremovable
public class AlignStage {
    @Inject
    ServeSettings settings;
    @Inject
    RunRecorder runs;
    @Inject
    StageRunner runner;
    @Inject
    References references;

    public void align(Exchange exchange) throws Exception {
        RunRecord run = runs.attempt(exchange);
        ReferenceState ref = references.load(run.reference);
        boolean labels = "labels".equals(run.kind);
        String input = run.inputs.get(0).path;
        String cell = labels ? null : track(exchange.getMessage().getHeader("regbertCellType", String.class));
        String task = labels ? SafeNames.token(exchange.getMessage().getHeader("regbertTask", String.class)) : null;
        String option = switch (run.kind) {
            case "states" -> "--states";
            case "signal" -> "--signal";  // a bigWig; the track name (CELL or CELL.MARK) is the cell header
            default -> "--peaks";
        };
        Path out = settings.outputs().resolve(run.id).resolve("align");
        List<String> args = labels ? labelArgs(ref, task, input, out) : epigenomeArgs(ref, option + " " + input + ":"
                + cell, out);
        boolean ok;
        if (runner.nextflow()) {
            String id = SafeNames.token(ReferenceContigs.stripFasta(Path.of(ref.fasta).getFileName().toString()));
            ok = runner.nextflowStage(run, "align", out, ref.fasta, id, args);
            out = out.resolve("align").resolve(id);
        } else {
            ok = runner.stage(run, "align", out, args, AlignCommand::new);
        }
        if (ok) {
            String shards = out.toString();
            if (labels) {
                references.update(RunRecorder.transaction(exchange), ref.id, r -> {
                    r.labels.put(task, input);
                    r.labelled.put(task, shards);
                    if (r.stateEpigenomes().isEmpty()) {
                        r.sequenceOnly.add(task);
                    } else {
                        r.sequenceOnly.remove(task);
                    }
                });
                runs.summary(run, "align", "aligned labels of task " + task + " onto reference " + ref.id);
            } else {
                references.update(RunRecorder.transaction(exchange), ref.id, r -> {
                    r.epigenomes.add(option + " " + input + ":" + cell);
                    if (!"--signal".equals(option)) {
                        r.accessibility = shards;  // pre-training reads states / peaks, not signal
                    }
                });
                runs.summary(run, "align", "aligned " + run.kind + " of " + cell + " onto " + ref.tokens);
            }
        }
        RunRecorder.finished(exchange, run, "align", ok);
    }

    /** A cell type, or a signal track CELL.MARK: each part a safe token, the dot kept (align --signal reads it). */
    static String track(String name) {
        String[] parts = String.valueOf(name).split("\\.", 2);
        return parts.length == 2 ? SafeNames.token(parts[0]) + "." + SafeNames.token(parts[1]) : SafeNames.token(name);
    }

    /**
     * Peaks or states (EPIGENOME: "--peaks PATH:CELL") onto the reference's shards, with the holdouts its
     * labels will get: pretrain leaves these test windows out, so the fine-tuning test set is never seen
     * in pre-training.
     */
    private List<String> epigenomeArgs(ReferenceState ref, String epigenome, Path out) throws IOException {
        List<String> args = new ArrayList<>(List.of("--shards", ref.tokens));
        args.addAll(List.of(epigenome.split(" ", 2)));
        args.addAll(List.of("--output", out.toString(), "--quiet"));
        args.addAll(ReferenceContigs.holdouts(Path.of(ref.fasta + ".fai")));
        args.addAll(settings.alignArgs());
        args.addAll(ReferenceContigs.contigAliases(Path.of(ref.fasta + ".fai"), args));
        return args;
    }

    /** Labels for TASK with every epigenome aligned so far, holdouts, random negatives per positive. */
    private List<String> labelArgs(ReferenceState ref, String task, String labels, Path out) throws IOException {
        List<String> args = new ArrayList<>(List.of("--shards", ref.tokens));
        for (String e : ref.epigenomes) {
            args.addAll(List.of(e.split(" ", 2)));
        }
        args.addAll(List.of("--labels", task + "=" + labels, "--negatives-per-positive",
                Double.toString(settings.negativesPerPositive())));
        args.addAll(ReferenceContigs.holdouts(Path.of(ref.fasta + ".fai")));
        args.addAll(List.of("--output", out.toString(), "--quiet"));
        args.addAll(settings.alignArgs());
        args.addAll(ReferenceContigs.contigAliases(Path.of(ref.fasta + ".fai"), args));
        return args;
    }
}
