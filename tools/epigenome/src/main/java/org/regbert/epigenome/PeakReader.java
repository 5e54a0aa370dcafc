package org.regbert.epigenome;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.regbert.common.BadInputException;

/**
 * Reads ENCODE peak files: narrowPeak (10 columns), broadPeak (9) and BED3+ (3 or more). Peaks may
 * overlap. With {@link PeakLevels#openClosed()} every peak is {@code open}; with quantiles each
 * peak's level comes from the rank of its signalValue (column 7) among all peaks of the file.
 */
final class PeakReader {
    private PeakReader() {
    }

    static RawTrack read(Path file, TrackFormat format, String cellType, ReferenceContigs reference,
            boolean skipUnknownContigs, PeakLevels levels) {
        if (levels.usesSignal() && format == TrackFormat.BED_PEAKS) {
            throw new BadInputException(file, "signal quantile levels need a signalValue column (narrowPeak or broadPeak"
                    + " column 7), but this is read as " + format.description() + "; use open/closed peaks for it");
        }
        RawTrack track = new RawTrack(cellType, cellType, null, file, format);
        for (String state : levels.stateNames().subList(1, levels.stateNames().size())) {
            track.state(state, null);
        }
        int columns = format == TrackFormat.NARROW_PEAK ? 10 : format == TrackFormat.BROAD_PEAK ? 9 : 3;
        CoordinateCheck check = new CoordinateCheck(file, reference, skipUnknownContigs);
        TabFields f = new TabFields(file);
        Map<String, double[]> signals = new LinkedHashMap<>();
        double[] all = new double[1024];
        int peaks = 0;
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
                if (format == TrackFormat.BED_PEAKS ? f.count() < 3 : f.count() != columns) {
                    throw f.error("expected " + (format == TrackFormat.BED_PEAKS ? "at least 3" : Integer.toString(columns))
                            + " tab-separated columns for " + format.description() + ", found " + f.count() + ": '"
                            + TabFields.abbreviate(text) + "'");
                }
                records++;
                long start = f.parseLong(1, "start");
                long end = f.parseLong(2, "end");
                double signal = format == TrackFormat.BED_PEAKS ? 0 : f.parseDouble(6, "signalValue");
                String contig = check.contig(f);
                check.interval(f, contig, start, end);
                if (contig == null || start == end) {
                    continue;
                }
                IntervalList intervals = track.contig(contig, f.text(0));
                intervals.add((int) start, (int) end, 0, lineNumber);
                if (levels.usesSignal()) {
                    double[] perContig = signals.computeIfAbsent(contig, c -> new double[64]);
                    int index = intervals.size() - 1;
                    if (index == perContig.length) {
                        perContig = Arrays.copyOf(perContig, index * 2);
                        signals.put(contig, perContig);
                    }
                    perContig[index] = signal;
                    if (peaks == all.length) {
                        all = Arrays.copyOf(all, peaks * 2);
                    }
                    all[peaks] = signal;
                }
                peaks++;
            }
        } catch (IOException | htsjdk.samtools.util.RuntimeIOException e) {
            throw LineSource.readError(file, e);
        }
        if (records == 0) {
            throw new BadInputException(file, "no peaks (empty file, or only track lines and comments)");
        }
        if (track.contigs.isEmpty()) {
            throw new BadInputException(file, "none of its " + records + " peaks is on a reference contig");
        }
        track.skippedLines = check.skippedLines();
        if (levels.usesSignal()) {
            assignQuantiles(track, signals, Arrays.copyOf(all, peaks), levels.quantiles());
        }
        return track;
    }

    /**
     * Level of a peak = 1 + floor(q * (peaks with a lower signal) / all peaks), so levels fill
     * equally, equal signals share a level, and the weakest peak is level 1 (local id 0).
     */
    static void assignQuantiles(RawTrack track, Map<String, double[]> signals, double[] all, int q) {
        Arrays.sort(all);
        for (Map.Entry<String, IntervalList> contig : track.contigs.entrySet()) {
            IntervalList intervals = contig.getValue();
            double[] perContig = signals.get(contig.getKey());
            for (int i = 0; i < intervals.size(); i++) {
                int below = lowerBound(all, perContig[i]);
                int level = (int) Math.min(q - 1, (long) q * below / all.length);
                intervals.setState(i, level);
            }
        }
    }

    private static int lowerBound(double[] sorted, double value) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

}
