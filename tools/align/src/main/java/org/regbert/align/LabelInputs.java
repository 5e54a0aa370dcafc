package org.regbert.align;

import htsjdk.samtools.util.IOUtil;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.regbert.bigfiles.BigFiles;
import org.regbert.common.BadInputException;
import org.regbert.epigenome.LineSource;
import org.regbert.genome.BedRegions;
import org.regbert.genome.ContigResolver;
import org.regbert.genome.Liftover;
import org.regbert.genome.Region;

/** Reads label files into interval indexes, with contig, bounds and assembly checks (and liftover). */
final class LabelInputs {
    private static final Pattern MCV = Pattern.compile("MCV-(\\d+)");

    private final ContigResolver contigs;
    private final Map<String, Long> lengths;
    private final Liftover liftover;

    LabelInputs(ContigResolver contigs, Map<String, Long> lengths, Liftover liftover) {
        this.contigs = contigs;
        this.lengths = lengths;
        this.liftover = liftover;
    }

    /**
     * Intervals of a BED/narrowPeak/broadPeak file or its bigBed (ENCODE's bigNarrowPeak, read as the BED
     * text of its entries); value = MCV-n level where names carry one, else 1.
     */
    IntervalIndex intervals(Path file, boolean[] sawLevels) {
        IntervalIndex index = new IntervalIndex();
        java.util.function.Consumer<Region> add = region -> {
            int level = 1;
            if (region.name() != null) {
                Matcher m = MCV.matcher(region.name());
                if (m.matches()) {
                    level = Integer.parseInt(m.group(1));
                    sawLevels[0] = true;
                }
            }
            index.add(region.contig(), region.start(), region.end(), level);
        };
        if (Files.isRegularFile(file) && BigFiles.isBigBed(file)) {
            try (BufferedReader reader = LineSource.open(file)) {
                BedRegions.stream(file, reader, contigs, lengths, liftover, add);
            } catch (IOException e) {
                throw new BadInputException(file, -1, "cannot read bigBed: " + e.getMessage(), e);
            }
        } else {
            BedRegions.stream(file, contigs, lengths, liftover, add);
        }
        if (index.size() == 0) {
            throw new BadInputException(file, "no intervals (empty file, or none lifted over)");
        }
        return index.build();
    }

    static boolean isBedpe(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".bedpe") || name.endsWith(".bedpe.gz");
    }

    /**
     * Donor and acceptor sites of the introns in a {@code .bedpe}: columns 1-3 the intron's first
     * base, 4-6 its last base, column 9 the strand.
     */
    IntervalIndex spliceSites(Path file) {
        if (!Files.isReadable(file)) {
            throw new BadInputException(file, "no such file");
        }
        IntervalIndex index = new IntervalIndex();
        try (BufferedReader reader = IOUtil.openFileForBufferedReading(file)) {
            String text;
            long line = 0;
            while ((text = reader.readLine()) != null) {
                line++;
                if (text.isBlank() || text.startsWith("#") || text.startsWith("track")) {
                    continue;
                }
                String[] f = text.split("\t");
                if (f.length < 9) {
                    throw new BadInputException(file, line, "expected a BEDPE line with at least 9 tab-separated"
                            + " columns (chrom1 start1 end1 chrom2 start2 end2 name score strand1), found " + f.length);
                }
                int strand = switch (f[8]) {
                    case "+" -> 1;
                    case "-" -> -1;
                    default -> throw new BadInputException(file, line, "strand must be + or -, was '" + f[8] + "'");
                };
                Region first = site(file, line, f[0], f[1], f[2], strand);
                Region last = site(file, line, f[3], f[4], f[5], strand);
                if (first != null) {
                    index.add(first.contig(), first.start(), first.end(), strand * (strand > 0 ? 1 : 2));
                }
                if (last != null) {
                    index.add(last.contig(), last.start(), last.end(), strand * (strand > 0 ? 2 : 1));
                }
            }
        } catch (IOException e) {
            throw new BadInputException(file, -1, "cannot read: " + e.getMessage(), e);
        }
        if (index.size() == 0) {
            throw new BadInputException(file, "no introns (empty file, or none lifted over)");
        }
        return index.build();
    }

    private Region site(Path file, long line, String contig, String startText, String endText, int strand) {
        long start;
        long end;
        try {
            start = Long.parseLong(startText);
            end = Long.parseLong(endText);
        } catch (NumberFormatException e) {
            throw new BadInputException(file, line, "start and end must be integers, got '" + startText + "', '"
                    + endText + "'");
        }
        if (start < 0 || start > end) {
            throw new BadInputException(file, line, "bad interval " + start + "-" + end);
        }
        if (liftover != null) {
            Region lifted = liftover.lift(file, contig, start, end, null, strand, line);
            if (lifted == null) {
                return null;
            }
            contig = lifted.contig();
            start = lifted.start();
            end = lifted.end();
        }
        String resolved = contigs.resolve(contig, file, line);
        if (resolved == null) {
            return null;
        }
        BedRegions.checkWithinContig(file, line, contig, resolved, start, end, lengths.get(resolved));
        return new Region(resolved, start, end, null, strand, line);
    }
}
