package org.regbert.epigenome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loaded state tracks of one run (C cell types, or cell type/mark pairs) over one vocabulary:
 * what the {@code align} stage asks, per window, for the state of every cell type at every token.
 * Immutable and thread-safe: windows may be filled from many threads at once.
 */
public final class EpigenomeTracks {
    private final List<StateTrack> tracks;
    private final StateVocabulary vocabulary;
    private final TokenRule rule;
    private final String assembly;
    private final Map<Path, Long> skippedLines;

    EpigenomeTracks(List<StateTrack> tracks, StateVocabulary vocabulary, TokenRule rule, String assembly,
            Map<Path, Long> skippedLines) {
        this.tracks = List.copyOf(tracks);
        this.vocabulary = vocabulary;
        this.rule = rule;
        this.assembly = assembly;
        this.skippedLines = Map.copyOf(skippedLines);
    }

    /**
     * The same tracks with their files named otherwise: align reads lifted-over copies from a
     * temporary folder, and the manifest (the same bytes for the same inputs) and the skipped-line
     * counts must name the user's files.
     */
    public EpigenomeTracks withSources(java.util.function.UnaryOperator<Path> rename) {
        Map<Path, Long> skipped = new java.util.LinkedHashMap<>();
        skippedLines.forEach((file, n) -> skipped.merge(rename.apply(file), n, Long::sum));
        return new EpigenomeTracks(tracks.stream().map(t -> t.withSources(rename)).toList(), vocabulary, rule, assembly,
                skipped);
    }

    /** Number of tracks (C, the first axis of the state array). */
    public int size() {
        return tracks.size();
    }

    public List<StateTrack> tracks() {
        return tracks;
    }

    public StateTrack track(int index) {
        return tracks.get(index);
    }

    /** Track names in order: cell types, or {@code CELL/MARK} for binarized marks. */
    public List<String> names() {
        return tracks.stream().map(StateTrack::name).toList();
    }

    /** The index of a track name, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < tracks.size(); i++) {
            if (tracks.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public StateVocabulary vocabulary() {
        return vocabulary;
    }

    public TokenRule rule() {
        return rule;
    }

    /** Lines skipped per file because their contig is not in the reference (only with skipUnknownContigs). */
    public Map<Path, Long> skippedLines() {
        return skippedLines;
    }

    /**
     * States of every track for one window, written as {@code out[c * tokens + j]} (C x tokens,
     * row-major; copy row {@code c} to {@code [c, n, :]} of a [C, N, L] array). Token geometry as in
     * {@link StateTrack#fill}.
     */
    public void fill(String contig, long windowStart, int tokens, int step, int k, int strand, long windowEnd,
            byte[] out) {
        if ((long) tokens * tracks.size() > out.length) {
            throw new IllegalArgumentException("output of " + out.length + " bytes cannot hold " + tracks.size()
                    + " tracks x " + tokens + " tokens");
        }
        for (int c = 0; c < tracks.size(); c++) {
            tracks.get(c).fill(contig, windowStart, tokens, step, k, strand, windowEnd, rule, out, c * tokens);
        }
    }

    /**
     * States of track {@code track} for one window, to {@code out[offset .. offset + tokens)}: token
     * {@code j} covers {@code [windowStart + j*step, +k)} on strand +1 and
     * {@code [windowEnd - k - j*step, windowEnd - j*step)} on strand -1.
     */
    public void fill(int track, String contig, long windowStart, int tokens, int step, int k, int strand,
            long windowEnd, byte[] out, int offset) {
        tracks.get(track).fill(contig, windowStart, tokens, step, k, strand, windowEnd, rule, out, offset);
    }

    /**
     * A description for the shard manifest: {@code rule}, {@code assembly}, {@code vocabulary}
     * (see {@link StateVocabulary#toManifest()}) and {@code tracks} (name, cell type, mark, format,
     * files, in state-array order). Plain maps and lists, ready for Jackson.
     */
    public Map<String, Object> toManifest() {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("rule", rule.label());
        manifest.put("assembly", assembly);
        manifest.put("vocabulary", vocabulary.toManifest());
        List<Map<String, Object>> list = new ArrayList<>();
        for (StateTrack track : tracks) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", track.name());
            entry.put("cellType", track.cellType());
            if (track.mark() != null) {
                entry.put("mark", track.mark());
            }
            entry.put("format", track.format().name().toLowerCase(java.util.Locale.ROOT));
            entry.put("files", track.sources().stream().map(Path::toString).toList());
            list.add(entry);
        }
        manifest.put("tracks", list);
        return manifest;
    }
}
