package org.regbert.score;

import htsjdk.samtools.util.BlockCompressedOutputStream;
import htsjdk.tribble.SimpleFeature;
import htsjdk.tribble.index.Index;
import htsjdk.tribble.index.tabix.TabixFormat;
import htsjdk.tribble.index.tabix.TabixIndexCreator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.regbert.bigfiles.BigWigWriter;

/**
 * Writes one output column of scored windows as a bedGraph track UCSC and IGV load: a track line,
 * then {@code contig start end value} sorted by contig (reference order) and start. A line spans its
 * window, cut at the next window's start so lines never overlap (bedGraphToBigWig refuses overlaps;
 * tokenize's windows overlap by k - 1 bases). With bgzip the file is block-compressed and a tabix
 * index ({@code .tbi}, the track line skipped as a header line) is written beside it. Or, for an
 * OUTPUT named {@code .bw}, the same intervals as a bigWig ({@link #writeBigWig}).
 */
final class BedGraphWriter {
    /** BED's tabix preset, plus one header line (the track line) to skip. */
    private static final TabixFormat BEDGRAPH = new TabixFormat(TabixFormat.UCSC_FLAGS, 1, 2, 3, '#', 1);

    private BedGraphWriter() {
    }

    static void write(Path file, String trackName, String description, List<RegionWindows.Window> windows,
            float[][] scores, int column, boolean bgzip) throws IOException {
        String track = String.format(Locale.ROOT, "track type=bedGraph name=\"%s\" description=\"%s\" visibility=full"
                + " autoScale=on alwaysZero=on graphType=bar%n", trackName, description);
        if (!bgzip) {
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
                out.write(track);
                for (int i = 0; i < windows.size(); i++) {
                    if (scores[i] != null) {
                        out.write(line(windows, scores, column, i));
                    }
                }
            }
            return;
        }
        TabixIndexCreator index = new TabixIndexCreator(BEDGRAPH);
        try (BlockCompressedOutputStream out = new BlockCompressedOutputStream(file.toFile())) {
            out.write(track.getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < windows.size(); i++) {
                if (scores[i] == null) {
                    continue;
                }
                long position = out.getFilePointer();
                RegionWindows.Window w = windows.get(i);
                out.write(line(windows, scores, column, i).getBytes(StandardCharsets.US_ASCII));
                index.addFeature(new SimpleFeature(w.contig(), (int) w.start() + 1, (int) end(windows, scores, i)),
                        position);
            }
            out.flush();
            Index tbi = index.finalizeIndex(out.getFilePointer());
            tbi.write(file.resolveSibling(file.getFileName() + ".tbi"));
        }
    }

    /**
     * The same track as a bigWig (UCSC's layout and zoom levels, {@code BigWigWriter}): the same
     * intervals as the bedGraph's lines, the float scores themselves rather than their 6-digit text.
     * The file's chromosomes are the reference's contigs, in its order.
     */
    static void writeBigWig(Path file, Map<String, Long> contigLengths, List<RegionWindows.Window> windows,
            float[][] scores, int column) {
        try (BigWigWriter writer = BigWigWriter.create(file, contigLengths)) {
            for (int i = 0; i < windows.size(); i++) {
                if (scores[i] != null) {
                    RegionWindows.Window w = windows.get(i);
                    writer.add(w.contig(), w.start(), end(windows, scores, i), scores[i][column]);
                }
            }
        }
    }

    /** Whether OUTPUT names a bigWig ({@code .bw}, {@code .bigWig}). */
    static boolean isBigWig(String outputName) {
        String lower = outputName.toLowerCase(Locale.ROOT);
        return lower.endsWith(".bw") || lower.endsWith(".bigwig");
    }

    private static String line(List<RegionWindows.Window> windows, float[][] scores, int column, int i) {
        RegionWindows.Window w = windows.get(i);
        return w.contig() + "\t" + w.start() + "\t" + end(windows, scores, i) + "\t" + format(scores[i][column]) + "\n";
    }

    /** The window's end, or the next scored window's start on the same contig when that comes first. */
    private static long end(List<RegionWindows.Window> windows, float[][] scores, int i) {
        RegionWindows.Window w = windows.get(i);
        for (int j = i + 1; j < windows.size(); j++) {
            RegionWindows.Window next = windows.get(j);
            if (scores[j] == null) {
                continue;
            }
            return next.contigIndex() == w.contigIndex() && next.start() < w.end() ? next.start() : w.end();
        }
        return w.end();
    }

    /** Six significant digits: enough for probabilities, and the same text on every run. */
    static String format(float value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
