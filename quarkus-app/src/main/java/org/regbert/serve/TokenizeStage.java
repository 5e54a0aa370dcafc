package org.regbert.serve;

import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.regbert.tokenize.TokenizeCommand;

/**
 * The tokenize stage (bean {@code tokenizeStage}, route {@code tokenize}): a reference FASTA -> token
 * shards; the reference gets its state (id: assembly + the first 12 hex digits of the FASTA's SHA-256)
 * and its shards become the current ones, which the files dropped next are aligned onto.
 */
@ApplicationScoped
@Named("tokenizeStage")
@Unremovable
public class TokenizeStage {
    @Inject
    ServeSettings settings;
    @Inject
    RunRecorder runs;
    @Inject
    StageRunner runner;
    @Inject
    References references;

    public void tokenize(Exchange exchange) throws Exception {
        RunRecord run = runs.attempt(exchange);
        RunRecord.Input fasta = run.inputs.get(0);
        Path out = settings.outputs().resolve(run.id).resolve("tokenize");
        List<String> args = new ArrayList<>(List.of("--reference", fasta.path, "--output", out.toString(), "--quiet"));
        args.addAll(settings.tokenizeArgs());
        String workflowId = SafeNames.token(ReferenceContigs.stripFasta(fasta.name));
        boolean ok = runner.nextflow()
                ? runner.nextflowStage(run, "tokenize", out, fasta.path, workflowId, List.of())
                : runner.stage(run, "tokenize", out, args, TokenizeCommand::new);
        if (ok && runner.nextflow()) {
            out = out.resolve("tokenize").resolve(workflowId);  // the workflow's tokenize output for this reference
            // the workflow indexed its staged copy: the .fai that names the contigs (aliases, holdouts) goes here
            if (!Files.exists(Path.of(fasta.path + ".fai"))) {
                htsjdk.samtools.reference.FastaSequenceIndexCreator.create(Path.of(fasta.path), false);
            }
        }
        if (ok) {
            String tokens = out.toString();
            // a lane's references are its own: the same FASTA in two lanes makes two references
            String id = (run.lane == null ? "" : SafeNames.token(run.lane) + "-")
                    + SafeNames.token(settings.assembly().get(0)) + "-" + fasta.sha256.substring(0, 12);
            ReferenceState ref = references.update(RunRecorder.transaction(exchange), id, r -> {
                r.assembly = settings.assembly().get(0);
                r.tokens = tokens;
                r.fasta = fasta.path;
            });
            references.makeCurrent(RunRecorder.transaction(exchange), run.lane, ref);
            run = runs.update(run, r -> r.reference = ref.id);
            runs.summary(run, "tokenize", "tokenized; reference " + ref.id + ": these shards are now the current ones");
        }
        RunRecorder.finished(exchange, run, "tokenize", ok);
    }
}
