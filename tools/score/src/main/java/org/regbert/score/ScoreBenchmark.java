package org.regbert.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.regbert.common.StageCli;
import org.regbert.finetune.FinetunedModel;
import org.regbert.genome.ReferenceGenome;

/**
 * Scoring throughput of a fine-tuned model on the real reference: variants/s for SNVs at seeded
 * random ACGT positions of a contig (REF from the reference, ALT another base; a VCF written for
 * the run) and windows/s for tiling a range, each through the whole {@code score} command
 * in-process (reading, tokenizing, states, model, writing), best of {@code --repeats}.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp "tools/score/target/quarkus-app/lib/main/*:tools/score/target/quarkus-app/app/*" \
 *     org.regbert.score.ScoreBenchmark --model ft/promoter --reference hg19.chr20.fa.gz --contig 20 --threads 2
 * </pre>
 *
 * Options: --variants N (default 20000), --tile-bases N (default 2000000), --batch-size N (default 64, as score),
 * --repeats N (default 2), --threads N (default 2), --peaks FILE[:CELL] (EBERT states), --work DIR.
 */
public final class ScoreBenchmark {
    private ScoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path model = null;
        Path reference = null;
        String contig = "20";
        int variants = 20_000;
        long tileBases = 2_000_000;
        int batchSize = 64;
        int repeats = 2;
        int threads = 2;
        String peaks = null;
        Path work = Files.createTempDirectory("regbert-score-bench-");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> model = Path.of(args[++i]);
                case "--reference" -> reference = Path.of(args[++i]);
                case "--contig" -> contig = args[++i];
                case "--variants" -> variants = Integer.parseInt(args[++i]);
                case "--tile-bases" -> tileBases = Long.parseLong(args[++i]);
                case "--batch-size" -> batchSize = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--peaks" -> peaks = args[++i];
                case "--work" -> work = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (model == null || reference == null) {
            throw new IllegalArgumentException("--model DIR and --reference FASTA are required");
        }
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Files.createDirectories(work);
        long start;
        long length;
        try (ReferenceGenome genome = ReferenceGenome.open(reference)) {
            length = genome.contigLengths().get(contig);
            start = length / 2;
            writeVcf(genome, contig, start, Math.min(length, start + 10_000_000L), variants, work.resolve("bench.vcf"));
        }
        String spec;
        try (FinetunedModel m = FinetunedModel.load(model)) {
            spec = m.spec().name() + " " + m.spec().base() + ", " + m.spec().windowTokens() + " tokens/window";
        }
        // The load average says how much of the machine the figures had (shared machines vary a lot).
        String load = Files.isReadable(Path.of("/proc/loadavg"))
                ? Files.readString(Path.of("/proc/loadavg")).split(" ")[0] : "?";
        System.out.printf(Locale.ROOT, "score benchmark: %s, %d threads, batch %d, %d SNVs, %d bases tiled, load %s%n",
                spec, threads, batchSize, variants, tileBases, load);
        double bestVariants = 0;
        double bestWindows = 0;
        double bestVariantWindows = 0;
        for (int r = 0; r < repeats; r++) {
            JsonNode v = run(work, "variants", peaks, "--model", model.toString(), "--reference", reference.toString(),
                    "--vcf", work.resolve("bench.vcf").toString(), "--batch-size", Integer.toString(batchSize),
                    "--output", work.resolve("variants.vcf").toString());
            bestVariants = Math.max(bestVariants, v.path("variantsPerSecond").asDouble());
            bestVariantWindows = Math.max(bestVariantWindows, v.path("windowsPerSecond").asDouble());
            JsonNode t = run(work, "tiles", peaks, "--model", model.toString(), "--reference", reference.toString(),
                    "--tile", contig + ":" + start + "-" + Math.min(length, start + tileBases), "--batch-size",
                    Integer.toString(batchSize), "--output", work.resolve("tiles.bedGraph").toString());
            bestWindows = Math.max(bestWindows, t.path("windowsPerSecond").asDouble());
        }
        System.out.printf(Locale.ROOT, "score variants: %.0f variants/s (%.0f windows/s, REF + ALT per SNV)%n",
                bestVariants, bestVariantWindows);
        System.out.printf(Locale.ROOT, "score regions:  %.0f windows/s%n", bestWindows);
    }

    private static JsonNode run(Path work, String name, String peaks, String... args) throws IOException {
        String[] all = args;
        if (peaks != null) {
            all = java.util.Arrays.copyOf(args, args.length + 4);
            all[args.length] = "--peaks";
            all[args.length + 1] = peaks;
            all[args.length + 2] = "--contig-alias";
            all[args.length + 3] = "chr20=20";
        }
        String[] withFlags = java.util.Arrays.copyOf(all, all.length + 2);
        withFlags[all.length] = "--overwrite";
        withFlags[all.length + 1] = "--quiet";
        int code = StageCli.run(new ScoreCommand(), withFlags);
        if (code != 0) {
            throw new IllegalStateException("score " + name + " failed with exit code " + code);
        }
        String stem = name.equals("variants") ? "variants" : "tiles";
        return new ObjectMapper().readTree(work.resolve(stem + ".score-summary.json").toFile());
    }

    /** {@code n} SNVs at seeded random ACGT positions of {@code [from, to)}, sorted, REF from the reference. */
    static void writeVcf(ReferenceGenome genome, String contig, long from, long to, int n, Path file)
            throws IOException {
        byte[] bases = genome.fetch(contig, from, to);
        SplittableRandom random = new SplittableRandom(42);
        java.util.TreeSet<Integer> positions = new java.util.TreeSet<>();
        while (positions.size() < n) {
            int p = random.nextInt(bases.length);
            if ("ACGT".indexOf(Character.toUpperCase(bases[p])) >= 0) {
                positions.add(p);
            }
        }
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            out.write("##fileformat=VCFv4.2\n##contig=<ID=" + contig + ",length=" + genome.contigLengths().get(contig)
                    + ">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
            for (int p : positions) {
                char ref = Character.toUpperCase((char) bases[p]);
                char alt = "CGTA".charAt("ACGT".indexOf(ref));
                out.write(contig + "\t" + (from + p + 1) + "\t.\t" + ref + "\t" + alt + "\t.\t.\t.\n");
            }
        }
    }
}
