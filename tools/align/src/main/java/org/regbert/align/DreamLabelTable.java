package org.regbert.align;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.regbert.common.BadInputException;
import org.regbert.common.DreamTables;
import org.regbert.genome.BedRegions;
import org.regbert.genome.ContigResolver;

/**
 * An ENCODE-DREAM label table ({@code CTCF.train.labels.tsv.gz}): a header {@code chr start stop
 * CELL1 CELL2 ...}, then one line per 200-bp bin at 50-bp steps with a B (bound), U (unbound) or A
 * (ambiguous) per cell type, sorted by chromosome and start.
 *
 * <p>The challenge's tables have ~50 million lines, so they never sit in the heap: one pass copies
 * the bins into a temporary file of fixed-size records (start, end, one label byte per cell type),
 * each chromosome's block is memory-mapped and the file deleted (the mappings live on), and a
 * window's bin is found by binary search on its block.
 *
 * <p>Which bin labels a window: among the bins that contain the window's centre base
 * ({@code (start + end) / 2}), the one whose centre is nearest the window's (ties: the lower
 * start). A window on the table's own grid (a 200-bp window at a bin's start) is therefore labelled
 * by its own bin; a window whose centre no bin contains is {@link LabelCodes#UNLABELLED}.
 */
final class DreamLabelTable {
    static final String FORMAT = "expected 'chr<TAB>start<TAB>stop' then one B, U or A per cell type of the header";
    private static final Pattern CELL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]*");
    private static final int COORDINATE_BYTES = 8;

    private final Path file;
    private final List<String> cellTypes;
    private final int recordBytes;
    private final Map<String, Block> blocks;
    private final long bins;
    private final Map<String, Long> skippedLines;

    /** The mapped records of one contig and the longest bin in it (bounds the backward search). */
    private record Block(MappedByteBuffer records, int count, long longestBin) {
        long start(int i, int recordBytes) {
            return records.getInt(i * recordBytes);
        }

        long end(int i, int recordBytes) {
            return records.getInt(i * recordBytes + 4);
        }
    }

    // The labels of the last shard asked for, per cell type: every cell type's task asks in turn.
    private WindowCoordinates cachedWindows;
    private byte[][] cachedLabels;

    private DreamLabelTable(Path file, List<String> cellTypes, Map<String, Block> blocks, long bins,
            Map<String, Long> skippedLines) {
        this.file = file;
        this.cellTypes = cellTypes;
        this.recordBytes = COORDINATE_BYTES + cellTypes.size();
        this.blocks = blocks;
        this.bins = bins;
        this.skippedLines = skippedLines;
    }

    /** Label tables are told from interval files by name: {@code .tsv} or {@code .tsv.gz}. */
    static boolean isDreamTable(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".tsv") || name.endsWith(".tsv.gz");
    }

    /**
     * Reads and indexes a label table against the shards' reference.
     *
     * @param contigs resolves the table's chromosome names (aliases, skipping missing contigs)
     * @throws BadInputException naming the file and line: a bad header, a malformed or unsorted
     *     line, a label other than B/U/A, a bin past its contig's end
     */
    static DreamLabelTable read(Path file, ContigResolver contigs, Map<String, Long> lengths) {
        if (!Files.isReadable(file)) {
            throw new BadInputException(file, Files.exists(file) ? "cannot read" : "no such file");
        }
        Path temp = null;
        try {
            temp = Files.createTempFile("regbert-dream-labels", ".bin");
            return index(file, temp, contigs, lengths);
        } catch (IOException e) {
            throw new BadInputException(file, -1, "cannot read or index: " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    private static DreamLabelTable index(Path file, Path temp, ContigResolver contigs, Map<String, Long> lengths)
            throws IOException {
        List<String> cells;
        Map<String, long[]> ranges = new LinkedHashMap<>(); // resolved contig -> first record, count, longest bin
        Map<String, Long> skipped = new TreeMap<>();
        long records = 0;
        try (BufferedReader in = DreamTables.open(file);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(temp),
                        1 << 16))) {
            cells = header(file, in.readLine());
            int columns = 3 + cells.size();
            Set<String> seen = new HashSet<>();
            String written = null;
            String resolved = null;
            long[] range = null;
            long lastStart = -1;
            long lastEnd = -1;
            String text;
            long number = 1;
            while ((text = in.readLine()) != null) {
                number++;
                if (text.isBlank()) {
                    continue;
                }
                String[] fields = text.split("\t", -1);
                if (fields.length != columns) {
                    throw new BadInputException(file, number, FORMAT + ": found " + fields.length + " tab-separated"
                            + " fields, the header names " + cells.size() + " cell type" + (cells.size() == 1 ? "" : "s")
                            + ": '" + DreamTables.abbreviate(text) + "'");
                }
                DreamTables.Bin bin = DreamTables.bin(file, number, fields, FORMAT, text);
                if (!bin.contig().equals(written)) {
                    if (!seen.add(bin.contig())) {
                        throw unsorted(file, number, bin.contig() + " appears again after other chromosomes");
                    }
                    written = bin.contig();
                    resolved = contigs.resolve(written, file, number);
                    if (resolved != null && ranges.containsKey(resolved)) {
                        throw unsorted(file, number, written + " names " + resolved + " again after other chromosomes");
                    }
                    range = resolved == null ? null : new long[] {records, 0, 0};
                    if (range != null) {
                        ranges.put(resolved, range);
                    }
                    lastStart = -1;
                    lastEnd = -1;
                }
                if (resolved == null) {
                    skipped.merge(written, 1L, Long::sum);
                    continue;
                }
                if (bin.start() < lastStart) {
                    throw unsorted(file, number, "bin " + written + ":" + bin.start() + " comes after " + written + ":"
                            + lastStart);
                }
                if (bin.start() == lastStart && bin.end() == lastEnd) {
                    throw new BadInputException(file, number, "bin " + written + ":" + bin.start() + "-" + bin.end()
                            + " appears twice");
                }
                BedRegions.checkWithinContig(file, number, written, resolved, bin.start(), bin.end(),
                        lengths.get(resolved));
                if (bin.end() > Integer.MAX_VALUE) {
                    throw new BadInputException(file, number, "coordinates past 2^31 are not supported");
                }
                out.writeInt((int) bin.start());
                out.writeInt((int) bin.end());
                for (int c = 0; c < cells.size(); c++) {
                    out.writeByte(code(file, number, cells.get(c), fields[3 + c]));
                }
                records++;
                range[1]++;
                range[2] = Math.max(range[2], bin.end() - bin.start());
                lastStart = bin.start();
                lastEnd = bin.end();
            }
        }
        if (records == 0) {
            throw new BadInputException(file, "has no bins on the shards' contigs" + (skipped.isEmpty() ? ""
                    : " (skipped lines on " + skipped.keySet() + ")"));
        }
        int recordBytes = COORDINATE_BYTES + cells.size();
        Map<String, Block> blocks = new HashMap<>();
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.READ)) {
            for (Map.Entry<String, long[]> entry : ranges.entrySet()) {
                long[] range = entry.getValue();
                long bytes = range[1] * recordBytes;
                if (bytes > Integer.MAX_VALUE) {
                    throw new BadInputException(file, entry.getKey() + " has too many bins x cell types to index ("
                            + range[1] + " x " + cells.size() + ")");
                }
                MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, range[0] * recordBytes, bytes);
                blocks.put(entry.getKey(), new Block(mapped, (int) range[1], range[2]));
            }
        }
        return new DreamLabelTable(file, cells, blocks, records, skipped);
    }

    private static List<String> header(Path file, String line) {
        if (line == null) {
            throw new BadInputException(file, "is empty; expected a header 'chr<TAB>start<TAB>stop<TAB>CELL...'");
        }
        String[] fields = line.split("\t", -1);
        if (fields.length < 4 || !fields[0].strip().equalsIgnoreCase("chr") || !fields[1].strip().equalsIgnoreCase(
                "start") || !fields[2].strip().equalsIgnoreCase("stop")) {
            throw new BadInputException(file, 1, "expected the DREAM label header 'chr<TAB>start<TAB>stop<TAB>CELL...'"
                    + " (one column per cell type), found '" + DreamTables.abbreviate(line) + "'");
        }
        List<String> cells = new ArrayList<>();
        for (int i = 3; i < fields.length; i++) {
            String cell = fields[i].strip();
            if (!CELL_NAME.matcher(cell).matches()) {
                throw new BadInputException(file, 1, "cell type '" + cell + "' (column " + (i + 1) + "): names are"
                        + " letters, digits, '_', '.', '+', '-'");
            }
            if (cells.contains(cell)) {
                throw new BadInputException(file, 1, "cell type '" + cell + "' names two columns");
            }
            cells.add(cell);
        }
        return List.copyOf(cells);
    }

    private static byte code(Path file, long number, String cell, String value) {
        return switch (value.strip()) {
            case "B" -> LabelCodes.POSITIVE;
            case "U" -> LabelCodes.NEGATIVE;
            case "A" -> LabelCodes.AMBIGUOUS;
            default -> throw new BadInputException(file, number, "label '" + DreamTables.abbreviate(value) + "' of "
                    + cell + " is not B, U or A");
        };
    }

    private static BadInputException unsorted(Path file, long number, String what) {
        return new BadInputException(file, number, "not sorted by chromosome and start (" + what + "); sort it with"
                + " (zcat FILE | head -1; zcat FILE | tail -n +2 | sort -k1,1 -k2,2n)");
    }

    private static void deleteQuietly(Path temp) {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + temp, e);
        }
    }

    List<String> cellTypes() {
        return cellTypes;
    }

    Path file() {
        return file;
    }

    /** Bins indexed (lines on skipped contigs not counted). */
    long bins() {
        return bins;
    }

    /** Lines skipped per contig the reference lacks (with --skip-missing-contigs). */
    Map<String, Long> skippedLines() {
        return skippedLines;
    }

    /** The label of window {@code w} for cell type {@code cell} (index into {@link #cellTypes()}). */
    byte label(WindowCoordinates windows, int w, int cell) {
        if (windows != cachedWindows) {
            cachedLabels = labels(windows);
            cachedWindows = windows;
        }
        return cachedLabels[cell][w];
    }

    private byte[][] labels(WindowCoordinates windows) {
        byte[][] labels = new byte[cellTypes.size()][windows.size()];
        for (int w = 0; w < windows.size(); w++) {
            Block block = blocks.get(windows.contigOf(w));
            int bin = block == null ? -1 : binOf(block, windows.start()[w], windows.end()[w]);
            for (int c = 0; c < labels.length; c++) {
                labels[c][w] = bin < 0 ? LabelCodes.UNLABELLED
                        : block.records().get(bin * recordBytes + COORDINATE_BYTES + c);
            }
        }
        return labels;
    }

    /** The record labelling window {@code [start, end)}: see the class comment; -1 when none. */
    private int binOf(Block block, long start, long end) {
        long centre = (start + end) / 2;
        // The last bin starting at or before the centre.
        int lo = 0;
        int hi = block.count() - 1;
        int last = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (block.start(mid, recordBytes) <= centre) {
                last = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        int best = -1;
        long bestDistance = Long.MAX_VALUE;
        for (int i = last; i >= 0; i--) {
            long binStart = block.start(i, recordBytes);
            if (binStart + block.longestBin() <= centre) {
                break; // no bin starting here or earlier reaches the centre
            }
            long binEnd = block.end(i, recordBytes);
            if (binEnd > centre) {
                // Twice the distance between the centres, in whole numbers; <= lets the lower start win ties.
                long distance = Math.abs((start + end) - (binStart + binEnd));
                if (distance <= bestDistance) {
                    best = i;
                    bestDistance = distance;
                }
            }
        }
        return best;
    }
}
