package org.regbert.motifs;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * GeneBERT's TF x region matrix: scans a window's bases with every motif on both strands and
 * keeps, per (motif, region), the best placement score (or the sum of the n best).
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>A window of W bases is split into R regions; region r holds bases {@code [r*W/R,
 *       (r+1)*W/R)} (integer division, so regions differ by at most one base). A placement
 *       belongs to the region holding its <em>first</em> base (leftmost on the forward strand,
 *       whatever the strand it is scored on); it may extend into the next region, but never past
 *       the window's end.</li>
 *   <li>A placement's score is the motif's log2-odds sum ({@link PositionWeightMatrix}). On both
 *       strands it is the better of the forward score and the reverse-complement matrix's score
 *       at the same bases, so a palindromic site counts once.</li>
 *   <li>Bases are ASCII, either case; N and IUPAC codes are invalid and every placement covering
 *       one is skipped.</li>
 *   <li>A cell without any placement (a region shorter than the motif at the window's end, or all
 *       N) holds the motif's lowest possible score, {@link PositionWeightMatrix#minScore()}: the
 *       floor of every real score, so "no site" never outranks a real one. With top-n, a region
 *       with fewer than n placements sums those it has.</li>
 * </ul>
 *
 * <h2>Speed</h2>
 * Each motif is compiled into tables over K=5 consecutive bases (1024 codes, forward and reverse
 * scores interleaved: 8 KiB a table), so a placement of a motif of length L costs
 * {@code ceil(L/5)} index loads and twice that many table loads for both strands (2.9 tables on
 * average for JASPAR vertebrates; K=5 measured 10% faster than K=4 and as fast as K=6, whose
 * tables no longer fit the L1 cache). Windows are 2-bit encoded once into 5-mer indices and
 * valid-base runs found once, so the hot loop has no N checks and no allocation, and its maxima
 * are branch-free ({@code Math.max}: a data-dependent branch there cost 3x). Work is done in chunks
 * of windows, motif by motif, so a motif's tables stay in cache across a chunk. Placement scores
 * are float sums of tables built in double: a few float ulps from exact (the tests hold them to
 * 1e-4 of a naive double scan). An instance is immutable and thread-safe.
 */
public final class MotifScanner {
    /** Bases per table (see the class comment for the choice). */
    private static final int K = 5;
    /** Floats per table: 4^K codes x (forward, reverse). */
    private static final int TABLE = 2 << (2 * K);
    /** Bases encoded per chunk: the chunk's indices (2 bytes a base) stay in the L2 cache. */
    private static final int CHUNK_BASES = 1 << 15;

