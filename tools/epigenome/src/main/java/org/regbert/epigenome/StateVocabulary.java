package org.regbert.epigenome;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * State ids as stored in the uint8 state arrays: id 0 is always {@value #NONE_NAME} (no
 * annotation: no segment, no data, or outside the contig), ids 1.. are the states in model order.
 * One vocabulary is shared by all tracks of a load, so id {@code i} means the same state in every
 * cell type.
 */
public final class StateVocabulary {
    /** The id of "no annotation". */
    public static final int NONE = 0;
    public static final String NONE_NAME = "none";
    /** States per vocabulary beside {@link #NONE}: ids must fit in one unsigned byte. */
    public static final int MAX_STATES = 255;

    private final TrackFormat.Kind kind;
    private final List<String> names;
    private final Map<String, Integer> ids = new HashMap<>();
    private final String source;

    /**
     * @param kind what the states describe
     * @param states state names for ids 1, 2, ... (in model order)
     * @param source where the order came from, for the manifest (a model file, "files", ...)
     */
    public StateVocabulary(TrackFormat.Kind kind, List<String> states, String source) {
        if (states.isEmpty() || states.size() > MAX_STATES) {
            throw new IllegalArgumentException(states.size() + " states: 1 to " + MAX_STATES + " are supported");
        }
        List<String> all = new ArrayList<>(states.size() + 1);
        all.add(NONE_NAME);
        all.addAll(states);
        for (int id = 0; id < all.size(); id++) {
            if (ids.put(all.get(id), id) != null) {
                throw new IllegalArgumentException("state '" + all.get(id) + "' is listed twice");
            }
        }
        this.kind = kind;
        this.names = List.copyOf(all);
        this.source = source;
    }

    /** Peak tracks: {@code closed} (no peak) then {@code open}, or signal levels {@code Q1..Qn}. */
    public static StateVocabulary peaks(PeakLevels levels) {
        return new StateVocabulary(TrackFormat.Kind.PEAKS, levels.stateNames(), levels.toString());
    }

    /** Binarized marks: {@code absent} (ChromHMM's 0) and {@code present} (1); ChromHMM's 2 is no data. */
    public static StateVocabulary binary() {
        return new StateVocabulary(TrackFormat.Kind.BINARY, List.of("absent", "present"), "ChromHMM binarization");
    }

    public TrackFormat.Kind kind() {
        return kind;
    }

    /** Names by id, {@value #NONE_NAME} first. */
    public List<String> names() {
        return names;
    }

    /** Number of ids including {@link #NONE}. */
    public int size() {
        return names.size();
    }

    public String name(int id) {
        return names.get(id);
    }

    /** The id of a state name, or -1. */
    public int id(String name) {
        Integer id = ids.get(name);
        return id == null ? -1 : id;
    }

    public String source() {
        return source;
    }

    /**
     * The vocabulary for a manifest: {@code kind}, {@code source}, {@code none} (the id of no
     * annotation) and {@code names} (index = id). Plain maps and lists, ready for Jackson.
     */
    public Map<String, Object> toManifest() {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
        manifest.put("source", source);
        manifest.put("none", NONE);
        manifest.put("names", names);
        return manifest;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StateVocabulary that && kind == that.kind && names.equals(that.names);
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 31 + kind.hashCode();
    }

    @Override
    public String toString() {
        return kind + " " + names;
    }
}
