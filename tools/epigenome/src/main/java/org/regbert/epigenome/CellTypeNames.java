package org.regbert.epigenome;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cell type names from file names, for files given without {@code FILE:CELL}:
 * <ul>
 * <li>Roadmap epigenome ids lead the name: {@code E003_15_coreMarks_dense.bed.gz},
 * {@code E116_18_core_K27ac_hg38lift_mnemonics.bed.gz} give {@code E003}, {@code E116};
 * <li>ChromHMM outputs are {@code CELL_NSTATES_segments.bed} (also {@code _dense}, {@code _expanded},
 * and binarized {@code CELL_CONTIG_binary.txt}): {@code GM12878_10_segments.bed.gz} gives
 * {@code GM12878};
 * <li>otherwise the name without its extensions ({@code K562.narrowPeak.gz} gives {@code K562}).
 * </ul>
 * ENCODE downloads are named by accession only; their cell type comes from {@link EncodeMetadata}.
 */
public final class CellTypeNames {
    private static final Pattern ROADMAP = Pattern.compile("^(E\\d{3})_.*");
    private static final Pattern CHROMHMM = Pattern.compile(
            "^(.+?)_\\d+(_[A-Za-z0-9]+)*_(segments|dense|expanded|mnemonics|statebyline)$");
    private static final Pattern BINARY = Pattern.compile("^(.+)_[^_]+_binary$");
    private static final String[] EXTENSIONS = {".gz", ".bgz", ".bed", ".txt", ".tsv", ".narrowpeak", ".broadpeak",
            ".bed3", ".peaks", ".bb", ".bigbed", ".bw", ".bigwig"};

    private CellTypeNames() {
    }

    /** The cell type a file's name suggests (never null or empty). */
    public static String fromFileName(Path file) {
        String name = stripExtensions(file.getFileName().toString());
        Matcher roadmap = ROADMAP.matcher(name);
        if (roadmap.matches()) {
            return roadmap.group(1);
        }
        Matcher chromhmm = CHROMHMM.matcher(name);
        if (chromhmm.matches()) {
            return chromhmm.group(1);
        }
        Matcher binary = BINARY.matcher(name);
        if (binary.matches()) {
            return binary.group(1);
        }
        return name;
    }

    static String stripExtensions(String fileName) {
        String name = fileName;
        boolean stripped = true;
        while (stripped) {
            stripped = false;
            String lower = name.toLowerCase(Locale.ROOT);
            for (String extension : EXTENSIONS) {
                if (lower.endsWith(extension) && name.length() > extension.length()) {
                    name = name.substring(0, name.length() - extension.length());
                    stripped = true;
                    break;
                }
            }
        }
        return name;
    }
}
