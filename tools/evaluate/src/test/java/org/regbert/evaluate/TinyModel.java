package org.regbert.evaluate;

import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.regbert.finetune.FinetuneCommand;
import org.regbert.finetune.Stages;

/**
 * A small real model for evaluate's tests, made once per JVM with the real stages in-process (no
 * kit data): a seeded random genome of three contigs, chrA (training, 20 kb), chrV (validation, 4 kb)
 * and chrT (test, 12 kb), in 195-token windows of 6-mers every 100 bases; a binary task 'site' whose
 * positives are [350, 650) of every kilobase; an EBERT tiny fine-tuned from scratch for 4 steps.
 * Its predictions are poor; they are real, and there are enough test windows (chrT: 119) for a
 * bootstrap to take a moment.
 */
final class TinyModel {
    private static Path dir;

    private TinyModel() {
    }

    private static synchronized Path dir() throws IOException {
        if (dir == null) {
            Path work = Stages.tempDir("regbert-evaluate-tiny-");
            Random random = new Random(11);
            StringBuilder fasta = new StringBuilder();
            StringBuilder sites = new StringBuilder();
            String[] contigs = {"chrA", "chrV", "chrT"};
            int[] lengths = {20_000, 4_000, 12_000};
            for (int c = 0; c < contigs.length; c++) {
                fasta.append('>').append(contigs[c]).append('\n');
                for (int i = 0; i < lengths[c]; i++) {
                    fasta.append("ACGT".charAt(random.nextInt(4)));
                }
                fasta.append('\n');
                for (int kb = 0; kb < lengths[c] / 1000; kb++) {
                    sites.append(contigs[c]).append('\t').append(kb * 1000 + 350).append('\t')
                            .append(kb * 1000 + 650).append('\n');
                }
            }
            Path reference = Files.writeString(work.resolve("genome.fa"), fasta);
            Path bed = Files.writeString(work.resolve("sites.bed"), sites);
            Path tokens = work.resolve("tokens");
            ok(Stages.tokenize(args("--reference", reference, "--kmer", 6, "--window", 195, "--stride", 100, "--quiet",
                    "--output", tokens)));
            ok(Stages.align(args("--shards", tokens, "--labels", "site=" + bed, "--valid", "chrV", "--test", "chrT",
                    "--quiet", "--output", work.resolve("aligned"))));
            ok(Stages.run(new FinetuneCommand(), args("--from-scratch", "--shards", work.resolve("aligned"), "--task",
                    "site", "--max-steps", 4, "--eval-every", 4, "--device", "cpu", "--quiet", "--output",
                    work.resolve("model"))));
            dir = work;
        }
        return dir;
    }

    /** The fine-tuned model: finetune's output folder, with its predictions/. */
    static Path model() throws IOException {
        return dir().resolve("model");
    }

    /** The unlabelled token shards (tokenize's output) that align labelled. */
    static Path tokens() throws IOException {
        return dir().resolve("tokens");
    }

    /** The labelled shards it was fine-tuned on. */
    static Path shards() throws IOException {
        return dir().resolve("aligned");
    }
}
