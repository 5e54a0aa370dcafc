package org.regbert.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.common.FileTrees;
import org.regbert.common.StageCli;
import org.regbert.genome.Inflaters;

/**
 * Tokenize throughput on a whole reference, measured the two ways that matter: the first run in a
 * fresh JVM ("cold": what one CLI call sees, with the JIT still compiling the scan loops on the
 * same 2 cores) and the best of later runs in the same JVM ("warm": the steady state JMH would
 * report, what a long-lived service or a batch of calls sees). Each run is the whole tokenize
 * command in-process, writing its shards; the figure is its {@code secondsTokenizing} (reading,
 * inflating, scanning and writing shards; reference checksums excluded, as in the summary).
 * Prints one JSON line for bench/run.
 *
 * <pre>
 * java -cp "tools/tokenize/target/quarkus-app/lib/main/*:tools/tokenize/target/quarkus-app/app/*" \
 *     org.regbert.tokenize.TokenizeBenchmark --reference hg19.chr20.fa.gz --repeats 5 -- --kmer 6 --window 510
 * </pre>
 * Options after {@code --} go to tokenize unchanged.
 */
public final class TokenizeBenchmark {
    private TokenizeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path reference = null;
        int repeats = 5;
        Path work = null;
        List<String> tokenizeArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--reference" -> reference = Path.of(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--" -> {
                    tokenizeArgs.addAll(List.of(args).subList(i + 1, args.length));
                    i = args.length;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (reference == null) {
            throw new IllegalArgumentException("--reference FASTA is required");
        }
        Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("regbert-tokenize-bench-");
        ObjectMapper json = new ObjectMapper();
        double cold = 0;
        List<Double> warm = new ArrayList<>();
        long bases = 0;
        for (int run = 0; run <= repeats; run++) {
            Path output = dir.resolve("run" + run);
            List<String> command = new ArrayList<>(List.of("--reference", reference.toString(), "--output",
                    output.toString(), "--quiet"));
            command.addAll(tokenizeArgs);
            int exit = StageCli.run(new TokenizeCommand(), command.toArray(String[]::new));
            if (exit != 0) {
                throw new IllegalStateException("tokenize exited with " + exit);
            }
            JsonNode summary = json.readTree(output.resolve(TokenizeRun.SUMMARY).toFile());
            double seconds = summary.get("secondsTokenizing").asDouble();
            bases = summary.get("basesScanned").asLong();
            if (run == 0) {
                cold = seconds;
            } else {
                warm.add(seconds);
            }
            FileTrees.delete(output); // the page cache the next run writes into is then the same
        }
        if (work == null) {
            FileTrees.delete(dir);
        }
        List<Double> sorted = warm.stream().sorted().toList();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("bases", bases);
        figures.put("coldSeconds", cold);
        figures.put("warmBestSeconds", sorted.isEmpty() ? cold : sorted.get(0));
        figures.put("warmMedianSeconds", sorted.isEmpty() ? cold : sorted.get(sorted.size() / 2));
        figures.put("warmRuns", warm.size());
        figures.put("inflater", Inflaters.accelerated() ? "ISA-L (GKL)" : "zlib");
        System.out.println(json.writeValueAsString(figures));
    }
}
