package org.regbert.epigenome;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.regbert.common.BadInputException;

/**
 * Reads a ChromHMM binarized file ({@code CELL_CONTIG_binary.txt}): a line {@code CELL<TAB>CONTIG},
 * a line of mark names, then one row per bin (200 bp unless told otherwise) of 0 (absent),
 * 1 (present) or 2 (no data) per mark. Each mark becomes its own track named {@code CELL/MARK},
 * with states {@code absent}/{@code present} and {@code none} where ChromHMM wrote 2 or past the
 * last bin. A partial last bin is clipped to the contig.
 */
final class BinarizedReader {
    private BinarizedReader() {
    }

    static List<RawTrack> read(Path file, String cellOverride, ReferenceContigs reference, boolean skipUnknownContigs,
            int binSize) {
        CoordinateCheck check = new CoordinateCheck(file, reference, skipUnknownContigs);
        TabFields f = new TabFields(file);
        try (BufferedReader reader = LineSource.open(file)) {
            String header = reader.readLine();
            if (header == null || header.isBlank()) {
                throw new BadInputException(file, "empty file: expected a ChromHMM binarized file (CELL<TAB>CONTIG,"
                        + " then mark names, then 0/1 rows)");
            }
            f.split(header, 1);
            if (f.count() != 2 || f.isEmpty(0) || f.isEmpty(1)) {
                throw f.error("expected 'CELL<TAB>CONTIG' as the first line of a ChromHMM binarized file, found '"
                        + TabFields.abbreviate(header) + "'");
            }
            String cell = cellOverride != null ? cellOverride : f.text(0);
            String fileContig = f.text(1);
            String contig = check.contig(fileContig, 1);
            String marksLine = reader.readLine();
            if (marksLine == null || marksLine.isBlank()) {
                throw new BadInputException(file, 2, "expected the mark names on line 2");
            }
            String[] marks = marksLine.strip().split("\t");
            List<RawTrack> tracks = new ArrayList<>(marks.length);
            for (String mark : marks) {
                RawTrack track = new RawTrack(cell + "/" + mark, cell, mark, file, TrackFormat.CHROMHMM_BINARY);
                track.state("absent", null);
                track.state("present", null);
                tracks.add(track);
            }
            long length = contig == null ? Long.MAX_VALUE : reference.length(contig);
            int[] runStart = new int[marks.length];
            char[] runValue = new char[marks.length];
            java.util.Arrays.fill(runValue, '2');
            IntervalList[] intervals = new IntervalList[marks.length];
            long row = 0;
            long lineNumber = 2;
            String text;
            int width = 2 * marks.length - 1;
            while ((text = reader.readLine()) != null) {
                lineNumber++;
                if (text.isEmpty()) {
                    continue;
                }
                int textLength = text.endsWith("\r") ? text.length() - 1 : text.length();
                if (textLength != width || !wellFormed(text, marks.length)) {
                    throw new BadInputException(file, lineNumber, "expected " + marks.length + " tab-separated values"
                            + " 0, 1 or 2 (one per mark of line 2), found '" + TabFields.abbreviate(text) + "'");
                }
                long binStart = row * binSize;
                if (contig != null && binStart >= length) {
                    String hint = AssemblyCheck.pastEndHint(fileContig, binStart + binSize, reference.assembly());
                    throw new BadInputException(file, lineNumber, "bin " + row + " (" + fileContig + ":" + binStart + "-"
                            + (binStart + binSize) + " at " + binSize + " bp per bin) starts past the end of contig '"
                            + contig + "' (length " + length + " in the reference)" + hint);
                }
                for (int m = 0; m < marks.length; m++) {
                    char value = text.charAt(2 * m);
                    if (value != runValue[m]) {
                        emit(tracks.get(m), intervals, m, contig, fileContig, runStart[m], (int) binStart, runValue[m],
                                lineNumber - 1);
                        runValue[m] = value;
                        runStart[m] = (int) binStart;
                    }
                }
                row++;
            }
            if (row == 0) {
                throw new BadInputException(file, "no bins below the mark names (empty binarization)");
            }
            if (contig == null) {
                return List.of();
            }
            int end = (int) Math.min(row * binSize, length);
            for (int m = 0; m < marks.length; m++) {
                emit(tracks.get(m), intervals, m, contig, fileContig, runStart[m], end, runValue[m], lineNumber);
            }
            check.reached(contig, end);
            check.checkWholeGenomeTails();
            return tracks;
        } catch (IOException | htsjdk.samtools.util.RuntimeIOException e) {
            throw LineSource.readError(file, e);
        }
    }

    private static boolean wellFormed(String text, int marks) {
        for (int m = 0; m < marks; m++) {
            char value = text.charAt(2 * m);
            if (value < '0' || value > '2' || (m > 0 && text.charAt(2 * m - 1) != '\t')) {
                return false;
            }
        }
        return true;
    }

    private static void emit(RawTrack track, IntervalList[] intervals, int m, String contig, String fileContig,
            int start, int end, char value, long line) {
        if (contig == null || value == '2' || start >= end) {
            return;
        }
        if (intervals[m] == null) {
            intervals[m] = track.contig(contig, fileContig);
        }
        intervals[m].add(start, end, value - '0', line);
    }
}
