package org.regbert.epigenome;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import org.regbert.common.BadInputException;

/**
 * Reads chromatin state segmentations: ChromHMM {@code *_segments.bed} and Roadmap
 * {@code *_mnemonics.bed} (chrom, start, end, state), and the browser files ChromHMM's
 * MakeBrowserFiles writes, which Roadmap distributes: {@code *_dense.bed} (a track line, then BED9
 * lines with the state in column 4 and its colour in column 9) and {@code *_expanded.bed} (a track
 * and a browser line, then one BED12 line per state and contig spanning the contig, each segment of
 * that state a block). Expanded lines carry two display-only blocks that ChromHMM adds, a 0-length
 * block at the contig start and a 1-base block at the last base; both are dropped. Any line with 12
 * columns is read through its blocks, so BED12 variants of the other formats work too.
 */
final class SegmentationReader {
    private SegmentationReader() {
    }

    static RawTrack read(Path file, TrackFormat format, String cellType, ReferenceContigs reference,
            boolean skipUnknownContigs) {
        RawTrack track = new RawTrack(cellType, cellType, null, file, format);
        CoordinateCheck check = new CoordinateCheck(file, reference, skipUnknownContigs);
        TabFields f = new TabFields(file);
        String lastState = null;
        int lastStateId = -1;
        long records = 0;
        try (BufferedReader reader = LineSource.open(file)) {
            String text;
            long lineNumber = 0;
            while ((text = reader.readLine()) != null) {
                lineNumber++;
                if (FormatDetector.isHeader(text)) {
                    continue;
                }
                f.split(text, lineNumber);
                if (f.count() < 4) {
                    throw f.error("expected at least 4 tab-separated columns (chrom, start, end, state) for a "
                            + format.description() + ", found " + f.count() + ": '" + TabFields.abbreviate(text) + "'");
                }
                if (format == TrackFormat.ROADMAP_EXPANDED && f.count() != 12) {
                    throw f.error("expected 12 columns (BED12: one line per contig and state, segments as blocks) for a "
                            + format.description() + ", found " + f.count());
                }
                records++;
                long start = f.parseLong(1, "start");
                long end = f.parseLong(2, "end");
                String contig = check.contig(f);
                check.interval(f, contig, start, end);
                if (contig == null) {
                    continue;
                }
                if (lastState == null || !f.fieldEquals(3, lastState)) {
                    lastState = f.text(3);
                    lastStateId = track.state(lastState, f);
                }
                IntervalList intervals = track.contig(contig, f.text(0));
                if (f.count() >= 12) {
                    addBlocks(f, start, end, lastStateId, intervals);
                } else {
                    intervals.add((int) start, (int) end, lastStateId, lineNumber);
                }
            }
        } catch (IOException | htsjdk.samtools.util.RuntimeIOException e) {
            throw LineSource.readError(file, e);
        }
        if (records == 0) {
            throw new BadInputException(file, "no segments (empty file, or only track lines and comments)");
        }
        if (track.contigs.isEmpty()) {
            throw new BadInputException(file, "none of its " + records + " segments is on a reference contig");
        }
        check.checkWholeGenomeTails();
        track.skippedLines = check.skippedLines();
        return track;
    }

    /** Adds the blocks of a BED12 line, minus ChromHMM's two display-only blocks. */
    private static void addBlocks(TabFields f, long chromStart, long chromEnd, int state, IntervalList intervals) {
        long count = f.parseLong(9, "blockCount");
        if (count < 1 || count > 10_000_000) {
            throw f.error("blockCount (column 10) must be at least 1, found " + count);
        }
        int[] sizes = commaList(f, 10, "blockSizes", (int) count);
        int[] offsets = commaList(f, 11, "blockStarts", (int) count);
        int first = 0;
        int last = (int) count - 1;
        // ChromHMM's expanded writer: a 0-length block at offset 0 and a 1-base block at the contig's last base.
        boolean chromHmmLayout = count >= 3 && offsets[0] == 0 && sizes[0] <= 1
                && chromStart + offsets[last] == chromEnd - 1 && sizes[last] == 1;
        if (chromHmmLayout) {
            first = 1;
            last--;
        }
        for (int b = first; b <= last; b++) {
            long start = chromStart + offsets[b];
            long end = start + sizes[b];
            if (sizes[b] < 0 || offsets[b] < 0 || end > chromEnd) {
                throw f.error("block " + (b + 1) + " (" + start + "-" + end + ") lies outside the line's interval "
                        + chromStart + "-" + chromEnd);
            }
            intervals.add((int) start, (int) end, state, f.lineNumber());
        }
    }

    private static int[] commaList(TabFields f, int field, String what, int count) {
        String text = f.text(field);
        String[] parts = text.endsWith(",") ? text.substring(0, text.length() - 1).split(",", -1) : text.split(",", -1);
        if (parts.length != count) {
            throw f.error(what + " (column " + (field + 1) + ") has " + parts.length + " values, blockCount says " + count);
        }
        int[] values = new int[count];
        for (int i = 0; i < count; i++) {
            try {
                values[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw f.error(what + " (column " + (field + 1) + ") must be comma-separated integers, found '"
                        + TabFields.abbreviate(text) + "'");
            }
        }
        return values;
    }
}
