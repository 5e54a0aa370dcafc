package org.regbert.motifs;

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
 *     [--contig 20] [--start 30000000] [--window 1000] [--regions 10] [--top 1]
 * </pre>
 *
 * Prints one line per figure (one thread, then THREADS threads), each with the rate in
 * bp x motifs per second and the projected time for the whole contig.
 */
public final class MotifScanBench {
    private MotifScanBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> positional = new ArrayList<>();
        String contig = "20";
        long start = 30_000_000L;
        int window = 1000;
        int regions = 10;
        int top = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--contig" -> contig = args[++i];
                case "--start" -> start = Long.parseLong(args[++i].replace("_", "").replace(",", ""));
                case "--window" -> window = Integer.parseInt(args[++i]);
                case "--regions" -> regions = Integer.parseInt(args[++i]);
                case "--top" -> top = Integer.parseInt(args[++i]);
                default -> positional.add(args[i]);
            }
        }
        if (positional.size() < 2) {
            System.err.println("usage: MotifScanBench REFERENCE MOTIFS [BASES=1000000] [THREADS=2] [--contig 20]"
                    + " [--start 30000000] [--window 1000] [--regions 10] [--top 1]");
            System.exit(2);
        }
        Path reference = Path.of(positional.get(0));
        Path motifFile = Path.of(positional.get(1));
        int bases = positional.size() > 2 ? Integer.parseInt(positional.get(2).replace("_", "").replace(",", ""))
                : 1_000_000;
        int threads = positional.size() > 3 ? Integer.parseInt(positional.get(3)) : 2;

        List<Motif> motifs = MotifReader.read(motifFile);
        byte[] sequence;
        long contigLength;
        try (ReferenceGenome genome = ReferenceGenome.open(reference)) {
            contigLength = genome.contigLengths().get(contig);
            sequence = genome.fetch(contig, start, Math.min(contigLength, start + bases));
        }
        bases = sequence.length;
        Background background = Background.fromBases(sequence).symmetrized();
        MotifScanner scanner = new MotifScanner(PositionWeightMatrix.of(motifs, background,
                PositionWeightMatrix.DEFAULT_PSEUDOCOUNT), new ScanOptions(regions, top, true));
        int count = bases / window;
        int[] offsets = new int[count];
        int[] lengths = new int[count];
        for (int w = 0; w < count; w++) {
            offsets[w] = w * window;
            lengths[w] = window;
        }
        // Warm-up: let the JIT compile the hot loop before timing.
        int warm = Math.min(count, Math.max(1, 100_000 / window));
        scanner.scanAll(sequence, java.util.Arrays.copyOf(offsets, warm), java.util.Arrays.copyOf(lengths, warm),
                threads);

        List<Integer> threadCounts = threads > 1 ? List.of(1, threads) : List.of(1);
        for (int n : threadCounts) {
            long t0 = System.nanoTime();
            float[] matrix = scanner.scanAll(sequence, offsets, lengths, n);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double scanned = (double) count * window;
            double rate = scanned * motifs.size() / seconds;
            double projected = contigLength / (scanned / seconds);
            System.out.printf(Locale.ROOT, "motif-scan: %d motifs x %,d bp (both strands, %d-bp windows, %d regions,"
                    + " %s, %d thread%s) in %.2f s = %.3g bp*motifs/s; projected whole %s (%,d bp): %.0f s%n",
                    motifs.size(), (long) scanned, window, regions, top == 1 ? "max" : "sum of top " + top, n,
                    n == 1 ? "" : "s", seconds, rate, contig, contigLength, projected);
            if (matrix.length != count * scanner.cellsPerWindow()) {
                throw new IllegalStateException("wrong result size " + matrix.length);
            }
        }
        long t0 = System.nanoTime();
        float[] sample = scanner.scanAll(sequence, java.util.Arrays.copyOf(offsets, Math.min(count, 100)),
                java.util.Arrays.copyOf(lengths, Math.min(count, 100)), 1);
        long t1 = System.nanoTime();
        Half.toLittleEndian(sample);
        double halfSeconds = (System.nanoTime() - t1) / 1e9;
        System.out.printf(Locale.ROOT, "motif-scan float16 encoding: %,d values in %.4f s = %.3g values/s%n",
                sample.length, halfSeconds, sample.length / halfSeconds);
        if (t1 < t0) {
            throw new IllegalStateException("clock went backwards");
        }
    }
}
