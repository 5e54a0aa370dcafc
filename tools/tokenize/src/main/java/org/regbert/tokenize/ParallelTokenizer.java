package org.regbert.tokenize;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.regbert.common.DaemonPools;
import org.regbert.common.Progress;
import org.regbert.genome.ExcludedRegions;
import org.regbert.genome.IndexedBases;
import org.regbert.shards.TokenShardWriter;

/**
 * Runs chunk tasks on worker threads (each with its own FASTA reader, inflater and scanner) and
 * drains their batches into the shard writer in task order, so output is identical whatever the
 * thread count. At most {@link #inFlight()} batches are in flight: enough that workers keep going
 * while the writer flushes a shard.
 */
final class ParallelTokenizer implements AutoCloseable {
    static final String SKIP_EXCLUDED = "overlaps an --exclude region";
    private final Path fasta;
    private final WindowGeometry geometry;
    private final WindowSink sink;
    private final boolean keepMask;
    private final int threads;
    private final boolean strictBases;
    /** --exclude regions (null: none); windows sharing a base with them are skipped. */
    private final ExcludedRegions excluded;
    private final ExecutorService pool;
    private final List<IndexedBases> readers = Collections.synchronizedList(new ArrayList<>());
    private final ThreadLocal<Worker> workers;
    // Drained batches, reused by later chunks: at most inFlight + 1 ever exist.
    private final Queue<WindowBatch> spare = new ConcurrentLinkedQueue<>();

    private record Worker(IndexedBases reference, KmerScanner scanner) {
    }

    ParallelTokenizer(Path fasta, WindowGeometry geometry, WindowSink sink, boolean keepMask, boolean reverse,
            int threads, boolean strictBases, ExcludedRegions excluded) {
        this.excluded = excluded;
        this.fasta = fasta;
        this.strictBases = strictBases;
        this.geometry = geometry;
        this.sink = sink;
        this.keepMask = keepMask;
        this.threads = threads;
        this.pool = DaemonPools.fixed(threads, "tokenize-worker");
        this.workers = ThreadLocal.withInitial(() -> {
            IndexedBases reference = new IndexedBases(fasta);
            readers.add(reference);
            return new Worker(reference, new KmerScanner(geometry.k(), reverse, keepMask, sink.countsInvalid()));
        });
    }

    void run(List<ChunkTask> tasks, TokenShardWriter writer, TokenizeStats stats, Progress progress) {
        Deque<Future<WindowBatch>> inFlight = new ArrayDeque<>();
        int next = 0;
        while (next < tasks.size() || !inFlight.isEmpty()) {
            while (next < tasks.size() && inFlight.size() < inFlight()) {
                ChunkTask task = tasks.get(next++);
                inFlight.add(pool.submit(() -> execute(task)));
            }
            WindowBatch batch = DaemonPools.await(inFlight.poll(), "tokenizing");
            if (batch.firstNonNucleotide >= 0) {
                // In task order, so the refusal names the same (first) character whatever the thread count.
                throw NonNucleotides.refusal(fasta, batch.contigName, batch.chunkStart + batch.firstNonNucleotide,
                        batch.firstNonNucleotideCharacter);
            }
            batch.drainTo(writer);
            stats.add(batch);
            progress.advance(batch.basesCovered);
            spare.add(batch);
        }
    }

    /** Batches allowed ahead of the writer (each at most {@link ChunkPlanner#MAX_CHUNK_WINDOWS} windows). */
    int inFlight() {
        return 2 * threads + 4;
    }

    private WindowBatch execute(ChunkTask task) {
        Worker worker = workers.get();
        int windowBases = geometry.windowBases();
        int stride = geometry.strideBases();
        long chunkEnd = task.chunkStart() + (long) (task.windows() - 1) * stride + windowBases;
        byte[] bases = worker.reference().fetch(task.contig(), task.chunkStart(), chunkEnd);
        int length = (int) (chunkEnd - task.chunkStart());
        worker.scanner().scan(bases, length);
        WindowBatch batch = spare.poll();
        if (batch == null) {
            batch = new WindowBatch(geometry.tokens(), keepMask, task.windows() * sink.copies());
        }
        batch.reset();
        batch.contigName = task.contig();
        batch.chunkStart = task.chunkStart();
        batch.nonNucleotides = NonNucleotides.count(bases, task.ownBases());
        if (strictBases && batch.nonNucleotides > 0) {
            batch.firstNonNucleotide = NonNucleotides.first(bases, task.ownBases());
            batch.firstNonNucleotideCharacter = bases[batch.firstNonNucleotide];
        }
        for (int w = 0; w < task.windows(); w++) {
            int offset = w * stride;
            long start = task.chunkStart() + offset;
            if (excluded != null && excluded.overlaps(task.contig(), start, start + windowBases)) {
                batch.skip(SKIP_EXCLUDED);
                continue;
            }
            sink.emit(worker.scanner(), offset, windowBases, task.contigIndex(), task.chunkStart() + offset,
                    task.strand(), task.region(), batch);
        }
        batch.basesScanned = length;
        batch.basesCovered = task.basesCovered();
        return batch;
    }

    Path fasta() {
        return fasta;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        synchronized (readers) {
            readers.forEach(IndexedBases::close);
        }
    }
}
