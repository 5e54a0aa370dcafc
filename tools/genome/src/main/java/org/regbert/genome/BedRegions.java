package org.regbert.genome;

import htsjdk.samtools.util.IOUtil;
import htsjdk.tribble.annotation.Strand;
import htsjdk.tribble.bed.BEDCodec;
import htsjdk.tribble.bed.BEDFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.regbert.common.BadInputException;

/**
 * Reads BED files (plain or gzip/bgzip) with htsjdk's {@link BEDCodec}, checking each line: at
 * least three tab-separated columns, numeric coordinates, start <= end, a contig the reference
 * has (through {@link ContigResolver}) and an end within the contig. Errors name file and line.
 */
public final class BedRegions {
    private BedRegions() {
    }

    /** Reads every region of {@code bed}; BED files of regions are small enough to hold. */
    public static List<Region> read(Path bed, ContigResolver contigs, Map<String, Long> contigLengths) {
        List<Region> regions = new ArrayList<>();
        stream(bed, contigs, contigLengths, regions::add);
        if (regions.isEmpty()) {
            throw new BadInputException(bed, "no BED records (empty file, or only headers and comments)");
        }
        return regions;
    }

    /** Streams the regions of {@code bed} in file order to {@code sink}. */
    public static void stream(Path bed, ContigResolver contigs, Map<String, Long> contigLengths,
            Consumer<Region> sink) {
        stream(bed, contigs, contigLengths, null, sink);
    }

    /**
     * Streams the regions of {@code bed}, lifted first when {@code liftover} is given (regions that
     * fail to lift are counted by it and skipped), then resolved and checked against the reference.
     */
    public static void stream(Path bed, ContigResolver contigs, Map<String, Long> contigLengths, Liftover liftover,
            Consumer<Region> sink) {
        if (!Files.isReadable(bed)) {
            throw new BadInputException(bed, Files.exists(bed) ? "cannot read BED file" : "no such BED file");
        }
        try (BufferedReader reader = IOUtil.openFileForBufferedReading(bed)) {
            stream(bed, reader, contigs, contigLengths, liftover, sink);
        } catch (IOException | htsjdk.samtools.util.RuntimeIOException e) {
            throw new BadInputException(bed, -1, "cannot read BED file: " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #stream(Path, ContigResolver, Map, Liftover, Consumer)}, reading BED lines from READER
     * (the text of {@code bed}, e.g. a bigBed's entries); messages name {@code bed} and its entry number.
     */
    public static void stream(Path bed, BufferedReader reader, ContigResolver contigs, Map<String, Long> contigLengths,
            Liftover liftover, Consumer<Region> sink) {
        BEDCodec codec = new BEDCodec();
        try {
            String text;
            long lineNumber = 0;
            while ((text = reader.readLine()) != null) {
                lineNumber++;
                if (text.isBlank() || text.startsWith("#") || text.startsWith("track") || text.startsWith("browser")) {
                    continue;
                }
                Region region = parse(codec, text, bed, lineNumber, contigs, contigLengths, liftover);
                if (region != null) {
                    sink.accept(region);
                }
            }
        } catch (IOException | htsjdk.samtools.util.RuntimeIOException e) {
            throw new BadInputException(bed, -1, "cannot read BED file: " + e.getMessage(), e);
        }
    }

    /** Parses and checks one BED line; null when it did not lift or its contig is skipped. */
    public static Region parse(BEDCodec codec, String text, Path bed, long lineNumber, ContigResolver contigs,
            Map<String, Long> contigLengths, Liftover liftover) {
        String[] fields = text.split("\t", -1);
        if (fields.length < 3) {
            throw new BadInputException(bed, lineNumber, "expected at least 3 tab-separated columns (chrom, start, end), found "
                    + fields.length + ": '" + abbreviate(text) + "'");
        }
        long start;
        long end;
        try {
            start = Long.parseLong(fields[1].strip());
            end = Long.parseLong(fields[2].strip());
        } catch (NumberFormatException e) {
            throw new BadInputException(bed, lineNumber, "start and end must be integers: '" + abbreviate(text) + "'");
        }
        if (start < 0) {
            throw new BadInputException(bed, lineNumber, "negative start " + start);
        }
        if (start > end) {
            throw new BadInputException(bed, lineNumber, "start " + start + " is greater than end " + end);
        }
        BEDFeature feature;
        try {
            feature = codec.decode(text);
        } catch (RuntimeException e) {
            throw new BadInputException(bed, lineNumber, "malformed BED line: " + e.getMessage(), e);
        }
        int strand = feature.getStrand() == Strand.POSITIVE ? 1 : feature.getStrand() == Strand.NEGATIVE ? -1 : 0;
        String name = feature.getName() == null || feature.getName().isEmpty() ? null : feature.getName();
        String sourceContig = feature.getContig();
        if (liftover != null) {
            Region lifted = liftover.lift(bed, sourceContig, start, end, name, strand, lineNumber);
            if (lifted == null) {
                return null;
            }
            sourceContig = lifted.contig();
            start = lifted.start();
            end = lifted.end();
            strand = lifted.strand();
        }
        String contig = contigs.resolve(sourceContig, bed, lineNumber);
        if (contig == null) {
            return null;
        }
        checkWithinContig(bed, lineNumber, sourceContig, contig, start, end, contigLengths.get(contig));
        return new Region(contig, start, end, name, strand, lineNumber);
    }

    /**
     * Refuses an interval past its contig's end, naming the assemblies whose contig is long enough:
     * the usual cause is a file from another assembly.
     */
    public static void checkWithinContig(Path file, long line, String written, String contig, long start, long end,
            long length) {
        if (end <= length) {
            return;
        }
        StringBuilder hint = new StringBuilder();
        for (String assembly : AssemblyCatalog.KNOWN) {
            Long size = AssemblyCatalog.sizes(assembly).get(AssemblyCatalog.canonical(contig));
            if (size != null && size >= end) {
                hint.append(hint.length() == 0 ? "" : " or ").append(assembly).append(" (").append(size).append(')');
            }
        }
        throw new BadInputException(file, line, "interval " + written + ":" + start + "-" + end
                + " runs past the end of contig '" + contig + "' (length " + length + ")"
                + (hint.length() > 0 ? "; is the file from another assembly? it fits " + hint : ""));
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
