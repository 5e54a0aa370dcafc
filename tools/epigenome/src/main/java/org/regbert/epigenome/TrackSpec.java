package org.regbert.epigenome;

import java.nio.file.Files;
import java.nio.file.Path;
import org.regbert.common.BadInputException;

/**
 * One epigenome file to load and, optionally, the cell type name to give it ({@code --states
 * FILE:CELL}). Without a name the loader takes it from ENCODE metadata, the file's header
 * (binarized files) or the file name; see {@link CellTypeNames}.
 */
public record TrackSpec(Path file, String cellType) {

    public TrackSpec {
        if (file == null) {
            throw new IllegalArgumentException("file is required");
        }
        if (cellType != null && cellType.isBlank()) {
            cellType = null;
        }
    }

    public static TrackSpec of(Path file) {
        return new TrackSpec(file, null);
    }

    /**
     * Parses {@code FILE} or {@code FILE:CELL}. The text after the last colon is a name only when it
     * holds no path separator, so {@code /data/x.bed} and {@code C:/x.bed}-like paths stay whole.
     */
    public static TrackSpec parse(String option) {
        int colon = option.lastIndexOf(':');
        if (colon > 0 && colon < option.length() - 1) {
            String name = option.substring(colon + 1);
            if (name.indexOf('/') < 0 && name.indexOf('\\') < 0) {
                return new TrackSpec(Path.of(option.substring(0, colon)), name);
            }
            Path file = Path.of(option.substring(0, colon));
            if (!Files.exists(Path.of(option)) && Files.isRegularFile(file)) {
                // Say which part is wrong: the file is there, the name after ':' is not a name.
                throw new BadInputException(file, "the file exists, but the track name '" + name + "' after ':' in '"
                        + option + "' is not valid: a name (a cell type, e.g. GM12878) may not hold '/' or '\\'");
            }
        }
        return new TrackSpec(Path.of(option.endsWith(":") ? option.substring(0, option.length() - 1) : option), null);
    }
}
