package org.regbert.serve;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.regbert.epigenome.EncodeMetadata;

/**
 * Every ENCODE file described by the {@code metadata.tsv} files dropped so far, by accession: each
 * table is parsed (and checked) by align's own {@link EncodeMetadata}; a later table's row for an
 * accession replaces an earlier one.
 */
final class MetadataCatalog {
    private final Map<String, EncodeMetadata.Entry> entries = new HashMap<>();

    /**
     * Adds the rows of one table and returns how many it described.
     *
     * @throws org.regbert.common.BadInputException naming the file, line and problem of a malformed table
     */
    synchronized int read(Path tsv) {
        EncodeMetadata table = EncodeMetadata.read(tsv);
        for (String accession : table.accessions()) {
            entries.put(accession, table.entry(accession));
        }
        return table.size();
    }

    /** The row for an accession, or null. */
    synchronized EncodeMetadata.Entry entry(String accession) {
        return entries.get(accession);
    }
}
