package org.regbert.tokenize;

import htsjdk.samtools.reference.FastaSequenceFile;
import htsjdk.samtools.reference.ReferenceSequence;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.regbert.common.BadInputException;
import org.regbert.common.Checksums;
import org.regbert.shards.SequenceRecord;

/**
 * Streams the records of a FASTA of short sequences (ChIP-seq peaks, promoters) one at a time,
 * each becoming one or more windows. Records are read whole, so they are capped in length.
 */
final class FastaRecords {
    static final int MAX_RECORD = 1 << 24;

    private FastaRecords() {
    }

    /** Names, lengths and MD5s of every record (a first pass, needed before any shard is written). */
    static List<SequenceRecord> dictionary(Path fasta) {
        List<SequenceRecord> records = new ArrayList<>();
        forEach(fasta, sequence -> {
            MessageDigest md5 = Checksums.digest("MD5");
            md5.update(new String(sequence.getBases(), java.nio.charset.StandardCharsets.US_ASCII)
                    .toUpperCase(java.util.Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            records.add(new SequenceRecord(sequence.getName(), sequence.length(), Checksums.hex(md5.digest())));
        });
        if (records.isEmpty()) {
            throw new BadInputException(fasta, "no FASTA records");
        }
        return records;
    }

    static void forEach(Path fasta, Consumer<ReferenceSequence> sink) {
        try (FastaSequenceFile file = new FastaSequenceFile(fasta, true)) {
            ReferenceSequence sequence;
            while ((sequence = file.nextSequence()) != null) {
                if (sequence.length() > MAX_RECORD) {
                    throw new BadInputException(fasta, "record '" + sequence.getName() + "' has " + sequence.length()
                            + " bases; --fasta-records is for short sequences: index the FASTA and tile it instead");
                }
                sink.accept(sequence);
            }
        } catch (BadInputException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BadInputException(fasta, -1, "cannot read FASTA records: " + e.getMessage(), e);
        }
    }
}
