package org.regbert.serve;

import java.util.List;
import org.regbert.epigenome.EncodeMetadata;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What arrived, from its (safe) name and any ENCODE metadata: which stage it goes to. */
final class Classifier {
    enum Kind { REFERENCE, STATES, PEAKS, SIGNAL, LABELS, VARIANTS, METADATA, REJECTED, IGNORED }

    /**
     * {@code cellType}: for STATES and PEAKS the cell type, for SIGNAL the track (CELL, or CELL.MARK for
     * a histone or TF ChIP-seq signal); {@code task}: for LABELS, the label name align writes
     * (label_TASK) and finetune trains on.
     */
    record Decision(Kind kind, String cellType, String reason, String task) {
        Decision(Kind kind, String cellType, String reason) {
            this(kind, cellType, reason, null);
        }
    }

    private static final Pattern ENCFF = Pattern.compile("^(ENCFF[0-9A-Z]+)\\b.*");
    private static final Pattern FASTA = Pattern.compile(".*\\.(fa|fasta|fna)(\\.gz)?$");
    private static final Pattern STATES = Pattern.compile("(.+?)_(\\d+_)?(segments|dense|expanded)\\.bed(\\.gz)?$");
    private static final Pattern PEAK_FILE = Pattern.compile(".*\\.(narrowpeak|broadpeak)(\\.gz)?$");
    private static final Pattern BED = Pattern.compile(".*\\.bed(\\.gz)?$");
    private static final Pattern VCF = Pattern.compile(".*\\.vcf(\\.b?gz)?$");
    /** RefSeq / GENCODE TSS files (the kit's RefSeqTSS.hg19.bed.gz): promoter labels. */
    private static final Pattern TSS = Pattern.compile(".*(refseqtss|gencodetss|(^|[._-])tss([._-]|$)).*\\.bed(\\.gz)?$");
    /** Any other positives named for their task: TASK.labels.bed[.gz]. */
    private static final Pattern NAMED_LABELS = Pattern.compile("(.+?)\\.labels\\.bed(\\.gz)?$");
    private static final Pattern ACCESSIBILITY = Pattern.compile(".*(dhs|dnase|atac).*");
    private static final Pattern OTHER_ASSEMBLY = Pattern.compile(".*\\b(hg38|grch38|hg18|mm10|mm39)\\b.*");

    private Classifier() {
    }

