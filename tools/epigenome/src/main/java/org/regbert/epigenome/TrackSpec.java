package org.regbert.epigenome;

import java.nio.file.Path;

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
        }
        return new TrackSpec(Path.of(option.endsWith(":") ? option.substring(0, option.length() - 1) : option), null);
    }
}
