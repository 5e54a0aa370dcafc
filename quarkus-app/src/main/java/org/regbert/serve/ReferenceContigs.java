package org.regbert.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a reference's FASTA index ({@code .fai}) decides for the stages: the holdouts and the contig aliases. */
final class ReferenceContigs {
    private ReferenceContigs() {
    }

    /**
     * The service's holdouts, the one place that decides them: both the accessibility shards it
     * pre-trains on and the labelled shards it fine-tunes and evaluates on are aligned with them, so
     * pretrain (which leaves align's test windows out) never sees the test region. From the reference's
     * first contig (the kit's FASTAs hold one chromosome or a slice of one): test = its last 20% (by
     * length), validation = the 10% before that; training = the rest.
     */
    static List<String> holdouts(Path fai) throws IOException {
        if (!Files.exists(fai)) {
            return List.of();
        }
        String first = Files.readAllLines(fai, StandardCharsets.US_ASCII).stream().filter(l -> !l.isBlank())
                .findFirst().orElse(null);
        if (first == null) {
            return List.of();
        }
        String[] f = first.split("\t");
        long length = Long.parseLong(f[1]);
        long test = length * 8 / 10;
        long valid = length * 7 / 10;
        return List.of("--valid", f[0] + ":" + valid + "-" + test, "--test", f[0] + ":" + test + "-" + length);
    }

    /**
     * UCSC and Ensembl names of the same chromosome ('chr20' in BED files, '20' in the kit's FASTA): an
     * alias for each contig of the reference that the user did not map already.
     */
    static List<String> contigAliases(Path fai, List<String> given) throws IOException {
        List<String> aliases = new ArrayList<>();
        if (!Files.exists(fai) || given.contains("--contig-alias")) {
            return aliases;
        }
        for (String line : Files.readAllLines(fai, StandardCharsets.US_ASCII)) {
            String contig = line.split("\t", 2)[0];
            if (contig.matches("([1-9]|1[0-9]|2[0-9]|X|Y)")) {
                aliases.addAll(List.of("--contig-alias", "chr" + contig + "=" + contig));
            } else if (contig.equals("MT")) {
                aliases.addAll(List.of("--contig-alias", "chrM=MT"));
            } else if (contig.matches("chr([1-9]|1[0-9]|2[0-9]|X|Y)")) {
                aliases.addAll(List.of("--contig-alias", contig.substring(3) + "=" + contig));
            }
        }
        return aliases;
    }

    /** The FASTA's name without its extension (the Nextflow workflow's id for the reference). */
    static String stripFasta(String name) {
        return name.replaceAll("(?i)\\.(fa|fasta|fna)(\\.gz)?$", "");
    }
}