    private final List<PositionWeightMatrix> pwms;
    private final ScanOptions options;
    private final int motifs;
    private final int regions;
    private final int[] lengths;
    private final int[] groups;
    private final int[] tableOffsets;
    private final float[] tables;
    private final float[] floors;
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);

    /** Compiles {@code pwms} (forward-strand matrices) for scanning with {@code options}. */
    public MotifScanner(List<PositionWeightMatrix> pwms, ScanOptions options) {
        if (pwms.isEmpty()) {
            throw new IllegalArgumentException("no motifs to scan with");
        }
        this.pwms = List.copyOf(pwms);
        this.options = options;
        this.motifs = pwms.size();
        this.regions = options.regions();
        this.lengths = new int[motifs];
        this.groups = new int[motifs];
        this.tableOffsets = new int[motifs];
        this.floors = new float[motifs];
        long size = 0;
        for (int t = 0; t < motifs; t++) {
            lengths[t] = pwms.get(t).length();
            groups[t] = (lengths[t] + K - 1) / K;
            tableOffsets[t] = Math.toIntExact(size);
            size += (long) groups[t] * TABLE;
        }
        this.tables = new float[Math.toIntExact(size)];
        for (int t = 0; t < motifs; t++) {
            PositionWeightMatrix forward = pwms.get(t);
            PositionWeightMatrix reverse = options.bothStrands() ? forward.reverseComplement() : forward;
            fillTables(forward, reverse, tableOffsets[t]);
            floors[t] = (float) Math.min(forward.minScore(), reverse.minScore());
        }
    }

    /**
     * Table entry for K-mer code k (first base in the high bits) of group g: the sum of the scores
     * of the group's bases; bases past the motif's end add nothing.
     */
    private void fillTables(PositionWeightMatrix forward, PositionWeightMatrix reverse, int offset) {
        int length = forward.length();
        int groupCount = (length + K - 1) / K;
        for (int g = 0; g < groupCount; g++) {
            for (int code = 0; code < 1 << (2 * K); code++) {
                double f = 0;
                double r = 0;
                for (int j = 0; j < K && g * K + j < length; j++) {
                    int base = (code >>> (2 * (K - 1 - j))) & 3;
                    f += forward.score(g * K + j, base);
                    r += reverse.score(g * K + j, base);
                }
                tables[offset + g * TABLE + 2 * code] = (float) f;
                tables[offset + g * TABLE + 2 * code + 1] = (float) r;
            }
        }
    }

    /** T, the number of motifs (rows of each window's matrix). */
    public int motifCount() {
        return motifs;
    }

    /** R, the number of regions (columns of each window's matrix). */
    public int regionCount() {
        return regions;
    }

    /** T x R: the length of one window's result. */
    public int cellsPerWindow() {
        return motifs * regions;
    }

    /** The motif ids in row order (the T axis of the matrix). */
    public List<String> motifIds() {
        return pwms.stream().map(pwm -> pwm.motif().id()).toList();
    }

    public List<PositionWeightMatrix> matrices() {
        return pwms;
    }

    public ScanOptions options() {
        return options;
    }

    /** The value of a cell with no placement for motif {@code t}: its lowest possible score. */
    public float floor(int t) {
        return floors[t];
    }

    /** The [T, R] matrix of one window, row-major: cell (t, r) at {@code t * R + r}. */
    public float[] scan(byte[] window) {
        float[] out = new float[cellsPerWindow()];
        scan(window, 0, window.length, out, 0);
        return out;
    }

    /**
     * Scans bases {@code [offset, offset + length)} of {@code bases} as one window into
     * {@code out[outOffset, outOffset + T*R)}. Allocation-free once the calling thread has
     * scanned a window this long.
     */
    public void scan(byte[] bases, int offset, int length, float[] out, int outOffset) {
        java.util.Objects.checkFromIndexSize(offset, length, bases.length);
        java.util.Objects.checkFromIndexSize(outOffset, cellsPerWindow(), out.length);
        Workspace ws = workspaces.get();
        ws.reset();
        ws.add(bases, offset, length);
        scanChunk(ws, out, outOffset);
    }

    /**
     * Scans many windows on {@code threads} threads: an array [N, T, R] (row-major, window by
     * window) of N*T*R floats, so call it on batches (N*T*R must stay below 2^31).
     */
    public float[] scanAll(List<byte[]> windows, int threads) {
        int n = windows.size();
        byte[][] arrays = windows.toArray(new byte[0][]);
        int[] offsets = new int[n];
        int[] lengths = new int[n];
        for (int w = 0; w < n; w++) {
            lengths[w] = arrays[w].length;
        }
        return scanAll(arrays, offsets, lengths, threads);
    }

    /**
     * Scans windows that are slices {@code [offsets[w], offsets[w] + lengths[w])} of one array
     * (a chunk of reference the caller fetched) on {@code threads} threads; the result as
     * {@link #scanAll(List, int)}.
     */
    public float[] scanAll(byte[] bases, int[] offsets, int[] lengths, int threads) {
        byte[][] arrays = new byte[offsets.length][];
        Arrays.fill(arrays, bases);
        return scanAll(arrays, offsets, lengths, threads);
    }

    private float[] scanAll(byte[][] arrays, int[] offsets, int[] lengths, int threads) {
        int n = arrays.length;
        if (offsets.length != n || lengths.length != n) {
            throw new IllegalArgumentException(n + " windows but " + offsets.length + " offsets and "
                    + lengths.length + " lengths");
        }
        for (int w = 0; w < n; w++) {
            java.util.Objects.checkFromIndexSize(offsets[w], lengths[w], arrays[w].length);
        }
        long cells = (long) n * cellsPerWindow();
        if (cells > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(n + " windows x " + cellsPerWindow()
                    + " cells do not fit one array: scan fewer windows per call");
        }
        float[] out = new float[(int) cells];
        int[] chunkStarts = chunks(lengths);
        int chunkCount = chunkStarts.length - 1;
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            Workspace ws = new Workspace();
            int c;
            while (failure.get() == null && (c = next.getAndIncrement()) < chunkCount) {
                ws.reset();
                for (int w = chunkStarts[c]; w < chunkStarts[c + 1]; w++) {
                    ws.add(arrays[w], offsets[w], lengths[w]);
                }
                scanChunk(ws, out, chunkStarts[c] * cellsPerWindow());
            }
        };
        int workers = Math.max(1, Math.min(threads, chunkCount));
        if (workers == 1) {
            worker.run();
            return out;
        }
        Thread[] pool = new Thread[workers];
        for (int i = 0; i < workers; i++) {
            pool[i] = new Thread(() -> {
                try {
                    worker.run();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "motif-scan-" + i);
            pool[i].setDaemon(true);
            pool[i].start();
        }
        try {
            for (Thread thread : pool) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scanning motifs", e);
        }
        Throwable error = failure.get();
        if (error instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (error instanceof Error fatal) {
            throw fatal;
        }
        return out;
    }

    /** Window indices where chunks start (and the end), each chunk about CHUNK_BASES bases. */
    private static int[] chunks(int[] lengths) {
        int[] starts = new int[lengths.length + 1];
        int count = 0;
        long bases = 0;
        for (int w = 0; w < lengths.length; w++) {
            if (w == 0 || bases + lengths[w] > CHUNK_BASES) {
                starts[count++] = w;
                bases = 0;
            }
            bases += lengths[w];
        }
        starts[count++] = lengths.length;
        return Arrays.copyOf(starts, count);
    }

    /** Scans every window in {@code ws}, motif by motif; window i's matrix goes to {@code out[outBase + i*T*R]}. */
    private void scanChunk(Workspace ws, float[] out, int outBase) {
        int cells = cellsPerWindow();
        float[] best = ws.best(regions);
        for (int t = 0; t < motifs; t++) {
            int length = lengths[t];
            int groupCount = groups[t];
            int offset = tableOffsets[t];
            for (int w = 0; w < ws.windows; w++) {
                int windowLength = ws.windowLength[w];
                int windowStart = ws.windowStart[w];
                int target = outBase + w * cells + t * regions;
                if (options.topN() > 1) {
                    scanTop(ws, w, t, out, target);
                    continue;
                }
                Arrays.fill(best, Float.NEGATIVE_INFINITY);
                for (int run = ws.firstRun[w]; run < ws.firstRun[w + 1]; run++) {
                    int from = ws.runStart[run];
                    int last = ws.runEnd[run] - length;
                    while (from <= last) {
                        int r = options.regionOf(from, windowLength);
                        int to = Math.min(last + 1, options.regionStart(r + 1, windowLength));
                        float max = max(tables, offset, groupCount, ws.index, windowStart + from, windowStart + to);
                        if (max > best[r]) {
                            best[r] = max;
                        }
                        from = to;
                    }
                }
                float floor = floors[t];
                for (int r = 0; r < regions; r++) {
                    out[target + r] = best[r] == Float.NEGATIVE_INFINITY ? floor : best[r];
                }
            }
        }
    }

    /**
     * The best score of placements starting at {@code [from, to)} (indices into {@code index}).
     * Unrolled per table count (motifs up to 10 K = 50 bases) so the sums stay in registers.
     */
    private static float max(float[] tables, int offset, int groupCount, char[] index, int from, int to) {
        return switch (groupCount) {
            case 1 -> max1(tables, offset, index, from, to);
            case 2 -> max2(tables, offset, index, from, to);
            case 3 -> max3(tables, offset, index, from, to);
            case 4 -> max4(tables, offset, index, from, to);
            case 5 -> max5(tables, offset, index, from, to);
            case 6 -> max6(tables, offset, index, from, to);
            case 7 -> max7(tables, offset, index, from, to);
            case 8 -> max8(tables, offset, index, from, to);
            case 9 -> max9(tables, offset, index, from, to);
            case 10 -> max10(tables, offset, index, from, to);
            default -> maxAny(tables, offset, groupCount, index, from, to);
        };
    }

    private static float max1(float[] tables, int offset, char[] index, int from, int to) {
        float best = Float.NEGATIVE_INFINITY;
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            float f = tables[i0];
            float r = tables[i0 + 1];
            float s = Math.max(f, r);
            if (s > best) {
                best = s;
            }
        }
        return best;
    }

    private static float max2(float[] tables, int offset, char[] index, int from, int to) {
        float best = Float.NEGATIVE_INFINITY;
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            float f = tables[i0] + tables[i1];
            float r = tables[i0 + 1] + tables[i1 + 1];
            float s = Math.max(f, r);
            if (s > best) {
                best = s;
            }
        }
        return best;
    }

    private static float max3(float[] tables, int offset, char[] index, int from, int to) {
        float best = Float.NEGATIVE_INFINITY;
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            int i2 = offset + 2 * TABLE + index[p + 2 * K];
            float f = tables[i0] + tables[i1] + tables[i2];
            float r = tables[i0 + 1] + tables[i1 + 1] + tables[i2 + 1];
            float s = Math.max(f, r);
            if (s > best) {
                best = s;
            }
        }
        return best;
    }

    private static float max4(float[] tables, int offset, char[] index, int from, int to) {
        float best = Float.NEGATIVE_INFINITY;
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            int i2 = offset + 2 * TABLE + index[p + 2 * K];
            int i3 = offset + 3 * TABLE + index[p + 3 * K];
            float f = tables[i0] + tables[i1] + tables[i2] + tables[i3];
            float r = tables[i0 + 1] + tables[i1 + 1] + tables[i2 + 1] + tables[i3 + 1];
            float s = Math.max(f, r);
            if (s > best) {
                best = s;
            }
        }
        return best;
    }

    private static float max5(float[] tables, int offset, char[] index, int from, int to) {
        float best = Float.NEGATIVE_INFINITY;
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            int i2 = offset + 2 * TABLE + index[p + 2 * K];
            int i3 = offset + 3 * TABLE + index[p + 3 * K];
            int i4 = offset + 4 * TABLE + index[p + 4 * K];
            float f = tables[i0] + tables[i1] + tables[i2] + tables[i3] + tables[i4];
            float r = tables[i0 + 1] + tables[i1 + 1] + tables[i2 + 1] + tables[i3 + 1] + tables[i4 + 1];
            float s = Math.max(f, r);
            if (s > best) {
                best = s;
            }
        }
        return best;
    }

    private static float max6(float[] tables, int offset, char[] index, int from, int to) {
        float best = Float.NEGATIVE_INFINITY;
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            int i2 = offset + 2 * TABLE + index[p + 2 * K];
            int i3 = offset + 3 * TABLE + index[p + 3 * K];
            int i4 = offset + 4 * TABLE + index[p + 4 * K];
            int i5 = offset + 5 * TABLE + index[p + 5 * K];
            float f = tables[i0] + tables[i1] + tables[i2] + tables[i3] + tables[i4]
                    + tables[i5];
            float r = tables[i0 + 1] + tables[i1 + 1] + tables[i2 + 1] + tables[i3 + 1] + tables[i4 + 1]
                    + tables[i5 + 1];
            float s = Math.max(f, r);
            if (s > best) {
                best = s;
            }
        }
        return best;
    }

    private static float max7(float[] tables, int offset, char[] index, int from, int to) {
        float best = Float.NEGATIVE_INFINITY;
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            int i2 = offset + 2 * TABLE + index[p + 2 * K];
            int i3 = offset + 3 * TABLE + index[p + 3 * K];
            int i4 = offset + 4 * TABLE + index[p + 4 * K];
            int i5 = offset + 5 * TABLE + index[p + 5 * K];
            int i6 = offset + 6 * TABLE + index[p + 6 * K];
            float f = tables[i0] + tables[i1] + tables[i2] + tables[i3] + tables[i4]
                    + tables[i5] + tables[i6];
            float r = tables[i0 + 1] + tables[i1 + 1] + tables[i2 + 1] + tables[i3 + 1] + tables[i4 + 1]
                    + tables[i5 + 1] + tables[i6 + 1];
            float s = Math.max(f, r);
            if (s > best) {
                best = s;
            }
        }
        return best;
    }

    private static float max8(float[] tables, int offset, char[] index, int from, int to) {
        float best = Float.NEGATIVE_INFINITY;
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            int i2 = offset + 2 * TABLE + index[p + 2 * K];
            int i3 = offset + 3 * TABLE + index[p + 3 * K];
            int i4 = offset + 4 * TABLE + index[p + 4 * K];
            int i5 = offset + 5 * TABLE + index[p + 5 * K];
            int i6 = offset + 6 * TABLE + index[p + 6 * K];
            int i7 = offset + 7 * TABLE + index[p + 7 * K];
            float f = tables[i0] + tables[i1] + tables[i2] + tables[i3] + tables[i4]
                    + tables[i5] + tables[i6] + tables[i7];
            float r = tables[i0 + 1] + tables[i1 + 1] + tables[i2 + 1] + tables[i3 + 1] + tables[i4 + 1]
                    + tables[i5 + 1] + tables[i6 + 1] + tables[i7 + 1];
            float s = Math.max(f, r);
            if (s > best) {
                best = s;
            }
        }
        return best;
    }

    private static float max9(float[] tables, int offset, char[] index, int from, int to) {
        float best = Float.NEGATIVE_INFINITY;
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            int i2 = offset + 2 * TABLE + index[p + 2 * K];
            int i3 = offset + 3 * TABLE + index[p + 3 * K];
            int i4 = offset + 4 * TABLE + index[p + 4 * K];
            int i5 = offset + 5 * TABLE + index[p + 5 * K];
            int i6 = offset + 6 * TABLE + index[p + 6 * K];
            int i7 = offset + 7 * TABLE + index[p + 7 * K];
            int i8 = offset + 8 * TABLE + index[p + 8 * K];
            float f = tables[i0] + tables[i1] + tables[i2] + tables[i3] + tables[i4]
                    + tables[i5] + tables[i6] + tables[i7] + tables[i8];
            float r = tables[i0 + 1] + tables[i1 + 1] + tables[i2 + 1] + tables[i3 + 1] + tables[i4 + 1]
                    + tables[i5 + 1] + tables[i6 + 1] + tables[i7 + 1] + tables[i8 + 1];
            float s = Math.max(f, r);
            if (s > best) {
                best = s;
            }
        }
        return best;
    }

    private static float max10(float[] tables, int offset, char[] index, int from, int to) {
        float best = Float.NEGATIVE_INFINITY;
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            int i2 = offset + 2 * TABLE + index[p + 2 * K];
            int i3 = offset + 3 * TABLE + index[p + 3 * K];
            int i4 = offset + 4 * TABLE + index[p + 4 * K];
            int i5 = offset + 5 * TABLE + index[p + 5 * K];
            int i6 = offset + 6 * TABLE + index[p + 6 * K];
            int i7 = offset + 7 * TABLE + index[p + 7 * K];
            int i8 = offset + 8 * TABLE + index[p + 8 * K];
            int i9 = offset + 9 * TABLE + index[p + 9 * K];
            float f = tables[i0] + tables[i1] + tables[i2] + tables[i3] + tables[i4]
                    + tables[i5] + tables[i6] + tables[i7] + tables[i8] + tables[i9];
            float r = tables[i0 + 1] + tables[i1 + 1] + tables[i2 + 1] + tables[i3 + 1] + tables[i4 + 1]
                    + tables[i5 + 1] + tables[i6 + 1] + tables[i7 + 1] + tables[i8 + 1] + tables[i9 + 1];
            float s = Math.max(f, r);
            if (s > best) {
                best = s;
            }
        }
        return best;
    }

    private static float maxAny(float[] tables, int offset, int groupCount, char[] index, int from, int to) {
        float best = Float.NEGATIVE_INFINITY;
        for (int p = from; p < to; p++) {
            float f = 0;
            float r = 0;
            for (int g = 0, k = offset, q = p; g < groupCount; g++, k += TABLE, q += K) {
                int i = k + index[q];
                f += tables[i];
                r += tables[i + 1];
            }
            float s = Math.max(f, r);
            if (s > best) {
                best = s;
            }
        }
        return best;
    }

    /**
     * Writes the score of each placement starting at {@code [from, to)} to {@code scores[0, to -
     * from)}: the top-n path's counterpart of {@link #max}.
     */
    private static void scores(float[] tables, int offset, int groupCount, char[] index, int from, int to,
            float[] scores) {
        switch (groupCount) {
            case 1 -> scores1(tables, offset, index, from, to, scores);
            case 2 -> scores2(tables, offset, index, from, to, scores);
            case 3 -> scores3(tables, offset, index, from, to, scores);
            case 4 -> scores4(tables, offset, index, from, to, scores);
            case 5 -> scores5(tables, offset, index, from, to, scores);
            case 6 -> scores6(tables, offset, index, from, to, scores);
            case 7 -> scores7(tables, offset, index, from, to, scores);
            case 8 -> scores8(tables, offset, index, from, to, scores);
            case 9 -> scores9(tables, offset, index, from, to, scores);
            case 10 -> scores10(tables, offset, index, from, to, scores);
            default -> scoresAny(tables, offset, groupCount, index, from, to, scores);
        }
    }

    private static void scores1(float[] tables, int offset, char[] index, int from, int to, float[] scores) {
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            float f = tables[i0];
            float r = tables[i0 + 1];
            scores[p - from] = Math.max(f, r);
        }
    }

    private static void scores2(float[] tables, int offset, char[] index, int from, int to, float[] scores) {
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            float f = tables[i0] + tables[i1];
            float r = tables[i0 + 1] + tables[i1 + 1];
            scores[p - from] = Math.max(f, r);
        }
    }

    private static void scores3(float[] tables, int offset, char[] index, int from, int to, float[] scores) {
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            int i2 = offset + 2 * TABLE + index[p + 2 * K];
            float f = tables[i0] + tables[i1] + tables[i2];
            float r = tables[i0 + 1] + tables[i1 + 1] + tables[i2 + 1];
            scores[p - from] = Math.max(f, r);
        }
    }

    private static void scores4(float[] tables, int offset, char[] index, int from, int to, float[] scores) {
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            int i2 = offset + 2 * TABLE + index[p + 2 * K];
            int i3 = offset + 3 * TABLE + index[p + 3 * K];
            float f = tables[i0] + tables[i1] + tables[i2] + tables[i3];
            float r = tables[i0 + 1] + tables[i1 + 1] + tables[i2 + 1] + tables[i3 + 1];
            scores[p - from] = Math.max(f, r);
        }
    }

    private static void scores5(float[] tables, int offset, char[] index, int from, int to, float[] scores) {
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            int i2 = offset + 2 * TABLE + index[p + 2 * K];
            int i3 = offset + 3 * TABLE + index[p + 3 * K];
            int i4 = offset + 4 * TABLE + index[p + 4 * K];
            float f = tables[i0] + tables[i1] + tables[i2] + tables[i3] + tables[i4];
            float r = tables[i0 + 1] + tables[i1 + 1] + tables[i2 + 1] + tables[i3 + 1] + tables[i4 + 1];
            scores[p - from] = Math.max(f, r);
        }
    }

    private static void scores6(float[] tables, int offset, char[] index, int from, int to, float[] scores) {
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            int i2 = offset + 2 * TABLE + index[p + 2 * K];
            int i3 = offset + 3 * TABLE + index[p + 3 * K];
            int i4 = offset + 4 * TABLE + index[p + 4 * K];
            int i5 = offset + 5 * TABLE + index[p + 5 * K];
            float f = tables[i0] + tables[i1] + tables[i2] + tables[i3] + tables[i4]
                    + tables[i5];
            float r = tables[i0 + 1] + tables[i1 + 1] + tables[i2 + 1] + tables[i3 + 1] + tables[i4 + 1]
                    + tables[i5 + 1];
            scores[p - from] = Math.max(f, r);
        }
    }

    private static void scores7(float[] tables, int offset, char[] index, int from, int to, float[] scores) {
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            int i2 = offset + 2 * TABLE + index[p + 2 * K];
            int i3 = offset + 3 * TABLE + index[p + 3 * K];
            int i4 = offset + 4 * TABLE + index[p + 4 * K];
            int i5 = offset + 5 * TABLE + index[p + 5 * K];
            int i6 = offset + 6 * TABLE + index[p + 6 * K];
            float f = tables[i0] + tables[i1] + tables[i2] + tables[i3] + tables[i4]
                    + tables[i5] + tables[i6];
            float r = tables[i0 + 1] + tables[i1 + 1] + tables[i2 + 1] + tables[i3 + 1] + tables[i4 + 1]
                    + tables[i5 + 1] + tables[i6 + 1];
            scores[p - from] = Math.max(f, r);
        }
    }

    private static void scores8(float[] tables, int offset, char[] index, int from, int to, float[] scores) {
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            int i2 = offset + 2 * TABLE + index[p + 2 * K];
            int i3 = offset + 3 * TABLE + index[p + 3 * K];
            int i4 = offset + 4 * TABLE + index[p + 4 * K];
            int i5 = offset + 5 * TABLE + index[p + 5 * K];
            int i6 = offset + 6 * TABLE + index[p + 6 * K];
            int i7 = offset + 7 * TABLE + index[p + 7 * K];
            float f = tables[i0] + tables[i1] + tables[i2] + tables[i3] + tables[i4]
                    + tables[i5] + tables[i6] + tables[i7];
            float r = tables[i0 + 1] + tables[i1 + 1] + tables[i2 + 1] + tables[i3 + 1] + tables[i4 + 1]
                    + tables[i5 + 1] + tables[i6 + 1] + tables[i7 + 1];
            scores[p - from] = Math.max(f, r);
        }
    }

    private static void scores9(float[] tables, int offset, char[] index, int from, int to, float[] scores) {
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            int i2 = offset + 2 * TABLE + index[p + 2 * K];
            int i3 = offset + 3 * TABLE + index[p + 3 * K];
            int i4 = offset + 4 * TABLE + index[p + 4 * K];
            int i5 = offset + 5 * TABLE + index[p + 5 * K];
            int i6 = offset + 6 * TABLE + index[p + 6 * K];
            int i7 = offset + 7 * TABLE + index[p + 7 * K];
            int i8 = offset + 8 * TABLE + index[p + 8 * K];
            float f = tables[i0] + tables[i1] + tables[i2] + tables[i3] + tables[i4]
                    + tables[i5] + tables[i6] + tables[i7] + tables[i8];
            float r = tables[i0 + 1] + tables[i1 + 1] + tables[i2 + 1] + tables[i3 + 1] + tables[i4 + 1]
                    + tables[i5 + 1] + tables[i6 + 1] + tables[i7 + 1] + tables[i8 + 1];
            scores[p - from] = Math.max(f, r);
        }
    }

    private static void scores10(float[] tables, int offset, char[] index, int from, int to, float[] scores) {
        for (int p = from; p < to; p++) {
            int i0 = offset + index[p];
            int i1 = offset + 1 * TABLE + index[p + 1 * K];
            int i2 = offset + 2 * TABLE + index[p + 2 * K];
            int i3 = offset + 3 * TABLE + index[p + 3 * K];
            int i4 = offset + 4 * TABLE + index[p + 4 * K];
            int i5 = offset + 5 * TABLE + index[p + 5 * K];
            int i6 = offset + 6 * TABLE + index[p + 6 * K];
            int i7 = offset + 7 * TABLE + index[p + 7 * K];
            int i8 = offset + 8 * TABLE + index[p + 8 * K];
            int i9 = offset + 9 * TABLE + index[p + 9 * K];
            float f = tables[i0] + tables[i1] + tables[i2] + tables[i3] + tables[i4]
                    + tables[i5] + tables[i6] + tables[i7] + tables[i8] + tables[i9];
            float r = tables[i0 + 1] + tables[i1 + 1] + tables[i2 + 1] + tables[i3 + 1] + tables[i4 + 1]
                    + tables[i5 + 1] + tables[i6 + 1] + tables[i7 + 1] + tables[i8 + 1] + tables[i9 + 1];
            scores[p - from] = Math.max(f, r);
        }
    }

    private static void scoresAny(float[] tables, int offset, int groupCount, char[] index, int from, int to,
            float[] scores) {
        for (int p = from; p < to; p++) {
            float f = 0;
            float r = 0;
            for (int g = 0, k = offset, q = p; g < groupCount; g++, k += TABLE, q += K) {
                int i = k + index[q];
                f += tables[i];
                r += tables[i + 1];
            }
            scores[p - from] = Math.max(f, r);
        }
    }

    /** The sum-of-top-n path: keeps each region's n best placement scores, sorted ascending. */
    private void scanTop(Workspace ws, int w, int t, float[] out, int target) {
        int n = options.topN();
        int length = lengths[t];
        int groupCount = groups[t];
        int offset = tableOffsets[t];
        int windowLength = ws.windowLength[w];
        int windowStart = ws.windowStart[w];
        float[] top = ws.top(regions * n);
        int[] counts = ws.counts(regions);
        Arrays.fill(counts, 0, regions, 0);
        for (int run = ws.firstRun[w]; run < ws.firstRun[w + 1]; run++) {
            int from = ws.runStart[run];
            int last = ws.runEnd[run] - length;
            while (from <= last) {
                int r = options.regionOf(from, windowLength);
                int to = Math.min(last + 1, options.regionStart(r + 1, windowLength));
                int base = r * n;
                int count = counts[r];
                float[] scores = ws.scores(to - from);
                scores(tables, offset, groupCount, ws.index, windowStart + from, windowStart + to, scores);
                for (int i = 0; i < to - from; i++) {
                    float s = scores[i];
                    if (count < n) {
                        int j = base + count++;
                        while (j > base && top[j - 1] > s) {
                            top[j] = top[j - 1];
                            j--;
                        }
                        top[j] = s;
                    } else if (s > top[base]) {
                        int j = base;
                        while (j + 1 < base + n && top[j + 1] < s) {
                            top[j] = top[j + 1];
                            j++;
                        }
                        top[j] = s;
                    }
                }
                counts[r] = count;
                from = to;
            }
        }
        for (int r = 0; r < regions; r++) {
            if (counts[r] == 0) {
                out[target + r] = floors[t];
                continue;
            }
            double sum = 0;
            for (int j = r * n; j < r * n + counts[r]; j++) {
                sum += top[j];
            }
            out[target + r] = (float) sum;
        }
    }

    /**
     * Per-thread scratch: the encoded windows of one chunk. {@code index[p]} is twice the K-mer
     * code of bases p..p+K-1 of its window (bases past the end and invalid bases as A: runs keep
     * placements off invalid bases, and tables ignore bases past a motif's end).
     */
    private static final class Workspace {
        char[] index = new char[1024];
        int windows;
        int[] windowStart = new int[16];
        int[] windowLength = new int[16];
        int[] firstRun = new int[17];
        int runs;
        int[] runStart = new int[64];
        int[] runEnd = new int[64];
        int used;
        private float[] best = new float[0];
        private float[] top = new float[0];
        private int[] counts = new int[0];
        private float[] scores = new float[0];

        void reset() {
            windows = 0;
            runs = 0;
            used = 0;
            firstRun[0] = 0;
        }

        void add(byte[] bases, int offset, int length) {
            if (windows == windowStart.length) {
                windowStart = Arrays.copyOf(windowStart, windows * 2);
                windowLength = Arrays.copyOf(windowLength, windows * 2);
                firstRun = Arrays.copyOf(firstRun, windows * 2 + 1);
            }
            if (used + length > index.length) {
                index = Arrays.copyOf(index, Math.max(index.length * 2, used + length));
            }
            int code = 0;
            for (int i = length - 1; i >= 0; i--) {
                int base = Bases.code(bases[offset + i]);
                code = (code >>> 2) | (Math.max(base, 0) << (2 * K - 2));
                index[used + i] = (char) (code << 1);
            }
            int runFrom = -1;
            for (int i = 0; i <= length; i++) {
                boolean valid = i < length && Bases.code(bases[offset + i]) >= 0;
                if (valid && runFrom < 0) {
                    runFrom = i;
                } else if (!valid && runFrom >= 0) {
                    addRun(runFrom, i);
                    runFrom = -1;
                }
            }
            windowStart[windows] = used;
            windowLength[windows] = length;
            windows++;
            firstRun[windows] = runs;
            used += length;
        }

        private void addRun(int from, int to) {
            if (runs == runStart.length) {
                runStart = Arrays.copyOf(runStart, runs * 2);
                runEnd = Arrays.copyOf(runEnd, runs * 2);
            }
            runStart[runs] = from;
            runEnd[runs] = to;
            runs++;
        }

        float[] best(int size) {
            if (best.length < size) {
                best = new float[size];
            }
            return best;
        }

        float[] top(int size) {
            if (top.length < size) {
                top = new float[size];
            }
            return top;
        }

        float[] scores(int size) {
            if (scores.length < size) {
                scores = new float[Math.max(size, 2 * scores.length)];
            }
            return scores;
        }

        int[] counts(int size) {
            if (counts.length < size) {
                counts = new int[size];
            }
            return counts;
        }
    }
}
