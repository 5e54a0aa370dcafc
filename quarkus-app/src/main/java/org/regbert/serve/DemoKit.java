package org.regbert.serve;

import htsjdk.samtools.reference.ReferenceSequenceFile;
import htsjdk.samtools.reference.ReferenceSequenceFileFactory;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/** The demo's inputs, cut from the kit's real files (deterministic bytes: a second demo run is a no-op). */
final class DemoKit {
    private DemoKit() {
    }

    /** CONTIG:0-END of an indexed (bgzipped) FASTA, written as a plain FASTA under the same contig name. */
    static Path fastaSlice(Path fasta, String contig, int end, Path out) throws IOException {
        try (ReferenceSequenceFile ref = ReferenceSequenceFileFactory.getReferenceSequenceFile(fasta, true, true)) {
            byte[] bases = ref.getSubsequenceAt(contig, 1, end).getBases();
            Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
                w.write(">" + contig + "\n");
                for (int i = 0; i < bases.length; i += 60) {
                    w.write(new String(bases, i, Math.min(60, bases.length - i), StandardCharsets.US_ASCII));
                    w.write('\n');
                }
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        }
        return out;
    }

    /** The lines of a (gzipped) BED on CONTIG that end by END. */
    static Path bedSlice(Path bed, String contig, int end, Path out) throws IOException {
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (BufferedReader r = reader(bed); BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
            for (String line; (line = r.readLine()) != null;) {
                String[] f = line.split("\t", 4);
                if (f.length >= 3 && f[0].equals(contig) && Long.parseLong(f[2]) <= end) {
                    w.write(line);
                    w.write('\n');
                }
            }
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        return out;
    }

    /**
     * The GWAS catalog SNPs of the kit (BED: contig, start, end, rsID, trait, category) on CONTIG below
     * END as a VCF: POS = start + 1, REF = the reference base there (read with htsjdk from {@code fasta},
     * whose contig is CONTIG without 'chr'), ALT = its transition (A<->G, C<->T). Contig names stay as in
     * the BED ('chr20'); the service maps them to the reference's ('20').
     */
    static Path gwasVcf(Path gwasBed, String contig, int end, Path fasta, Path out) throws IOException {
        String refContig = contig.startsWith("chr") ? contig.substring(3) : contig;
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        java.util.TreeMap<Long, String> rows = new java.util.TreeMap<>();
        try (BufferedReader r = reader(gwasBed)) {
            for (String line; (line = r.readLine()) != null;) {
                String[] f = line.split("\t");
                if (f.length >= 4 && f[0].equals(contig) && Long.parseLong(f[2]) <= end) {
                    rows.putIfAbsent(Long.parseLong(f[1]) + 1, f[3] + "\t" + (f.length > 4 ? f[4] : "."));
                }
            }
        }
        try (ReferenceSequenceFile ref = ReferenceSequenceFileFactory.getReferenceSequenceFile(fasta, true, true);
                BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
            w.write("##fileformat=VCFv4.2\n");
            w.write("##source=regbert demo: GWAS catalog SNPs (bedops-doc) with REF from hg19 and a transition ALT\n");
            w.write("##contig=<ID=" + contig + ">\n");
            w.write("##INFO=<ID=TRAIT,Number=1,Type=String,Description=\"GWAS catalog trait\">\n");
            w.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
            for (var e : rows.entrySet()) {
                long pos = e.getKey();
                char base = (char) Character.toUpperCase(
                        ref.getSubsequenceAt(refContig, pos, pos).getBases()[0]);
                String alt = switch (base) {
                    case 'A' -> "G";
                    case 'G' -> "A";
                    case 'C' -> "T";
                    case 'T' -> "C";
                    default -> null;
                };
                if (alt == null) {
                    continue;
                }
                String[] idTrait = e.getValue().split("\t");
                String trait = idTrait[1].replaceAll("[^A-Za-z0-9_.-]", "_");
                w.write(String.join("\t", contig, Long.toString(pos), idTrait[0], String.valueOf(base), alt, ".",
                        "PASS", "TRAIT=" + trait) + "\n");
            }
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        return out;
    }

    private static BufferedReader reader(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
    }
}
