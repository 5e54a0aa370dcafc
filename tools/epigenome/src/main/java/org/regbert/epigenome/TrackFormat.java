package org.regbert.epigenome;

/**
 * The epigenome file formats read here, and what kind of per-position state each gives:
 * a segmentation (one state of a ChromHMM model per position), peaks (closed/open or signal
 * levels) or binarized marks (absent/present per mark and bin).
 */
public enum TrackFormat {
    /** ChromHMM {@code *_segments.bed} and Roadmap {@code *_mnemonics.bed}: chrom, start, end, state. */
    CHROMHMM_SEGMENTS("ChromHMM segmentation", Kind.SEGMENTATION),
    /** ChromHMM/Roadmap {@code *_dense.bed}: track line, 9 columns (BED9 with itemRgb), state in column 4. */
    ROADMAP_DENSE("ChromHMM/Roadmap dense browser BED", Kind.SEGMENTATION),
    /** ChromHMM/Roadmap {@code *_expanded.bed}: one BED12 line per contig and state, segments as blocks. */
    ROADMAP_EXPANDED("ChromHMM/Roadmap expanded browser BED", Kind.SEGMENTATION),
    /** ENCODE narrowPeak (BED6+4): signalValue in column 7. */
    NARROW_PEAK("ENCODE narrowPeak", Kind.PEAKS),
    /** ENCODE broadPeak (BED6+3): signalValue in column 7. */
    BROAD_PEAK("ENCODE broadPeak", Kind.PEAKS),
    /** Any BED3+ file of peaks or regions without a signal column. */
    BED_PEAKS("BED peaks (bed3+)", Kind.PEAKS),
    /** ChromHMM {@code *_binary.txt}: cell and contig, mark names, one 0/1/2 row per bin. */
    CHROMHMM_BINARY("ChromHMM binarized marks", Kind.BINARY);

    /** What the states of a format mean; tracks of different kinds cannot share one vocabulary. */
    public enum Kind {
        SEGMENTATION, PEAKS, BINARY
    }

    private final String description;
    private final Kind kind;

    TrackFormat(String description, Kind kind) {
        this.description = description;
        this.kind = kind;
    }

    public String description() {
        return description;
    }

    public Kind kind() {
        return kind;
    }
}
