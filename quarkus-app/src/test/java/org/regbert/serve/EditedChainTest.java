package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chain is the YAML: the service run from an edited copy of routes/pipeline.camel.yaml (two lines
 * changed, see {@link EditedRoutesResource}; no Java changed) fine-tunes labels from scratch with no
 * peaks and no pre-training at all, evaluates, and scores the VCF that waited: the run records show
 * the changed chain. With the shipped file the same drops would leave the labels waiting for a
 * pre-trained model (PipelineServiceTest shows that chain).
 */
@QuarkusTest
@TestProfile(EditedChainTest.EditedRoutes.class)
class EditedChainTest {
    public static class EditedRoutes implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(EditedRoutesResource.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;  // not PipelineServiceTest's root, S3 server and shipped routes
        }
    }

    @Inject
    RunJournal journal;

    @BeforeAll
    static void slices() throws IOException {
        PipelineServiceTest.slices();  // the same 1 Mb of the kit's hg19 chr20, its DHSs and GWAS SNPs
    }

    void drop(String name, byte[] bytes) throws IOException {
        Path inbox = EditedRoutesResource.root.resolve("inbox");
        Path tmp = inbox.resolve(name + ".part");
        Files.write(tmp, bytes);
        Files.move(tmp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    RunRecord await(String name, Predicate<RunRecord> done, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            for (RunRecord r : journal.all()) {
                if (r.inputs.get(0).name.equals(name) && done.test(r)) {
                    return r;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no finished run for " + name + " after " + millis + " ms");
    }

    static List<String> stages(RunRecord run) {
        return run.stages.stream().map(s -> s.stage + ":" + s.status).toList();
    }

    @Test
    void labelsAreFineTunedFromScratchWithoutPretraining() throws Exception {
        drop("chr20-1mb.fa", PipelineServiceTest.fasta);
        RunRecord reference = await("chr20-1mb.fa", r -> r.finished != null, 60_000);
        assertEquals("succeeded", reference.status, reference.reason);
        drop("gwas.chr20-1mb.vcf", PipelineServiceTest.vcf);
        RunRecord vcf = await("gwas.chr20-1mb.vcf", r -> r.finished != null, 30_000);
        assertEquals("waiting", vcf.status, vcf.reason);

        // the DHSs as positives of a task named by the file: TASK.labels.bed -> task "open"
        drop("open.labels.bed", PipelineServiceTest.dhs);
        RunRecord labels = await("open.labels.bed", r -> r.finished != null, 180_000);
        assertEquals("succeeded", labels.status, labels.reason + " " + stages(labels));
        // shipped chain: align, then finetune:waiting (no pre-trained model). Edited: align -> finetune
        // (from scratch) -> evaluate -> score of the VCF that waited; pretrain never ran
        assertEquals(List.of("align:succeeded", "finetune:succeeded", "evaluate:succeeded", "score:succeeded"),
                stages(labels).subList(0, 4), stages(labels).toString());
        assertTrue(labels.stages.stream().noneMatch(s -> s.stage.equals("pretrain") && !s.status.equals("waiting")),
                stages(labels).toString());
        List<String> finetune = labels.stages.get(1).arguments;
        assertTrue(finetune.contains("--from-scratch") && !finetune.contains("--checkpoint"), finetune.toString());
        assertTrue(String.join(" ", finetune).contains("--task open"), finetune.toString());

        RunRecord scored = journal.get(vcf.id);
        assertEquals("succeeded", scored.status, scored.reason);
        RunRecord.Stage score = scored.stages.get(scored.stages.size() - 1);
        assertEquals("score:succeeded", score.stage + ":" + score.status, score.message);
        assertEquals(labels.stages.get(1).output, score.arguments.get(score.arguments.indexOf("--model") + 1),
                "scored with the model fine-tuned from scratch");

        ReferenceState ref = new ObjectMapper().readValue(EditedRoutesResource.root.resolve("state/references")
                .resolve(labels.reference).resolve("state.json").toFile(), ReferenceState.class);
        assertNull(ref.pretrained, "no pre-trained model was made");
        assertEquals(labels.stages.get(1).output, ref.model);
        assertFalse(ref.pendingVcfs.stream().anyMatch(p -> p.runId.equals(vcf.id)), "the VCF no longer waits");
    }
}
