package org.regbert.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import htsjdk.samtools.util.BlockCompressedOutputStream;
import htsjdk.samtools.util.IOUtil;
import htsjdk.variant.variantcontext.VariantContext;
import htsjdk.variant.vcf.VCFFileReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.finetune.FinetunedModel;
import org.regbert.finetune.GeneBertShards;
import org.regbert.finetune.ShardInputs;
import org.regbert.genome.ReferenceGenome;
import org.regbert.metrics.Predictions;
import org.regbert.metrics.PredictionsFile;
import org.regbert.shards.NpyArray;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;
import org.regbert.common.TestTrees;

/**
 * GeneBERT models on real chr20: score rebuilds each window's motif matrix as align did (the same
 * numbers as the shards' matrices, the same probabilities as finetune's predictions), scores GWAS
 * SNPs whose ALT windows change motif scores, and refuses motif files that are not the model's.
 */
class GeneBertScoreTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void model() throws IOException {
        RealGeneBert.model();
    }

    private static String[] args(Path model, Path output, String... more) {
        List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--reference",
                StageRuns.chr20().toString(), "--threads", "2", "--quiet", "--output", output.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** bedGraph values by window start (track line skipped). */
    private static Map<Long, Float> values(Path bedGraph) throws IOException {
        Map<Long, Float> values = new HashMap<>();
        List<String> lines = Files.readAllLines(bedGraph);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            values.put(Long.parseLong(f[1]), Float.parseFloat(f[3]));
        }
        return values;
    }

    @Test
    void theShardWindowsScoreAsFinetunePredictedThemWithAlignsMotifMatrices() throws Exception {
        Path modelDir = RealGeneBert.model();
        Predictions predictions = PredictionsFile.read(modelDir.resolve("predictions/promoter.npz"));
        int windowBases = 131;
        StringBuilder bed = new StringBuilder();
        List<Integer> whole = new ArrayList<>();
        for (int i = 0; i < predictions.windows(); i++) {
            if (predictions.end()[i] - predictions.start()[i] == windowBases) {
                whole.add(i);
                bed.append(predictions.contigNames().get(predictions.contig()[i])).append('\t')
                        .append(predictions.start()[i]).append('\t').append(predictions.end()[i]).append('\n');
            }
        }
        assertTrue(whole.size() >= 20, "validation + test windows of whole length: " + whole.size());
        Path regions = tmp.resolve("held-out.bed");
        Files.writeString(regions, bed);
        Path out = tmp.resolve("held-out.bedGraph");
        StageRuns.Run run = StageRuns.score(args(modelDir, out, "--regions", regions.toString(), "--batch-size", "16"));
        assertEquals(0, run.exitCode(), run.stderr());
        Map<Long, Float> scored = values(out);
        float lo = 1;
        float hi = 0;
        for (int i : whole) {
            Float value = scored.get(predictions.start()[i]);
            assertNotNull(value, "no bedGraph line for the window at " + predictions.start()[i]);
            // 1e-5: the same inputs in other batches (finetune's differ by < 1e-6); unstandardised motifs miss by 1e-4.
            assertEquals(predictions.scores()[i], value, 1e-5, "window at " + predictions.start()[i]);
            lo = Math.min(lo, value);
            hi = Math.max(hi, value);
        }
        assertTrue(hi > lo, "scores vary with the window");
        System.err.println("GeneBERT held-out windows: " + whole.size() + ", largest |score - finetune| "
                + largest(whole, predictions, scored));
        var summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                tmp.resolve("held-out.score-summary.json").toFile());
        assertTrue(summary.get("motifs").asText().startsWith("6 motifs from "), summary.get("motifs").asText());

        // The matrices themselves: score's, from the reference, equal the shard's float16 cells exactly.
        try (FinetunedModel model = FinetunedModel.load(modelDir);
                ReferenceGenome genome = ReferenceGenome.open(StageRuns.chr20());
                TokenShard shard = TokenShard.open(ShardSet.list(RealGeneBert.shards()).get(0))) {
            int tokens = model.spec().windowTokens();
            ReferenceWindows windows = new ReferenceWindows(genome, 6, true, tokens, 0.05);
            WindowMotifs motifs = WindowMotifs.open(model.motifs(), null, model.vocabularies(), tokens, 2, true,
                    System.err);
            NpyArray start = shard.array("start");
            NpyArray stored = shard.array("motifs");
            int cells = motifs.motifs() * motifs.regions();
            int compared = 0;
            for (int r = 0; r < Math.min(shard.windows(), 400); r++) {
                long at = start.getLong(r);
                int[] ids = new int[tokens];
                if (!windows.tokenize(genome.fetch("20", at, at + windows.windowBases()), ids, 0)) {
                    continue;
                }
                float[] theirs = new float[cells];
                stored.copyFloats((long) r * cells, theirs, cells);
                assertArrayEquals(theirs, motifs.matrices(ids, 0, 1), 0f, "motif matrix of the window at " + at);
                compared++;
            }
            assertTrue(compared > 300, "windows compared: " + compared);
            assertMotifInputsAreFinetunes(model, genome, windows, motifs, shard);
        }
    }

    /**
     * The encoder's motif half of the pooled vector ([CLS] of the motif branch) is most sensitive to
     * the motif input's standardisation and layout: score's windows give finetune's vectors.
     */
    private static void assertMotifInputsAreFinetunes(FinetunedModel model, ReferenceGenome genome,
            ReferenceWindows windows, WindowMotifs motifs, TokenShard shard) throws Exception {
        int n = 48;
        int tokens = windows.windowTokens();
        WindowBuffer buffer = new WindowBuffer(tokens, false, n);
        int[] rows = new int[n];
        int count = 0;
        for (int r = 0; r < shard.windows() && count < n; r++) {
            long at = shard.array("start").getLong(r);
            if (windows.tokenize(genome.fetch("20", at, at + windows.windowBases()), buffer.tokens(), buffer.next())) {
                buffer.commit();
                rows[count++] = r;
            }
        }
        float[][] mine;
        try (ModelRunner runner = new ModelRunner(model, 16, -1, 0, motifs)) {
            mine = runner.embed(buffer);
        }
        float[][] theirs;
        try (ShardInputs inputs = new ShardInputs(RealGeneBert.shards(), model.spec(), model.encoder())) {
            String[] cells = new String[n];
            java.util.Arrays.fill(cells, "");
            theirs = model.embed(inputs.fill(new int[n], rows, cells, n));
        }
        int hidden = model.encoder().hiddenSize();
        assertEquals(2 * hidden, mine[0].length, "GeneBERT pools sequence and motif branches");
        double spread = 0;
        for (int i = 0; i < n; i++) {
            for (int h = 0; h < 2 * hidden; h++) {
                assertEquals(theirs[i][h], mine[i][h], 1e-4, "window row " + rows[i] + ", dimension " + h);
                spread = Math.max(spread, Math.abs(mine[i][h] - mine[0][h]));
            }
        }
        assertTrue(spread > 0.01, "vectors differ between windows: " + spread);
    }

    private static double largest(List<Integer> rows, Predictions predictions, Map<Long, Float> scored) {
        double max = 0;
        for (int i : rows) {
            max = Math.max(max, Math.abs(predictions.scores()[i] - scored.get(predictions.start()[i])));
        }
        return max;
    }

    @Test
    void gwasSnpsGetEffectsAndTheirAltWindowsChangeMotifMatrices() throws Exception {
        Path vcf = tmp.resolve("gwas.vcf.gz");
        int snps = writeGwasVcf(vcf);
        Path out = tmp.resolve("gwas.scored.vcf.gz");
        StageRuns.Run run = StageRuns.score(args(RealGeneBert.model(), out, "--vcf", vcf.toString(),
                "--contig-alias", "chr20=20", "--batch-size", "32"));
        assertEquals(0, run.exitCode(), run.stderr());
        int scored = 0;
        int changed = 0;
        try (FinetunedModel model = FinetunedModel.load(RealGeneBert.model());
                ReferenceGenome genome = ReferenceGenome.open(StageRuns.chr20());
                VCFFileReader reader = new VCFFileReader(out, true)) {
            int tokens = model.spec().windowTokens();
            ReferenceWindows windows = new ReferenceWindows(genome, 6, true, tokens, 0.05);
            WindowMotifs motifs = WindowMotifs.open(model.motifs(), null, model.vocabularies(), tokens, 2, true,
                    System.err);
            for (VariantContext vc : reader) {
                if (vc.hasAttribute("RB_SKIP")) {
                    continue;
                }
                float ref = Float.parseFloat(vc.getAttributeAsString("RB_REF", null));
                float alt = Float.parseFloat(vc.getAttributeAsString("RB_ALT", null));
                assertTrue(ref > 0 && ref < 1 && alt > 0 && alt < 1, vc.toString());
                assertEquals(alt - ref, Float.parseFloat(vc.getAttributeAsString("RB_DIFF", null)), 2e-6);
                assertTrue(vc.hasAttribute("RB_LOGOR"), vc.toString());
                scored++;
                // The REF and ALT windows score saw, and their motif matrices.
                long pos = vc.getStart() - 1L;
                int[] ids = new int[2 * tokens];
                assertTrue(windows.tokenize(VariantScorer.alleleWindow(windows, "20", pos, pos + 1,
                        vc.getReference().getBases()), ids, 0));
                assertTrue(windows.tokenize(VariantScorer.alleleWindow(windows, "20", pos, pos + 1,
                        vc.getAlternateAllele(0).getBases()), ids, tokens));
                float[] both = motifs.matrices(ids, 0, 2);
                int cells = both.length / 2;
                for (int c = 0; c < cells; c++) {
                    if (both[c] != both[cells + c]) {
                        changed++;
                        break;
                    }
                }
            }
        }
        assertTrue(scored >= snps - 5, scored + " of " + snps + " SNPs scored");
        assertTrue(changed > 0, changed + " of " + scored + " SNPs change a motif cell");
        var summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                tmp.resolve("gwas.scored.score-summary.json").toFile());
        System.err.println("GeneBERT VCF: " + scored + " SNPs scored, " + changed + " change their motif matrix; "
                + summary.get("windowsPerSecond") + " windows/s");
    }

    /** The kit's GWAS SNPs on chr20 as a bgzipped VCF (REF from the reference, a transition as ALT); returns the count. */
    private static int writeGwasVcf(Path vcf) throws IOException {
        StringBuilder text = new StringBuilder("##fileformat=VCFv4.2\n##contig=<ID=chr20,length=63025520>\n"
                + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
        List<long[]> positions = new ArrayList<>();
        int n = 0;
        try (ReferenceGenome genome = ReferenceGenome.open(StageRuns.chr20());
                BufferedReader in = IOUtil.openFileForBufferedReading(
                        StageRuns.kitData().resolve("variants/gwas-snps.hg19.bed.gz"))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] f = line.split("\t");
                if (f[0].equals("chr20")) {
                    positions.add(new long[] {Long.parseLong(f[1])});
                }
            }
            positions.sort((a, b) -> Long.compare(a[0], b[0]));
            long previous = -1;
            for (long[] p : positions) {
                String ref = new String(genome.fetch("20", p[0], p[0] + 1), StandardCharsets.US_ASCII).toUpperCase();
                if (p[0] == previous || !"ACGT".contains(ref)) {
                    continue;
                }
                previous = p[0];
                String alt = String.valueOf("GTAC".charAt("ACGT".indexOf(ref)));
                text.append("chr20\t").append(p[0] + 1).append("\t.\t").append(ref).append('\t').append(alt)
                        .append("\t.\t.\t.\n");
                n++;
            }
        }
        try (OutputStream out = new BlockCompressedOutputStream(vcf.toFile())) {
            out.write(text.toString().getBytes(StandardCharsets.US_ASCII));
        }
        return n;
    }

    @Test
    void motifFilesThatAreNotTheModelsAreRefusedAndAMissingCopyAsksForOne() throws Exception {
        String tile = "20:30000000-30005000";
        Path reference = tmp.resolve("ref/tile.bedGraph");
        assertEquals(0, StageRuns.score(args(RealGeneBert.model(), reference, "--tile", tile)).exitCode());

        Path other = GeneBertShards.writeMotifs(tmp.resolve("other motifs.pfm"),
                List.of("MA0139.1_MA0139.1.CTCF", "MA0108.2_MA0108.2.TBP", "MA0079.5_MA0079.5.SP1"));
        Path out = tmp.resolve("bad/tile.bedGraph");
        StageRuns.Run run = StageRuns.score(args(RealGeneBert.model(), out, "--tile", tile, "--motifs",
                other.toString()));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(other.toString()) && run.stderr().contains("not the 6 motifs, in order"),
                run.stderr());
        assertFalse(Files.exists(tmp.resolve("bad")), "nothing written");

        // The same motifs given explicitly: the same numbers as the model's own copy.
        Path same = tmp.resolve("same/tile.bedGraph");
        run = StageRuns.score(args(RealGeneBert.model(), same, "--tile", tile, "--motifs",
                RealGeneBert.motifFile().toString()));
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(-1, Files.mismatch(reference, same));

        // A model whose copy of the motif file is gone: a clear error, then --motifs rescues it.
        Path model = TestTrees.copy(RealGeneBert.model().resolve("model"), tmp.resolve("no-copy"));
        Path copy = model.resolve("motifs").resolve(RealGeneBert.motifFile().getFileName());
        Files.delete(copy);
        run = StageRuns.score(args(model, tmp.resolve("x/tile.bedGraph"), "--tile", tile));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(copy.toString()) && run.stderr().contains("is missing: pass --motifs FILE"),
                run.stderr());
        Path rescued = tmp.resolve("rescued/tile.bedGraph");
        run = StageRuns.score(args(model, rescued, "--tile", tile, "--motifs", RealGeneBert.motifFile().toString()));
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(-1, Files.mismatch(reference, rescued));

        // A model saved before models kept motifs (no motifs.json): it loads; score needs --motifs.
        Path old = TestTrees.copy(RealGeneBert.model().resolve("model"), tmp.resolve("old"));
        Files.delete(old.resolve("motifs.json"));
        try (FinetunedModel loaded = FinetunedModel.load(old)) {
            assertTrue(loaded.spec().motifs());
            assertNull(loaded.motifs());
        }
        run = StageRuns.score(args(old, tmp.resolve("y/tile.bedGraph"), "--tile", tile));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("pass --motifs FILE"), run.stderr());
        Path legacy = tmp.resolve("legacy/tile.bedGraph");
        List<String> withWarning = new ArrayList<>(List.of(args(old, legacy, "--tile", tile, "--motifs",
                RealGeneBert.motifFile().toString())));
        withWarning.remove("--quiet");
        run = StageRuns.score(withWarning.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("align's defaults"), run.stderr());
        assertEquals(-1, Files.mismatch(reference, legacy), "align ran with its defaults, so the numbers agree");

        run = StageRuns.score(args(RealModel.model(), tmp.resolve("z/tile.bedGraph"), "--tile", tile, "--motifs",
                RealGeneBert.motifFile().toString()));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("--motifs: this model reads no motif matrices"), run.stderr());
    }
}
