package org.regbert.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import htsjdk.variant.variantcontext.VariantContext;
import htsjdk.variant.vcf.VCFFileReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.genome.ReferenceGenome;

/** VCF errors name the record's own line; a POS past the contig's end is its own reason, not a REF mismatch. */
class VcfLinesTest {
    private static final String HEADER = "##fileformat=VCFv4.2\n##contig=<ID=chr20,length=63025520>\n"
            + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n";

    @TempDir
    Path tmp;

    private static String[] args(Path vcf, Path out, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("--model", RealModel.model().toString(), "--reference",
                StageRuns.chr20().toString(), "--vcf", vcf.toString(), "--contig-alias", "chr20=20", "--threads", "2",
                "--quiet", "--output", out.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static String ref(long position) {
        try (ReferenceGenome genome = ReferenceGenome.open(StageRuns.chr20())) {
            return new String(genome.fetch("20", position - 1, position), StandardCharsets.US_ASCII).toUpperCase();
        }
    }

    private static String alt(String ref) {
        return ref.equals("A") ? "G" : "A";
    }

    @Test
    void aMalformedRecordIsNamedByItsLine() throws Exception {
        // Lines 1-3 header, 4 and 5 good records, 6 a POS that is no number, 7 a good record.
        String r1 = ref(30_500_001);
        String r2 = ref(30_500_101);
        Path vcf = Files.writeString(tmp.resolve("bad.vcf"), HEADER
                + "chr20\t30500001\t.\t" + r1 + "\t" + alt(r1) + "\t.\t.\t.\n"
                + "chr20\t30500101\t.\t" + r2 + "\t" + alt(r2) + "\t.\t.\t.\n"
                + "chr20\tPOS\t.\tA\tG\t.\t.\t.\n"
                + "chr20\t30500201\t.\tA\tG\t.\t.\t.\n");
        Path out = tmp.resolve("out/bad.vcf");
        StageRuns.Run run = StageRuns.score(args(vcf, out));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(vcf + ":6: malformed VCF record"), run.stderr());
        assertFalse(Files.exists(out));
        // The first record itself malformed: line 4, not a line-less "not a readable VCF".
        Path first = Files.writeString(tmp.resolve("first.vcf"), HEADER + "chr20\t1\n");
        run = StageRuns.score(args(first, tmp.resolve("out2/first.vcf")));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(first + ":4: malformed VCF record"), run.stderr());
    }

    @Test
    void posZeroIsBadInputNamedByItsLine() throws Exception {
        // Lines 1-3 header, 4 a good record, 5 POS 0 (VCF 4.3's telomere: no reference base at it).
        String r = ref(30_500_001);
        Path vcf = Files.writeString(tmp.resolve("zero.vcf"), HEADER
                + "chr20\t30500001\t.\t" + r + "\t" + alt(r) + "\t.\t.\t.\n"
                + "chr20\t0\t.\tN\tA\t.\t.\t.\n");
        Path out = tmp.resolve("out/zero.vcf");
        StageRuns.Run run = StageRuns.score(args(vcf, out));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(vcf + ":5: POS 0 is before the first base of chr20"), run.stderr());
        assertFalse(run.stderr().contains("\tat "), "no stack trace: " + run.stderr());
        assertFalse(Files.exists(tmp.resolve("out")), "nothing left behind");
    }

    /**
     * A full disk is the machine's fault, not the VCF's: one line, exit 1, nothing left. The output
     * lies on a 64 KiB tmpfs (mounted here: needs root, as the CI has) filled but for one page,
     * which the run's lock file takes: the scored VCF finds no space.
     */
    @Test
    void aFullDiskIsOneLineExitOneAndLeavesNothing() throws Exception {
        String r = ref(30_500_001);
        Path vcf = Files.writeString(tmp.resolve("ok.vcf"), HEADER
                + "chr20\t30500001\t.\t" + r + "\t" + alt(r) + "\t.\t.\t.\n");
        Path small = Files.createDirectory(tmp.resolve("small"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        String said = new String(mount.getInputStream().readAllBytes());
        assertEquals(0, mount.waitFor(), "this test mounts a tiny tmpfs (needs root): " + said);
        try {
            Files.write(small.resolve("filler"), new byte[15 * 4096]);
            StageRuns.Run run = StageRuns.score(args(vcf, small.resolve("out/ok.vcf")));
            assertEquals(1, run.exitCode(), run.stderr());
            assertTrue(run.stderr().contains("regbert score: error: the disk is full: "), run.stderr());
            assertTrue(run.stderr().contains("No space left on device"), run.stderr());
            assertFalse(run.stderr().contains("\tat "), "one line, no stack trace: " + run.stderr());
            try (java.util.stream.Stream<Path> left = Files.list(small)) {
                assertEquals(List.of("filler"), left.map(p -> p.getFileName().toString()).toList(),
                        "no output folder, staging folder or lock file left");
            }
        } finally {
            new ProcessBuilder("umount", small.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void aPositionPastTheContigEndIsItsOwnReason() throws Exception {
        // chr20 of hg19 has 63,025,520 bases: POS 63,025,521 has no reference base (hg38's chr20 is longer).
        String r = ref(30_500_001);
        Path vcf = Files.writeString(tmp.resolve("past.vcf"), HEADER
                + "chr20\t30500001\t.\t" + r + "\t" + alt(r) + "\t.\t.\t.\n"
                + "chr20\t63025521\t.\tA\tG\t.\t.\t.\n");
        Path out = tmp.resolve("out/past.vcf");
        StageRuns.Run run = StageRuns.score(args(vcf, out));
        assertEquals(0, run.exitCode(), run.stderr());
        List<List<String>> skips = new ArrayList<>();
        try (VCFFileReader reader = new VCFFileReader(out, false)) {
            for (VariantContext vc : reader) {
                skips.add(vc.getAttributeAsStringList("RB_SKIP", null));
            }
        }
        assertEquals(List.of(List.of(), List.of("position_past_contig_end")), skips);

        run = StageRuns.score(args(vcf, tmp.resolve("strict/past.vcf"), "--ref-mismatch", "error"));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(vcf + ":5: POS 63025521 is past the end of chr20 (63025520 bases in the"
                + " reference)"), run.stderr());
        assertFalse(run.stderr().contains("REF does not match"), run.stderr());
    }
}