    static Decision classify(String name, MetadataCatalog metadata, List<String> assemblies) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith("metadata.tsv")) {
            return new Decision(Kind.METADATA, null, "ENCODE metadata");
        }
        Matcher m = ENCFF.matcher(name);
        if (m.matches()) {
            EncodeMetadata.Entry row = metadata.entry(m.group(1));
            if (row != null) {
                return encode(m.group(1), row, assemblies);
            }
        }
        Matcher other = OTHER_ASSEMBLY.matcher(lower.replace('_', '.'));
        if (other.matches() && assemblies.stream().noneMatch(a -> a.equalsIgnoreCase(other.group(1)))) {
            return new Decision(Kind.REJECTED, null, "the name says assembly " + other.group(1)
                    + " but the reference is " + String.join("/", assemblies));
        }
        if (FASTA.matcher(lower).matches()) {
            return new Decision(Kind.REFERENCE, null, "reference FASTA");
        }
        if (VCF.matcher(lower).matches()) {
            return new Decision(Kind.VARIANTS, null, "variants (VCF) to score with the current fine-tuned model");
        }
        if (TSS.matcher(lower).matches() && !lower.matches(".*(tss2kb|tss_2kb).*")) {
            return new Decision(Kind.LABELS, null, "TSS positions: promoter labels", "promoter");
        }
        Matcher named = NAMED_LABELS.matcher(name);
        if (named.matches()) {
            String task = SafeNames.token(named.group(1));
            return new Decision(Kind.LABELS, null, "labels for task " + task, task);
        }
        Matcher s = STATES.matcher(name);
        if (s.matches()) {
            return new Decision(Kind.STATES, SafeNames.token(name.substring(0, name.indexOf('_'))), "chromatin-state segmentation");
        }
        if (PEAK_FILE.matcher(lower).matches() || (BED.matcher(lower).matches() && ACCESSIBILITY.matcher(lower).matches())) {
            return new Decision(Kind.PEAKS, SafeNames.token(stripExtensions(name)), "accessibility peaks");
        }
        if (m.matches()) {
            return new Decision(Kind.IGNORED, null, m.group(1) + " is not described by any metadata.tsv dropped so far");
        }
        return new Decision(Kind.IGNORED, null, "no stage takes this kind of file (reference FASTA .fa/.fasta[.gz],"
                + " *_segments/_dense/_expanded.bed, DNase/ATAC peaks, TSS or TASK.labels.bed labels, VCF,"
                + " ENCODE ENCFF files with a metadata.tsv)");
    }

    private static Decision encode(String accession, EncodeMetadata.Entry row, List<String> assemblies) {
        String assembly = orEmpty(row.assembly());
        if (!assembly.isEmpty() && assemblies.stream().noneMatch(a -> a.equalsIgnoreCase(assembly))) {
            return new Decision(Kind.REJECTED, null, accession + ": File assembly " + assembly
                    + " does not match the reference assembly " + String.join("/", assemblies));
        }
        String cell = SafeNames.token(row.biosample());
        String format = orEmpty(row.fileFormat()).toLowerCase(Locale.ROOT);
        String assay = orEmpty(row.assay()).toLowerCase(Locale.ROOT);
        String output = orEmpty(row.outputType()).toLowerCase(Locale.ROOT);
        if (format.equals("bigwig")) {
            return signal(accession, row, cell, assay, output);
        }
        if (!format.contains("bed")) {
            return new Decision(Kind.IGNORED, null, accession + ": File format '" + format + "' is neither a BED, a"
                    + " bigBed nor a bigWig the align stage reads");
        }
        if (output.contains("state")) {
            return new Decision(Kind.STATES, cell, accession + ": " + output + " of " + cell);
        }
        if (assay.contains("dnase") || assay.contains("atac")) {
            return new Decision(Kind.PEAKS, cell, accession + ": " + row.assay() + " " + output
                    + " of " + cell);
        }
        if (assay.contains("chip") && output.contains("conservative idr thresholded peaks")) {
            String target = orEmpty(row.target()).replaceAll("(?i)-(human|mouse)$", "");
            if (!target.isEmpty()) {
                String task = SafeNames.token(target);
                return new Decision(Kind.LABELS, cell, accession + ": " + row.assay() + " " + output
                        + " of " + target + " in " + cell + ": labels for task " + task, task);
            }
        }
        return new Decision(Kind.IGNORED, null, accession + ": assay '" + row.assay() + "' (target '"
                + orEmpty(row.target()) + "') has no stage in this version");
    }

    /**
     * A bigWig: DNase-/ATAC-seq signal as track CELL; ChIP-seq fold change or signal p-value as track
     * CELL.MARK (the target, e.g. K562.H3K27ac); align --signal reads it per token.
     */
    private static Decision signal(String accession, EncodeMetadata.Entry row, String cell, String assay,
            String output) {
        if (assay.contains("dnase") || assay.contains("atac")) {
            return new Decision(Kind.SIGNAL, cell, accession + ": " + row.assay() + " " + row.outputType() + " of "
                    + cell + " (bigWig): signal track " + cell);
        }
        String target = orEmpty(row.target()).replaceAll("(?i)-(human|mouse)$", "");
        if (assay.contains("chip") && !target.isEmpty()
                && (output.contains("fold change") || output.contains("signal p-value"))) {
            String track = cell + "." + SafeNames.token(target);
            return new Decision(Kind.SIGNAL, track, accession + ": " + row.assay() + " " + row.outputType() + " of "
                    + target + " in " + cell + " (bigWig): signal track " + track);
        }
        return new Decision(Kind.IGNORED, null, accession + ": bigWig of assay '" + row.assay() + "', output '"
                + row.outputType() + "': only DNase-/ATAC-seq signal and ChIP-seq fold change or signal p-value"
                + " become signal tracks");
    }

    private static String orEmpty(String column) {
        return column == null ? "" : column;
    }

    static String stripExtensions(String name) {
        String s = name.replaceAll("(?i)\\.gz$", "");
        int dot = s.indexOf('.');
        return dot > 0 ? s.substring(0, dot) : s;
    }
}
