package org.regbert.epigenome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a reader got from one file for one track, before the shared vocabulary exists: intervals
 * per reference contig with file-local state ids, the local state names in order of first
 * appearance, and where each name was first seen.
 */
final class RawTrack {
    final String name;
    final String cellType;
    final String mark;
    final Path file;
    final TrackFormat format;
    final List<String> states = new ArrayList<>();
    final Map<String, Long> stateFirstLine = new HashMap<>();
    final Map<String, IntervalList> contigs = new LinkedHashMap<>();
    /** The file's own spelling of each reference contig, for messages. */
    final Map<String, String> fileContigNames = new HashMap<>();
    private final Map<String, Integer> stateIds = new HashMap<>();
    /** Lines on contigs the reference lacks, skipped on request. */
    long skippedLines;

    RawTrack(String name, String cellType, String mark, Path file, TrackFormat format) {
        this.name = name;
        this.cellType = cellType;
        this.mark = mark;
        this.file = file;
        this.format = format;
    }

    /** The local id of {@code state}, adding it on first sight. */
    int state(String state, TabFields line) {
        Integer id = stateIds.get(state);
        if (id != null) {
            return id;
        }
        if (state.isEmpty()) {
            throw line.error("empty state name in column 4");
        }
        if (states.size() == StateVocabulary.MAX_STATES) {
            throw line.error("more than " + StateVocabulary.MAX_STATES + " different states (at '" + state
                    + "'): states are stored as uint8 with 0 = no annotation");
        }
        stateIds.put(state, states.size());
        stateFirstLine.put(state, line == null ? -1 : line.lineNumber());
        states.add(state);
        return states.size() - 1;
    }

    IntervalList contig(String referenceName, String fileName) {
        IntervalList list = contigs.get(referenceName);
        if (list == null) {
            list = new IntervalList();
            contigs.put(referenceName, list);
            fileContigNames.put(referenceName, fileName);
        }
        return list;
    }

    SegmentationVocabulary.FileStates fileStates() {
        return new SegmentationVocabulary.FileStates(file, cellType, List.copyOf(states), Map.copyOf(stateFirstLine));
    }

    /** Drops the intervals once tiled. */
    void release() {
        contigs.replaceAll((contig, list) -> null);
    }

    long intervals() {
        long total = 0;
        for (IntervalList list : contigs.values()) {
            total += list.size();
        }
        return total;
    }
}
