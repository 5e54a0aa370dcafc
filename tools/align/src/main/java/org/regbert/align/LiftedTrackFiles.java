package org.regbert.align;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.regbert.common.BadInputException;
import org.regbert.epigenome.FormatDetector;
import org.regbert.epigenome.LineSource;
import org.regbert.epigenome.TrackFormat;
import org.regbert.epigenome.TrackSpec;
import org.regbert.genome.Liftover;
import org.regbert.genome.Region;

/**
 * Lifts state and peak files (BED-like: contig, start, end in the first three columns) to the
 * shards' assembly before they are loaded: each line's coordinates go through the chain, lines
 * that do not lift are counted (per file, in the run's summary) and left out, and the lifted lines
 * are sorted again, since a chain can reorder them. Written under the same file name in a
 * temporary folder, so cell types named after files keep their names.
 */
final class LiftedTrackFiles implements AutoCloseable {
    private final Liftover liftover;
    private final Path folder;
    private final java.util.Map<Path, Path> originals = new java.util.HashMap<>();
    private int lifted;

    LiftedTrackFiles(Liftover liftover) {
        this.liftover = liftover;
        try {
            this.folder = Files.createTempDirectory("regbert-lifted-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TrackSpec lift(TrackSpec spec) {
        if (FormatDetector.detect(spec.file()).kind() == TrackFormat.Kind.BINARY) {
            throw new BadInputException(spec.file(), "ChromHMM binarized files are fixed 200-bp bins and cannot be"
                    + " lifted over; binarize the data on the shards' assembly instead");
        }
        // A bigBed is read as its BED text (LineSource) and written lifted as text under its name without .bb.
        String name = spec.file().getFileName().toString().replaceFirst("(?i)\\.(gz|bb|bigbed)$", "");
        Path target = folder.resolve(Integer.toString(lifted++)).resolve(name);
        List<String> headers = new ArrayList<>();
        List<Object[]> lines = new ArrayList<>();
        try (BufferedReader reader = LineSource.open(spec.file())) {
            String text;
            long lineNumber = 0;
            while ((text = reader.readLine()) != null) {
                lineNumber++;
                if (text.isBlank() || text.startsWith("#") || text.startsWith("track") || text.startsWith("browser")) {
                    headers.add(text);
                    continue;
                }
                String[] f = text.split("\t", -1);
                if (f.length < 3) {
                    throw new BadInputException(spec.file(), lineNumber, "expected at least 3 tab-separated columns");
                }
                long start;
                long end;
                try {
                    start = Long.parseLong(f[1]);
                    end = Long.parseLong(f[2]);
                } catch (NumberFormatException e) {
                    throw new BadInputException(spec.file(), lineNumber, "start and end must be integers");
                }
                Region region = liftover.lift(spec.file(), f[0], start, end, null, 0, lineNumber);
                if (region != null) {
                    f[0] = region.contig();
                    f[1] = Long.toString(region.start());
                    f[2] = Long.toString(region.end());
                    lines.add(new Object[] {f[0], region.start(), String.join("\t", f)});
                }
            }
            Files.createDirectories(target.getParent());
            lines.sort(Comparator.comparing((Object[] l) -> (String) l[0]).thenComparingLong(l -> (Long) l[1]));
            try (Writer out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
                for (String header : headers) {
                    out.write(header + "\n");
                }
                for (Object[] line : lines) {
                    out.write(line[2] + "\n");
                }
            }
        } catch (IOException e) {
            throw new BadInputException(spec.file(), -1, "cannot lift over: " + e.getMessage(), e);
        }
        originals.put(target, spec.file());
        return new TrackSpec(target, spec.cellType());
    }

    /** The user's file a lifted copy was made from (any other path as it is). */
    Path original(Path file) {
        return originals.getOrDefault(file, file);
    }

    @Override
    public void close() {
        try {
            org.regbert.common.FileTrees.delete(folder);
        } catch (IOException ignored) {
            // A temporary folder left behind holds no result.
        }
    }
}
