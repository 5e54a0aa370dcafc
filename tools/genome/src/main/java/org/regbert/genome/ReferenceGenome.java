package org.regbert.genome;

import htsjdk.samtools.SAMSequenceDictionary;
import htsjdk.samtools.SAMSequenceRecord;
import htsjdk.samtools.reference.FastaSequenceIndex;
import htsjdk.samtools.reference.FastaSequenceIndexCreator;
import htsjdk.samtools.reference.FastaSequenceIndexEntry;
import htsjdk.samtools.reference.ReferenceSequence;
import htsjdk.samtools.reference.ReferenceSequenceFile;
import htsjdk.samtools.reference.ReferenceSequenceFileFactory;
import htsjdk.samtools.util.BlockCompressedInputStream;
import htsjdk.samtools.util.FileExtensions;
import htsjdk.samtools.util.GZIIndex;
import htsjdk.samtools.util.IOUtil;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import org.regbert.common.BadInputException;
import org.regbert.common.Checksums;
import org.regbert.common.DaemonPools;
import org.regbert.shards.SequenceRecord;

/**
 * An indexed reference FASTA (plain, or bgzip with {@code .fai} and {@code .gzi}) read through
 * htsjdk in bounded chunks: no contig is ever held whole. Opening checks what users get wrong
 * (plain gzip, truncated bgzip, not FASTA, empty) and builds a missing index where it may.
 */
public final class ReferenceGenome implements AutoCloseable {
    /** Bases fetched per read when streaming a contig (checksums, tiling). */
    public static final int CHUNK = 1 << 22;

    private final Path fasta;
    private final ReferenceSequenceFile file;
    private final List<SequenceRecord> names;

    private ReferenceGenome(Path fasta, ReferenceSequenceFile file, List<SequenceRecord> names) {
        this.fasta = fasta;
        this.file = file;
        this.names = names;
    }

