package org.regbert.epigenome;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import org.regbert.bigfiles.BigBedReader;
import org.regbert.bigfiles.BigFiles;
import org.regbert.common.BadInputException;

/**
 * Chooses the reader for an epigenome file: first by the names ChromHMM, Roadmap and ENCODE give
 * their files ({@code *_segments.bed}, {@code *_dense.bed}, {@code *.narrowPeak}, ...), then by
 * the ENCODE {@code File format} column, then by the first lines' columns. When the option the
 * file came with already says what it is ({@code --peaks}), content only chooses among the formats
 * of that kind: a BED4 of peaks with a name column is not a ChromHMM segmentation.
 */
public final class FormatDetector {
    private static final Pattern RGB = Pattern.compile("\\d{1,3},\\d{1,3},\\d{1,3}");
    private static final Pattern INTEGER = Pattern.compile("-?\\d+");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern BINARY_ROW = Pattern.compile("[012](\t[012])*");

    private FormatDetector() {
    }

    /** The format of {@code file}, judged by its name and content. */
    public static TrackFormat detect(Path file) {
        return detect(file, null);
    }

    /**
     * The format of {@code file}; an ENCODE metadata row (may be null) settles files named only by
     * accession ({@code ENCFF123ABC.bed.gz}).
     */
    public static TrackFormat detect(Path file, EncodeMetadata.Entry metadata) {
        return detect(file, metadata, null);
    }

    /**
     * The format of {@code file} given as {@code expected} (null: any kind). A name or metadata row
     * of another kind is refused; content only picks among the formats of {@code expected}.
     */
    public static TrackFormat detect(Path file, EncodeMetadata.Entry metadata, TrackFormat.Kind expected) {
        BigFiles.Kind big = BigFiles.kindOf(file);
        if (big == BigFiles.Kind.BIGWIG) {
            throw new BadInputException(file, "is a bigWig (a signal track), not peaks or states: give it to --signal");
        }
        if (big == BigFiles.Kind.BIGBED) {
            TrackFormat declared = bigBedFormat(file);
            if (declared != null) {
                return checkKind(file, declared, expected, "its autoSql");
            }
            return byContent(file, expected);
        }
        TrackFormat byName = byName(file.getFileName().toString());
        if (byName != null) {
            return checkKind(file, byName, expected, "its name");
        }
        if (metadata != null && metadata.fileFormat() != null) {
            TrackFormat byMetadata = byEncodeFormat(metadata.fileFormat());
            if (byMetadata != null) {
                return checkKind(file, byMetadata, expected, "its ENCODE File format");
            }
        }
        return byContent(file, expected);
    }

    private static TrackFormat checkKind(Path file, TrackFormat format, TrackFormat.Kind expected, String judgedBy) {
        if (expected != null && format.kind() != expected) {
            throw new BadInputException(file, "given as " + expected.name().toLowerCase(Locale.ROOT) + " but "
                    + judgedBy + " says " + format.description() + "; pass it with the option for that kind"
                    + " (--states for segmentations and binarized marks, --peaks for peaks)");
        }
        return format;
    }

    static TrackFormat byName(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        for (String compression : new String[] {".gz", ".bgz", ".bgzf"}) {
            if (name.endsWith(compression)) {
                name = name.substring(0, name.length() - compression.length());
            }
        }
        if (name.endsWith("_binary.txt") || name.endsWith("_binary")) {
            return TrackFormat.CHROMHMM_BINARY;
        }
        if (name.endsWith(".narrowpeak") || name.endsWith("narrowpeak.bed")) {
            return TrackFormat.NARROW_PEAK;
        }
        if (name.endsWith(".broadpeak") || name.endsWith("broadpeak.bed")) {
            return TrackFormat.BROAD_PEAK;
        }
        if (name.endsWith("segments.bed") || name.endsWith("mnemonics.bed")) {
            return TrackFormat.CHROMHMM_SEGMENTS;
        }
        if (name.endsWith("dense.bed")) {
            return TrackFormat.ROADMAP_DENSE;
        }
        if (name.endsWith("expanded.bed")) {
            return TrackFormat.ROADMAP_EXPANDED;
        }
        return null;
    }

    /**
     * A bigBed's format from its columns: ENCODE's bigNarrowPeak is bed6+4 (10 fields, 6 defined) and
     * bigBroadPeak bed6+3; its autoSql names the table too. Null: judge by the entries' text.
     */
    static TrackFormat bigBedFormat(Path file) {
        try (BigBedReader reader = BigBedReader.open(file)) {
            String sql = reader.autoSql() == null ? "" : reader.autoSql().toLowerCase(Locale.ROOT);
            if (reader.fieldCount() == 10 && (reader.definedFieldCount() == 6 || sql.contains("narrowpeak"))) {
                return TrackFormat.NARROW_PEAK;
            }
            if (reader.fieldCount() == 9 && (reader.definedFieldCount() == 6 || sql.contains("broadpeak"))) {
                return TrackFormat.BROAD_PEAK;
            }
            return null;
        }
    }

