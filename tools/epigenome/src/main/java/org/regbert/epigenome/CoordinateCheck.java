package org.regbert.epigenome;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.regbert.common.BadInputException;

/**
 * Per-file contig and coordinate checks: contig names go through the reference's
 * {@link org.regbert.genome.ContigResolver} (once per distinct name, so alias use counts files,
 * not lines), coordinates must satisfy {@code 0 <= start <= end <= contig length}, and a
 * coordinate past a contig's end names the assemblies where it would fit.
 */
final class CoordinateCheck {
    private static final String SKIP = "\0skip";
    private final Path file;
    private final ReferenceContigs reference;
    private final boolean skipUnknownContigs;
    private final Map<String, String> resolved = new HashMap<>();
    private final Map<String, Long> maxEnds = new LinkedHashMap<>();
    private final Map<String, String> fileNames = new HashMap<>();
    private String lastFileName;
    private String lastResolved;
    private long skippedLines;

    CoordinateCheck(Path file, ReferenceContigs reference, boolean skipUnknownContigs) {
        this.file = file;
        this.reference = reference;
        this.skipUnknownContigs = skipUnknownContigs;
    }

    /** The reference name of the contig in column 1, or null when it is skipped (absent from the reference). */
    String contig(TabFields line) {
        if (lastFileName != null && line.fieldEquals(0, lastFileName)) {
            if (lastResolved == null) {
                skippedLines++;
            }
            return lastResolved;
        }
        String name = line.text(0);
        if (name.isEmpty()) {
            throw line.error("empty contig name in column 1");
        }
        String result = contig(name, line.lineNumber());
        lastFileName = name;
        lastResolved = result;
        return result;
    }

    /** The reference name of contig {@code name} met at {@code lineNumber}, or null when skipped. */
    String contig(String name, long lineNumber) {
        String result = resolved.get(name);
        if (result == null) {
            result = resolve(name, lineNumber);
            resolved.put(name, result);
        }
        if (result == SKIP) {
            skippedLines++;
            return null;
        }
        return result;
    }

    private String resolve(String name, long lineNumber) {
        try {
            synchronized (reference.resolver()) {
                String referenceName = reference.resolver().resolve(name, file, lineNumber);
                if (referenceName == null) {
                    // A resolver told to skip missing contigs answers null for them.
                    return SKIP;
                }
                fileNames.put(referenceName, name);
                return referenceName;
            }
        } catch (BadInputException e) {
            if (skipUnknownContigs && !reference.nearMiss(name)) {
                return SKIP;
            }
            throw e;
        }
    }

    /**
     * Checks {@code [start, end)} on reference contig {@code contig} (null: a skipped contig) and notes how far
     * the file reaches.
     *
     * @throws BadInputException for a negative start, start after end, or an end past the contig
     */
    void interval(TabFields line, String contig, long start, long end) {
        if (start < 0) {
            throw line.error("negative start " + start);
        }
        if (start > end) {
            throw line.error("start " + start + " is greater than end " + end);
        }
        if (contig == null) {
            return;
        }
        long length = reference.length(contig);
        if (end > length) {
            String fileName = fileNames.getOrDefault(contig, contig);
            throw line.error("interval " + fileName + ":" + start + "-" + end + " runs past the end of contig '" + contig
                    + "' (length " + length + " in the reference)" + AssemblyCheck.pastEndHint(fileName, end,
                            reference.assembly()));
        }
        reached(contig, end);
    }

    /** Notes that the file covers reference contig {@code contig} up to {@code end}. */
    void reached(String contig, long end) {
        Long previous = maxEnds.get(contig);
        if (previous == null || end > previous) {
            maxEnds.put(contig, end);
        }
    }

    /** Refuses a whole-contig file that ends where another assembly's contigs end (see {@link AssemblyCheck}). */
    void checkWholeGenomeTails() {
        AssemblyCheck.checkTails(file, maxEnds, fileNames, reference);
    }

    long skippedLines() {
        return skippedLines;
    }
}
