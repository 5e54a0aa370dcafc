package org.regbert.motifs;

import org.regbert.shards.Half;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.regbert.genome.ReferenceGenome;

/**
 * Throughput of {@link MotifScanner} on real sequence (a benchmark, not a test):
 *
 * <pre>
 * MotifScanBench REFERENCE.fa[.gz] MOTIFS [BASES=1000000] [THREADS=2]
 *     [--contig 20] [--start 30000000] [--window 1000] [--regions 10] [--top 1] [--no-single]
 * </pre>
 *
 * Prints one line per figure (one thread unless {@code --no-single}, then THREADS threads), each
 * with the rate in bp x motifs per second and the projected time for the whole contig. Scans in
 * batches of 1 Mb (fetch included in the time), so BASES may be the whole contig.
 */
public final class MotifScanBench {
    /** Bases fetched and scanned per call (1,000 windows of 1 kb): the output of one call is 33 MB. */
    private static final long BATCH = 1_000_000;

    private MotifScanBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> positional = new ArrayList<>();
        String contig = "20";
        long start = 30_000_000L;
        int window = 1000;
        int regions = 10;
        int top = 1;
        boolean single = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--contig" -> contig = args[++i];
                case "--start" -> start = Long.parseLong(args[++i].replace("_", "").replace(",", ""));
                case "--window" -> window = Integer.parseInt(args[++i]);
                case "--regions" -> regions = Integer.parseInt(args[++i]);
                case "--top" -> top = Integer.parseInt(args[++i]);
                case "--no-single" -> single = false;
                default -> positional.add(args[i]);
            }
        }
        if (positional.size() < 2) {
            System.err.println("usage: MotifScanBench REFERENCE MOTIFS [BASES=1000000] [THREADS=2] [--contig 20]"
                    + " [--start 30000000] [--window 1000] [--regions 10] [--top 1] [--no-single]");
            System.exit(2);
        }
        Path reference = Path.of(positional.get(0));
        Path motifFile = Path.of(positional.get(1));
        long bases = positional.size() > 2 ? Long.parseLong(positional.get(2).replace("_", "").replace(",", ""))
                : 1_000_000;
        int threads = positional.size() > 3 ? Integer.parseInt(positional.get(3)) : 2;

        List<Motif> motifs = MotifReader.read(motifFile);
        try (ReferenceGenome genome = ReferenceGenome.open(reference)) {
            long contigLength = genome.contigLengths().get(contig);
            long end = Math.min(contigLength, start + bases);
            // Background from the first megabase, as a caller streaming the reference would.
            Background background = Background.fromBases(genome.fetch(contig, start, Math.min(end, start + BATCH)))
                    .symmetrized();
            MotifScanner scanner = new MotifScanner(PositionWeightMatrix.of(motifs, background,
                    PositionWeightMatrix.DEFAULT_PSEUDOCOUNT), new ScanOptions(regions, top, true));
            // Warm-up: let the JIT compile the hot loops before timing.
            scan(scanner, genome, contig, start, Math.min(end, start + 100_000), window, threads);
            List<Integer> threadCounts = threads > 1 && single ? List.of(1, threads) : List.of(threads);
            for (int n : threadCounts) {
                long scanned = 0;
                double seconds = 0;
                for (long from = start; from + window <= end; from += BATCH) {
                    long to = Math.min(end, from + BATCH);
                    long t0 = System.nanoTime();
                    scanned += scan(scanner, genome, contig, from, to, window, n);
                    seconds += (System.nanoTime() - t0) / 1e9;
                }
                double rate = (double) scanned * motifs.size() / seconds;
                double projected = contigLength / (scanned / seconds);
                System.out.printf(Locale.ROOT, "motif-scan: %d motifs x %,d bp (both strands, %d-bp windows,"
                        + " %d regions, %s, %d thread%s) in %.2f s = %.3g bp*motifs/s;"
                        + " projected whole %s (%,d bp): %.0f s%n",
                        motifs.size(), scanned, window, regions, top == 1 ? "max" : "sum of top " + top, n,
                        n == 1 ? "" : "s", seconds, rate, contig, contigLength, projected);
            }
            byte[] sample = genome.fetch(contig, start, Math.min(end, start + 100L * window));
            int[][] windows = windows(sample.length / window, window);
            float[] matrix = scanner.scanAll(sample, windows[0], windows[1], 1);
            long t1 = System.nanoTime();
            Half.toLittleEndian(matrix);
            double halfSeconds = (System.nanoTime() - t1) / 1e9;
            System.out.printf(Locale.ROOT, "motif-scan float16 encoding: %,d values in %.4f s = %.3g values/s%n",
                    matrix.length, halfSeconds, matrix.length / halfSeconds);
        }
    }

    /** Fetches [from, to) and scans its whole windows; the time includes the fetch, as in a pipeline. */
    private static long scan(MotifScanner scanner, ReferenceGenome genome, String contig, long from, long to,
            int window, int threads) {
        byte[] sequence = genome.fetch(contig, from, to);
        int count = sequence.length / window;
        int[][] windows = windows(count, window);
        float[] matrix = scanner.scanAll(sequence, windows[0], windows[1], threads);
        if (matrix.length != count * scanner.cellsPerWindow()) {
            throw new IllegalStateException("wrong result size " + matrix.length);
        }
        return (long) count * window;
    }

    /** Offsets and lengths of {@code count} back-to-back windows. */
    private static int[][] windows(int count, int window) {
        int[] offsets = new int[count];
        int[] lengths = new int[count];
        for (int w = 0; w < count; w++) {
            offsets[w] = w * window;
            lengths[w] = window;
        }
        return new int[][] {offsets, lengths};
    }
}
