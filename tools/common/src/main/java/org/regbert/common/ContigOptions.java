package org.regbert.common;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The contig-naming options every stage that reads interval files shares (a picocli mixin):
 * explicit aliases, and skipping contigs the reference lacks.
 */
public final class ContigOptions {
    @Option(names = "--contig-alias", paramLabel = "FROM=TO",
            description = "Map a contig name of the inputs to the reference's, e.g. chr20=20 (the kit's BED files say"
                    + " chr20, its FASTA says 20). Repeatable.")
    List<String> aliases = new ArrayList<>();

    @Option(names = "--skip-missing-contigs",
            description = "Skip (and count) intervals on contigs the reference does not have, e.g. chr1 lines of a"
                    + " genome-wide BED against a chr20-only reference. Names that differ only by a 'chr' prefix"
                    + " are still an error: map them with --contig-alias.")
    boolean skipMissing;

    /** The {@code FROM=TO} alias options as given. */
    public List<String> aliases() {
        return List.copyOf(aliases);
    }

    public boolean skipMissing() {
        return skipMissing;
    }
}
