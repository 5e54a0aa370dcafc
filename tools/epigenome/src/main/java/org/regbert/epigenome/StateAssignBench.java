package org.regbert.epigenome;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.regbert.common.KitData;

/**
 * Benchmark of per-token state assignment, the inner loop of {@code align}: the kit's real hg18
 * chr11 ChromHMM segmentations (GM12878 and K562), each loaded again as many cell types as asked
 * (so every track has its own arrays, as 127 Roadmap epigenomes would), then windows spread evenly
 * over chr11, alternately on strand +1 and -1, filled for every cell type. Prints one line:
 * {@code states: C cell types x N windows x L tokens = X token-states in Y s = Z M token-states/s}.
 *
 * <pre>
 * java -cp ... org.regbert.epigenome.StateAssignBench [--data DIR] [--cells 127] [--windows 20000]
 *     [--tokens 512] [--k 6] [--step 1] [--rule majority|first-base] [--threads 1]
 * </pre>
 */
public final class StateAssignBench {
    private StateAssignBench() {
    }

    public static void main(String[] args) throws Exception {
        Path data = null;
        int cells = 127;
        int windows = 20_000;
        int tokens = 512;
        int k = 6;
        int step = 1;
        int threads = 1;
        TokenRule rule = TokenRule.MAJORITY;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--data" -> data = Path.of(value);
                case "--cells" -> cells = Integer.parseInt(value);
                case "--windows" -> windows = Integer.parseInt(value);
                case "--tokens" -> tokens = Integer.parseInt(value);
                case "--k" -> k = Integer.parseInt(value);
                case "--step" -> step = Integer.parseInt(value);
                case "--rule" -> rule = TokenRule.parse(value);
                case "--threads" -> threads = Integer.parseInt(value);
                default -> {
                    System.err.println("unknown option " + args[i] + "; options: --data --cells --windows --tokens --k"
                            + " --step --rule --threads");
                    System.exit(2);
                }
            }
        }
        data = data != null ? data : KitData.root();
        Path folder = data.resolve("chromhmm/segmentation-hg18-chr11-10state");
        Path[] files = {folder.resolve("GM12878_10_segments.bed.gz"), folder.resolve("K562_10_segments.bed.gz")};
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                System.err.println("missing " + file + " (pass --data DIR, the kit's data folder)");
                System.exit(2);
            }
        }
        long chr11 = chromSize(data.resolve("chromhmm/chromsizes/hg18.txt"), "chr11");
        ReferenceContigs reference = ReferenceContigs.of(Map.of("chr11", chr11), Map.of());
        List<TrackSpec> specs = new ArrayList<>();
        for (int c = 0; c < cells; c++) {
            Path file = files[c % 2];
            specs.add(new TrackSpec(file, CellTypeNames.fromFileName(file) + "_" + (c / 2 + 1)));
        }
        long loadStart = System.nanoTime();
        EpigenomeTracks tracks = EpigenomeLoader.builder(reference).rule(rule).threads(threads).build().load(specs);
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        long pieces = 0;
        for (StateTrack track : tracks.tracks()) {
            pieces += track.contig("chr11").pieces();
        }
        System.out.printf(Locale.ROOT, "load: %d files, %d pieces in %.2f s (%d thread(s))%n", cells, pieces,
                loadSeconds, threads);

        long span = (long) (tokens - 1) * step + k;
        long[] starts = new long[windows];
        for (int w = 0; w < windows; w++) {
            starts[w] = (long) ((chr11 - span) * (w / (double) windows));
        }
        run(tracks, starts, tokens, step, k, span, Math.max(1, windows / 10), threads);
        long begin = System.nanoTime();
        long checksum = run(tracks, starts, tokens, step, k, span, windows, threads);
        double seconds = (System.nanoTime() - begin) / 1e9;
        long states = (long) cells * windows * tokens;
        System.out.printf(Locale.ROOT, "states: %d cell types x %d windows x %d tokens = %d token-states in %.3f s"
                + " = %.1f M token-states/s (%d thread(s), rule %s, k=%d, step %d; checksum %d)%n", cells, windows, tokens,
                states, seconds, states / seconds / 1e6, threads, rule.label(), k, step, checksum);
    }

    /** Fills {@code count} windows for every cell type; returns a checksum so the work is not optimised away. */
    private static long run(EpigenomeTracks tracks, long[] starts, int tokens, int step, int k, long span, int count,
            int threads) throws Exception {
        if (threads <= 1) {
            return fillRange(tracks, starts, 0, count, tokens, step, k, span);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int from = (int) ((long) count * t / threads);
                int to = (int) ((long) count * (t + 1) / threads);
                parts.add(pool.submit(() -> fillRange(tracks, starts, from, to, tokens, step, k, span)));
            }
            long checksum = 0;
            for (Future<Long> part : parts) {
                checksum += part.get();
            }
            return checksum;
        } finally {
            pool.shutdownNow();
        }
    }

    private static long fillRange(EpigenomeTracks tracks, long[] starts, int from, int to, int tokens, int step, int k,
            long span) {
        byte[] out = new byte[tracks.size() * tokens];
        long checksum = 0;
        for (int w = from; w < to; w++) {
            int strand = (w & 1) == 0 ? 1 : -1;
            tracks.fill("chr11", starts[w], tokens, step, k, strand, starts[w] + span, out);
            checksum += out[w % out.length] + out[(w * 31 + 7) % out.length];
        }
        return checksum;
    }

    private static long chromSize(Path sizes, String contig) throws Exception {
        for (String line : Files.readAllLines(sizes)) {
            String[] f = line.split("\t");
            if (f.length >= 2 && f[0].equals(contig)) {
                return Long.parseLong(f[1].strip());
            }
        }
        throw new IllegalArgumentException(contig + " not in " + sizes);
    }
}