    /**
     * Opens {@code fasta}, building {@code .fai} (and {@code .gzi} for bgzip) if they are missing and
     * the folder is writable.
     *
     * @throws BadInputException naming the file and the problem for every input users get wrong
     */
    public static ReferenceGenome open(Path fasta) {
        Inflaters.installForHtsjdk();
        if (!Files.isRegularFile(fasta)) {
            throw new BadInputException(fasta, Files.exists(fasta) ? "not a regular file" : "no such reference FASTA");
        }
        if (!Files.isReadable(fasta)) {
            throw new BadInputException(fasta, "cannot read reference FASTA (permission denied)");
        }
        boolean blockCompressed = checkFastaContent(fasta);
        ensureIndex(fasta, blockCompressed);
        List<SequenceRecord> records = new ArrayList<>();
        Path fai = indexPath(fasta);
        try {
            for (FastaSequenceIndexEntry entry : new FastaSequenceIndex(fai)) {
                records.add(new SequenceRecord(entry.getContig(), entry.getSize(), null));
            }
        } catch (RuntimeException e) {
            throw new BadInputException(fai, -1, "unreadable FASTA index: " + e.getMessage(), e);
        }
        if (records.isEmpty()) {
            throw new BadInputException(fasta, "the FASTA has no sequences (its index " + fai.getFileName() + " is empty)");
        }
        try {
            ReferenceSequenceFile file = ReferenceSequenceFileFactory.getReferenceSequenceFile(fasta, true, true);
            return new ReferenceGenome(fasta, file, List.copyOf(records));
        } catch (RuntimeException e) {
            throw new BadInputException(fasta, -1, "cannot open indexed FASTA: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return fasta;
    }

    /** Contig names and lengths in FASTA order (without checksums; see {@link #dictionaryWithMd5}). */
    public List<SequenceRecord> contigs() {
        return names;
    }

    public Map<String, Long> contigLengths() {
        Map<String, Long> lengths = new LinkedHashMap<>();
        names.forEach(r -> lengths.put(r.name(), r.length()));
        return lengths;
    }

    public List<String> contigNames() {
        return names.stream().map(SequenceRecord::name).toList();
    }

    /**
     * The sequence dictionary with MD5s: taken from a {@code .dict} beside the FASTA when it carries
     * M5 tags, computed by streaming each contig otherwise (upper-case bases, as SAM's M5).
     */
    public List<SequenceRecord> dictionaryWithMd5() {
        SAMSequenceDictionary dict = file.getSequenceDictionary();
        List<SequenceRecord> records = new ArrayList<>();
        Md5Pass pass = null;
        try {
            for (SequenceRecord record : names) {
                SAMSequenceRecord fromDict = dict == null ? null : dict.getSequence(record.name());
                String md5 = fromDict != null && fromDict.getSequenceLength() == record.length() ? fromDict.getMd5()
                        : null;
                if (md5 == null) {
                    pass = pass != null ? pass : new Md5Pass(fasta); // opened once, for all contigs lacking an M5
                    md5 = pass.md5Of(record);
                }
                records.add(new SequenceRecord(record.name(), record.length(), md5));
            }
        } finally {
            if (pass != null) {
                pass.close();
            }
        }
        return records;
    }

    /**
     * MD5s of contigs' upper-cased bases. Two readers alternate so that one thread inflates the next
     * chunk while this one digests the current one (the digest is sequential; reading need not wait).
     */
    private static final class Md5Pass implements AutoCloseable {
        private final ExecutorService reader = DaemonPools.fixed(1, "reference-md5-reader");
        private final IndexedBases even;
        private final IndexedBases odd;

        Md5Pass(Path fasta) {
            IndexedBases first = new IndexedBases(fasta);
            try {
                odd = new IndexedBases(fasta);
            } catch (RuntimeException e) {
                first.close();
                reader.shutdownNow();
                throw e;
            }
            even = first;
        }

        String md5Of(SequenceRecord record) {
            MessageDigest md5 = Checksums.digest("MD5");
            String name = record.name();
            long length = record.length();
            Future<byte[]> next = reader.submit(() -> even.fetch(name, 0, Math.min(length, CHUNK)));
            for (long start = 0; start < length; start += CHUNK) {
                byte[] bases = DaemonPools.await(next, "reading the reference");
                int n = (int) (Math.min(length, start + CHUNK) - start);
                long following = start + CHUNK;
                if (following < length) {
                    IndexedBases other = (following / CHUNK) % 2 == 0 ? even : odd;
                    next = reader.submit(() -> other.fetch(name, following, Math.min(length, following + CHUNK)));
                }
                for (int i = 0; i < n; i++) {
                    byte b = bases[i];
                    if (b >= 'a' && b <= 'z') {
                        bases[i] = (byte) (b - 32);
                    }
                }
                md5.update(bases, 0, n);
            }
            return Checksums.hex(md5.digest());
        }

        @Override
        public void close() {
            reader.shutdownNow();
            even.close();
            odd.close();
        }
    }

    /**
     * Bases {@code [start, end)} (0-based) of {@code contig}, case as in the file.
     *
     * @throws BadInputException when the range is outside the contig or the file cannot be decoded
     */
    public byte[] fetch(String contig, long start, long end) {
        Long length = contigLengths().get(contig);
        if (length == null) {
            throw new BadInputException(fasta, "no contig '" + contig + "'");
        }
        if (start < 0 || end > length || start >= end) {
            throw new BadInputException(fasta, "range " + contig + ":" + start + "-" + end
                    + " is outside the contig (length " + length + ")");
        }
        try {
            ReferenceSequence sequence = file.getSubsequenceAt(contig, start + 1, end);
            byte[] bases = sequence.getBases();
            if (bases.length != end - start) {
                throw new BadInputException(fasta, "read " + bases.length + " bases for " + contig + ":" + start + "-" + end
                        + " where " + (end - start) + " were expected: the file or its index is truncated or stale");
            }
            return bases;
        } catch (BadInputException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BadInputException(fasta, -1, "cannot read " + contig + ":" + start + "-" + end
                    + " (truncated or corrupt file, or a stale index?): " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks the bytes are FASTA (after bgzip) and returns whether the file is block-compressed.
     *
     * @throws BadInputException for plain gzip, truncated bgzip, empty or non-FASTA files
     */
    public static boolean checkFastaContent(Path fasta) {
        if (!Files.isRegularFile(fasta)) {
            throw new BadInputException(fasta, Files.exists(fasta) ? "not a regular file" : "no such FASTA file");
        }
        try {
            if (Files.size(fasta) == 0) {
                throw new BadInputException(fasta, "empty file: no FASTA records");
            }
            boolean gzip;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(fasta))) {
                gzip = IOUtil.isGZIPInputStream(in);
            }
            boolean blockCompressed = gzip && IOUtil.isBlockCompressed(fasta, true);
            if (gzip && !blockCompressed) {
                throw new BadInputException(fasta, "gzip-compressed but not bgzip: random access needs bgzip"
                        + " (gunzip it, then 'bgzip' it, or use the plain FASTA)");
            }
            if (blockCompressed) {
                BlockCompressedInputStream.FileTermination termination = BlockCompressedInputStream.checkTermination(fasta);
                if (termination == BlockCompressedInputStream.FileTermination.DEFECTIVE) {
                    throw new BadInputException(fasta, "truncated bgzip file: the last block is incomplete"
                            + " (an interrupted download or copy?)");
                }
                if (termination == BlockCompressedInputStream.FileTermination.HAS_HEALTHY_LAST_BLOCK) {
                    throw new BadInputException(fasta, "truncated bgzip file: the end-of-file marker block is"
                            + " missing (an interrupted download or copy?)");
                }
            }
            try (InputStream raw = Files.newInputStream(fasta);
                    InputStream in = blockCompressed ? new GZIPInputStream(raw) : raw) {
                int c;
                do {
                    c = in.read();
                } while (c == '\n' || c == '\r' || c == ' ' || c == '\t');
                if (c < 0) {
                    throw new BadInputException(fasta, "empty file: no FASTA records");
                }
                if (c != '>') {
                    throw new BadInputException(fasta, 1, "not a FASTA file: expected a '>' header line, found '"
                            + printable(c) + "'");
                }
            }
            return blockCompressed;
        } catch (IOException e) {
            throw new BadInputException(fasta, -1, "cannot read: " + e.getMessage(), e);
        }
    }

    private static void ensureIndex(Path fasta, boolean blockCompressed) {
        Path fai = indexPath(fasta);
        Path gzi = fasta.resolveSibling(fasta.getFileName() + FileExtensions.GZI);
        boolean needFai = !Files.exists(fai);
        boolean needGzi = blockCompressed && !Files.exists(gzi);
        if (!needFai && !needGzi) {
            return;
        }
        Path folder = fasta.toAbsolutePath().getParent();
        String missing = (needFai ? fai.getFileName().toString() : "") + (needFai && needGzi ? " and " : "")
                + (needGzi ? gzi.getFileName().toString() : "");
        if (!Files.isWritable(folder)) {
            throw new BadInputException(fasta, "no index (" + missing + ") and the folder " + folder
                    + " is not writable to build one: run 'samtools faidx " + fasta.getFileName()
                    + "' where you can write, or copy the FASTA to a writable folder");
        }
        if (needFai) {
            // Once, with the index: htsjdk's own messages name neither line nor problem clearly.
            FastaLayout.check(fasta);
        }
        try {
            if (needGzi) {
                GZIIndex.buildIndex(fasta).writeIndex(gzi);
            }
            if (needFai) {
                FastaSequenceIndexCreator.create(fasta, false);
            }
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(fasta, -1, "cannot build the FASTA index " + missing + ": " + e.getMessage(), e);
        }
    }

    private static Path indexPath(Path fasta) {
        return fasta.resolveSibling(fasta.getFileName() + FileExtensions.FASTA_INDEX);
    }

    private static String printable(int c) {
        return c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02x", c);
    }
}