    /** ENCODE's {@code File format} values: {@code bed narrowPeak}, {@code bed broadPeak}, {@code bed bed3+}. */
    static TrackFormat byEncodeFormat(String fileFormat) {
        String format = fileFormat.toLowerCase(Locale.ROOT).replace(" ", "");
        if (format.contains("narrowpeak")) {
            return TrackFormat.NARROW_PEAK;
        }
        if (format.contains("broadpeak")) {
            return TrackFormat.BROAD_PEAK;
        }
        if (format.startsWith("bedbed3") || format.equals("bed")) {
            return TrackFormat.BED_PEAKS;
        }
        return null;
    }

    static TrackFormat byContent(Path file) {
        return byContent(file, null);
    }

    static TrackFormat byContent(Path file, TrackFormat.Kind expected) {
        if (!Files.isReadable(file)) {
            throw new BadInputException(file, Files.exists(file) ? "cannot read epigenome file" : "no such epigenome file");
        }
        try (BufferedReader reader = LineSource.open(file)) {
            String first = reader.readLine();
            String second = first == null ? null : reader.readLine();
            String third = second == null ? null : reader.readLine();
            if (expected != TrackFormat.Kind.PEAKS && third != null && first.split("\t").length == 2 && !first.startsWith("track")
                    && BINARY_ROW.matcher(third.strip()).matches() && !second.isBlank()
                    && second.split("\t").length == third.strip().split("\t").length) {
                return TrackFormat.CHROMHMM_BINARY;
            }
            String data = firstDataLine(first, second, third, reader);
            if (data == null) {
                throw new BadInputException(file, "no records (empty file, or only track lines and comments)");
            }
            String[] f = data.split("\t", -1);
            if (expected == TrackFormat.Kind.PEAKS) {
                return peaksByContent(file, f, data);
            }
            if (f.length == 12 && RGB.matcher(f[8]).matches() && INTEGER.matcher(f[9]).matches()) {
                return TrackFormat.ROADMAP_EXPANDED;
            }
            if (f.length == 9 && RGB.matcher(f[8]).matches()) {
                return TrackFormat.ROADMAP_DENSE;
            }
            if (f.length == 10 && numbers(f, 6, 10)) {
                return TrackFormat.NARROW_PEAK;
            }
            if (f.length == 9 && numbers(f, 6, 9)) {
                return TrackFormat.BROAD_PEAK;
            }
            if (f.length == 4) {
                return TrackFormat.CHROMHMM_SEGMENTS;
            }
            if (f.length >= 3) {
                return TrackFormat.BED_PEAKS;
            }
            throw new BadInputException(file, "cannot tell the format: the first record has " + f.length
                    + " column(s) ('" + TabFields.abbreviate(data) + "'); name the file *_segments.bed, *_dense.bed,"
                    + " *_expanded.bed, *.narrowPeak, *.broadPeak or *_binary.txt");
        } catch (IOException | htsjdk.samtools.util.RuntimeIOException e) {
            throw new BadInputException(file, -1, "cannot read epigenome file: " + e.getMessage(), e);
        }
    }

    /** Peaks by their columns: narrowPeak, broadPeak, else any BED3+ (names, scores, DHS MCV columns...). */
    private static TrackFormat peaksByContent(Path file, String[] f, String data) {
        if (f.length == 10 && numbers(f, 6, 10)) {
            return TrackFormat.NARROW_PEAK;
        }
        if (f.length == 9 && numbers(f, 6, 9)) {
            return TrackFormat.BROAD_PEAK;
        }
        if (f.length >= 3) {
            return TrackFormat.BED_PEAKS;
        }
        throw new BadInputException(file, "not a BED of peaks: the first record has " + f.length
                + " column(s) ('" + TabFields.abbreviate(data) + "'); peaks need at least chrom, start and end");
    }

    private static String firstDataLine(String first, String second, String third, BufferedReader reader)
            throws IOException {
        for (String line : new String[] {first, second, third}) {
            if (line == null) {
                return null;
            }
            if (!isHeader(line)) {
                return line;
            }
        }
        String line;
        while ((line = reader.readLine()) != null) {
            if (!isHeader(line)) {
                return line;
            }
        }
        return null;
    }

    static boolean isHeader(String line) {
        return line.isBlank() || line.startsWith("#") || line.startsWith("track") || line.startsWith("browser");
    }

    private static boolean numbers(String[] fields, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!NUMBER.matcher(fields[i]).matches()) {
                return false;
            }
        }
        return true;
    }
}
