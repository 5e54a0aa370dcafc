package org.regbert.epigenome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.bigfiles.BigFiles;
import org.regbert.bigfiles.BigWigReader;
import org.regbert.bigfiles.Chromosome;
import org.regbert.common.BadInputException;

/**
 * bigWig signal tracks (ENCODE fold change, p-value, read depth) answering, per window, the mean
 * signal of each k-mer token: the mean over the token's bases that have data, NaN where none has
 * (missing data is not zero). Opening checks every file (a bigWig, its chromosomes against the
 * reference: names through the contig aliases, sizes equal, else a wrong assembly) and names the
 * tracks; values are then read per window from disk ({@link #reader}), never a whole file.
 *
 * <p>Track names: {@code FILE:NAME}, else the ENCODE metadata's biosample (with {@code .TARGET} added
 * when one biosample has several files), else the file name; two tracks of one name are refused
 * with the advice to name them {@code CELL.MARK}.
 */
public final class SignalTracks {
    /** One file: its track name and the bigWig chromosome of each reference contig it covers. */
    public record Track(String name, Path file, Map<String, String> contigs) {
    }

    private final List<Track> tracks;

    private SignalTracks(List<Track> tracks) {
        this.tracks = List.copyOf(tracks);
    }

    /** Checks and names {@code specs}; {@code metadata} may be null. */
    public static SignalTracks open(List<TrackSpec> specs, ReferenceContigs reference, EncodeMetadata metadata) {
        if (specs.isEmpty()) {
            throw new BadInputException("no bigWig files given");
        }
        List<String> names = new ArrayList<>();
        List<EncodeMetadata.Entry> entries = new ArrayList<>();
        for (TrackSpec spec : specs) {
            Path file = spec.file();
            if (BigFiles.kindOf(file) != BigFiles.Kind.BIGWIG) {
                throw new BadInputException(file, !java.nio.file.Files.exists(file) ? "no such bigWig file"
                        : BigFiles.kindOf(file) == BigFiles.Kind.BIGBED ? "is a bigBed, not a bigWig: give peaks to --peaks"
                        : "not a bigWig file (no bigWig signature; bedGraph and wig must be converted with"
                                + " bedGraphToBigWig / wigToBigWig first)");
            }
            EncodeMetadata.Entry entry = metadata == null ? null : metadata.entryFor(file);
            if (entry != null && entry.assembly() != null && AssemblyCheck.differ(entry.assembly(), reference.assembly())) {
                throw new BadInputException(file, "wrong assembly: " + metadata.file() + " (line " + entry.line()
                        + ") gives File assembly " + entry.assembly() + " for " + entry.accession()
                        + ", but the reference is " + reference.assembly() + "; use the " + reference.assembly()
                        + " file");
            }
            if (spec.cellType() == null && entry == null && EncodeMetadata.accessionOf(file) != null) {
                throw new BadInputException(file, "named by ENCODE accession only: give its track name as FILE:CELL"
                        + " (or FILE:CELL.MARK) or pass the ENCODE metadata.tsv");
            }
            entries.add(entry);
            names.add(spec.cellType() != null ? spec.cellType()
                    : entry != null && entry.biosample() != null ? entry.biosample()
                    : CellTypeNames.fromFileName(file));
        }
        // One biosample, several ENCODE files: CELL.TARGET tells them apart.
        Map<String, Integer> counts = new HashMap<>();
        names.forEach(n -> counts.merge(n, 1, Integer::sum));
        for (int i = 0; i < names.size(); i++) {
            EncodeMetadata.Entry entry = entries.get(i);
            if (specs.get(i).cellType() == null && entry != null && entry.target() != null && counts.get(names.get(i)) > 1) {
                names.set(i, names.get(i) + "." + entry.target());
            }
        }
        Map<String, Path> seen = new LinkedHashMap<>();
        List<Track> tracks = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            Path file = specs.get(i).file();
            Path earlier = seen.putIfAbsent(names.get(i), file);
            if (earlier != null) {
                throw new BadInputException(file, "signal track '" + names.get(i) + "' is given twice (" + earlier
                        + " and " + file + "): name each FILE:CELL.MARK, e.g. " + file.getFileName() + ":"
                        + names.get(i) + ".H3K27ac");
            }
            tracks.add(new Track(names.get(i), file, contigs(file, reference)));
        }
        return new SignalTracks(tracks);
    }

    /** Reference contig → bigWig chromosome, checked against the reference's names and lengths. */
    private static Map<String, String> contigs(Path file, ReferenceContigs reference) {
        Map<String, String> contigs = new LinkedHashMap<>();
        try (BigWigReader reader = BigWigReader.open(file)) {
            for (Chromosome c : reader.chromosomes()) {
                String contig = reference.resolver().resolve(c.name(), file, -1);
                if (contig == null) {
                    continue;
                }
                long length = reference.lengths().get(contig);
                if (c.size() != length) {
                    throw new BadInputException(file, "wrong assembly: its chromosome " + c.name() + " has " + c.size()
                            + " bases, the reference's " + contig + " " + length + " (" + reference.assembly()
                            + "); use a bigWig of the shards' assembly");
                }
                contigs.put(contig, c.name());
            }
        }
        if (contigs.isEmpty()) {
            throw new BadInputException(file, "none of its chromosomes is a contig of the reference (" + String.join(", ",
                    reference.lengths().keySet()) + ")");
        }
        return contigs;
    }

    public int size() {
        return tracks.size();
    }

    public List<String> names() {
        return tracks.stream().map(Track::name).toList();
    }

    public List<Track> tracks() {
        return tracks;
    }

    /** For the shard manifest: the rule, and each track's file and contigs. */
    public Map<String, Object> toManifest() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", "mean over the token's bases that have data; NaN where none has (no data is not zero)");
        m.put("dtype", "float16 (values beyond +-65504 become +-inf)");
        List<Map<String, Object>> list = new ArrayList<>();
        for (Track t : tracks) {
            Map<String, Object> track = new LinkedHashMap<>();
            track.put("name", t.name());
            track.put("file", t.file().toAbsolutePath().normalize().toString());
            track.put("contigs", t.contigs());
            list.add(track);
        }
        m.put("tracks", list);
        return m;
    }

    /** Opens one track's file for reading windows; close it when done. */
    public Reader reader(int track) {
        return new Reader(tracks.get(track));
    }

    /** Per-token means of one track, read window by window. Not thread-safe: one per thread. */
    public static final class Reader implements AutoCloseable {
        private final Track track;
        private final BigWigReader bigWig;
        private float[] bases = new float[0];
        private double[] sums = new double[1];
        private int[] counts = new int[1];

        private Reader(Track track) {
            this.track = track;
            this.bigWig = BigWigReader.open(track.file());
        }

        /**
         * Writes the mean signal of each of {@code tokens} k-mer tokens of a window to
         * {@code out[offset .. offset + tokens)}, with {@link StateTrack#fill}'s geometry: on strand +1
         * token j covers {@code [windowStart + j*step, + k)}; on strand -1 {@code [windowEnd - k - j*step,
         * windowEnd - j*step)}. NaN where no base of the token has data (also off the contig).
         */
        public void fill(String contig, long windowStart, int tokens, int step, int k, int strand, long windowEnd,
                float[] out, int offset) {
            if (tokens <= 0) {
                return;
            }
            long lowest = strand > 0 ? windowStart : windowEnd - k - (long) (tokens - 1) * step;
            int span = Math.toIntExact((long) (tokens - 1) * step + k);
            if (bases.length < span) {
                bases = new float[span];
                sums = new double[span + 1];
                counts = new int[span + 1];
            }
            Arrays.fill(bases, 0, span, Float.NaN);
            String chrom = track.contigs().get(contig);
            if (chrom != null) {
                float[] into = bases;
                bigWig.query(chrom, Math.max(0, lowest), lowest + span,
                        (s, e, v) -> Arrays.fill(into, (int) (s - lowest), (int) (e - lowest), v));
            }
            for (int i = 0; i < span; i++) {
                boolean has = !Float.isNaN(bases[i]);
                sums[i + 1] = sums[i] + (has ? bases[i] : 0);
                counts[i + 1] = counts[i] + (has ? 1 : 0);
            }
            for (int t = 0; t < tokens; t++) {
                int from = t * step;
                int n = counts[from + k] - counts[from];
                float mean = n == 0 ? Float.NaN : (float) ((sums[from + k] - sums[from]) / n);
                out[offset + (strand > 0 ? t : tokens - 1 - t)] = mean;
            }
        }

        @Override
        public void close() {
            bigWig.close();
        }
    }
}
