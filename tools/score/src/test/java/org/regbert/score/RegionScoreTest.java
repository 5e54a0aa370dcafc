package org.regbert.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import htsjdk.tribble.readers.TabixReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.finetune.FinetunedModel;
import org.regbert.finetune.InputBatch;
import org.regbert.finetune.ShardInputs;
import org.regbert.genome.ReferenceGenome;
import org.regbert.shards.NpyArray;
import org.regbert.shards.TokenShard;

/** Regions and tiles on real chr20 with a real (tiny) model: scores, bedGraph, tabix, embeddings. */
class RegionScoreTest {
    private static final long FROM = 30_000_000L;
    private static final long TO = 30_060_000L;

    @TempDir
    Path tmp;

    @BeforeAll
    static void model() throws IOException {
        RealModel.dir();
    }

    private static String[] base(Path output, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("--model", RealModel.model().toString(), "--reference",
                StageRuns.chr20().toString(), "--peaks", StageRuns.dhs() + ":DHS", "--contig-alias", "chr20=20",
                "--threads", "2", "--output", output.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** bedGraph values by window start (track line skipped). */
    private static Map<Long, Float> values(Path bedGraph) throws IOException {
        Map<Long, Float> values = new HashMap<>();
        List<String> lines = Files.readAllLines(bedGraph);
        assertTrue(lines.get(0).startsWith("track type=bedGraph name=\"regbert promoter\""), lines.get(0));
        long previous = -1;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            assertEquals(4, f.length, line);
            assertEquals("20", f[0]);
            long start = Long.parseLong(f[1]);
            assertTrue(start > previous, "sorted, one line per window: " + line);
            assertTrue(Long.parseLong(f[2]) > start);
            previous = start;
            values.put(start, Float.parseFloat(f[3]));
        }
        return values;
    }

    @Test
    void tiledScoresEqualTheModelsPredictionsOnTheShardWindows() throws Exception {
        assertScoresEqualShardPredictions(RealModel.model());
    }

    @Test
    void aModelWithThePeaksTaskFeatureGetsItComputedAsFinetuneDoes() throws Exception {
        assertScoresEqualShardPredictions(RealModel.featureModel());
        StageRuns.Run run = StageRuns.score("--model", RealModel.featureModel().toString(), "--reference",
                StageRuns.chr20().toString(), "--tile", "20:30000000-30001000", "--output",
                tmp.resolve("f/x.bedGraph").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("pass --peaks FILE[:CELL] to compute it"), run.stderr());
    }

    /**
     * The signal model's scores equal its predictions on the aligned shards: score reads the bigWig as
     * align did (per-token means, float16, asinh of the window mean, has-data flag), windows without data
     * and beyond float16 included. Without --signal it is refused, naming the option and columns.
     */
    @Test
    void aModelWithBigWigSignalFeaturesGetsThemFromTheBigWigAsAlignRead() throws Exception {
        assertScoresEqualShardPredictions(RealModel.signalModel(), RealModel.signalShards(), "--signal",
                RealModel.signalBigWig() + ":DHS");
        // base() names the plain model: the signal model instead
        List<String> args = new ArrayList<>(List.of(base(tmp.resolve("s/x.bedGraph"), "--tile", "20:30000000-30001000")));
        args.set(1, RealModel.signalModel().toString());
        StageRuns.Run run = StageRuns.score(args.toArray(String[]::new));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("pass --signal FILE.bw:TRACK for each of its columns [signal]"), run.stderr());
        assertFalse(Files.exists(tmp.resolve("s/x.bedGraph")), "nothing written");
        // a track named for a mark fills another column than the model reads
        args.addAll(List.of("--signal", RealModel.signalBigWig() + ":DHS.H3K27ac"));
        run = StageRuns.score(args.toArray(String[]::new));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("fill columns [signal:H3K27ac], the model reads [signal]"), run.stderr());
        // a model without signal features refuses the option rather than ignore it
        run = StageRuns.score(base(tmp.resolve("p/x.bedGraph"), "--tile", "20:30000000-30001000", "--signal",
                RealModel.signalBigWig() + ":DHS"));
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("--signal: this model reads no bigWig signal"), run.stderr());
    }

    /**
     * EBERT pre-trained and fine-tuned on quantised signal ('signal_states', align --signal-levels 4):
     * score levels the bigWig's per-token means with the cut points the model keeps, so its scores equal
     * the model's predictions on the aligned shards' states, whose windows include ones without data
     * (state 0) and with means beyond float16. Peaks are refused for such a model, naming --signal.
     */
    @Test
    void aModelOnQuantisedSignalStatesGetsThemFromTheBigWigWithTheTrainingCuts() throws Exception {
        Path model = RealModel.signalStatesModel();
        assertScoresEqualShardPredictions(model, RealModel.signalStatesShards(), false, "--signal",
                RealModel.signalBigWig() + ":DHS");
        try (FinetunedModel loaded = FinetunedModel.load(model)) {
            assertEquals("signal_states", loaded.spec().stateArray());
            assertEquals(List.of("none", "Q1", "Q2", "Q3", "Q4"), loaded.vocabularies().states());
            // The model keeps the cut points align stored in the shards it was trained on.
            try (TokenShard shard = TokenShard.open(org.regbert.shards.ShardSet.list(
                    RealModel.signalStatesShards()).get(0))) {
                float[] stored = new float[3];
                shard.array("signal_level_cuts").copyFloats(0, stored, 3);
                assertArrayEquals(stored, loaded.vocabularies().stateLevelCuts().get("DHS"));
            }
            // The scored range's states are not all alike: no data (0) and several levels occur.
            java.util.Set<Integer> levels = new java.util.TreeSet<>();
            for (java.nio.file.Path file : org.regbert.shards.ShardSet.list(RealModel.signalStatesShards())) {
                try (TokenShard shard = TokenShard.open(file)) {
                    NpyArray states = shard.array("signal_states");
                    int tokens = (int) states.shape()[2];
                    for (int r = 0; r < shard.windows(); r++) {
                        long at = shard.array("start").getLong(r);
                        for (int j = 0; at >= FROM && at + 131 <= TO && j < tokens; j++) {
                            levels.add(states.getByte((long) r * tokens + j) & 0xFF);
                        }
                    }
                }
            }
            assertTrue(levels.contains(0) && levels.size() >= 4, "levels in the scored range: " + levels);
            // Shards levelled from another bigWig (a ramp: bin b of 50 bases has value b, so its quartiles are
            // nowhere near the model's 0-18 values) have other cut points: fine-tuning the model on them is refused.
            Path ramp = tmp.resolve("ramp.bw");
            try (org.regbert.bigfiles.BigWigWriter w = org.regbert.bigfiles.BigWigWriter.create(ramp,
                    Map.of("chr20", 63_025_520L))) {
                for (long at = RealModel.START; at < RealModel.START + 100_000; at += 50) {
                    w.add("chr20", at, at + 50, (at - RealModel.START) / 50f);
                }
            }
            Path other = tmp.resolve("other-cuts");
            StageRuns.Run aligned = StageRuns.run(new org.regbert.align.AlignCommand(), "--shards",
                    RealModel.dir().resolve("tokens").toString(), "--labels", "promoter=" + StageRuns.kitData()
                            .resolve("chromhmm/coords-hg19/RefSeqTSS.hg19.bed.gz"), "--signal", ramp + ":DHS",
                    "--signal-levels", "4", "--contig-alias", "chr20=20", "--skip-missing-contigs", "--valid",
                    "20:31000000-31250000", "--test", "20:31250000-31500000", "--quiet", "--output", other.toString());
            assertEquals(0, aligned.exitCode(), aligned.stderr());
            StageRuns.Run refused = StageRuns.run(new org.regbert.finetune.FinetuneCommand(), "--checkpoint",
                    RealModel.dir().resolve("pt-signal-states").toString(), "--shards", other.toString(), "--task",
                    "promoter", "--max-steps", "1", "--device", "cpu", "--quiet", "--output",
                    tmp.resolve("ft-other").toString());
            assertEquals(2, refused.exitCode(), refused.stderr());
            assertTrue(refused.stderr().contains("were cut at other points than the model's"), refused.stderr());
        }
        StageRuns.Run run = StageRuns.score("--model", model.toString(), "--reference", StageRuns.chr20().toString(), "--peaks",
                StageRuns.dhs() + ":DHS", "--contig-alias", "chr20=20", "--tile", "20:30000000-30001000", "--output",
                tmp.resolve("ss/x.bedGraph").toString());
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("--peaks: the model was trained on quantised bigWig signal"), run.stderr());
    }

    private void assertScoresEqualShardPredictions(Path modelDir) throws Exception {
        assertScoresEqualShardPredictions(modelDir, RealModel.shards());
    }

    private void assertScoresEqualShardPredictions(Path modelDir, Path shards, String... more) throws Exception {
        assertScoresEqualShardPredictions(modelDir, shards, true, more);
    }

    private void assertScoresEqualShardPredictions(Path modelDir, Path shards, boolean peaks, String... more)
            throws Exception {
        Path out = tmp.resolve(modelDir.getFileName() + "/tiles.bedGraph");
        List<String> args = new ArrayList<>(List.of(base(out, "--tile", "20:" + FROM + "-" + TO, "--batch-size", "16")));
        if (!peaks) {
            int at = args.indexOf("--peaks");
            args.subList(at, at + 2).clear();
        }
        args.addAll(List.of(more));
        args.set(1, modelDir.toString());
        StageRuns.Run run = StageRuns.score(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.stderr());
        Map<Long, Float> scored = values(out);
        try (FinetunedModel model = FinetunedModel.load(modelDir);
                ShardInputs inputs = new ShardInputs(shards, model.spec(), model.encoder());
                Predictor<InputBatch, float[][]> predictor = model.newPredictor();
                ReferenceGenome genome = ReferenceGenome.open(StageRuns.chr20())) {
            ReferenceWindows windows = new ReferenceWindows(genome, 6, true, model.spec().windowTokens(), 0.05);
            List<int[]> rows = new ArrayList<>();
            List<Long> starts = new ArrayList<>();
            for (int s = 0; s < inputs.shards(); s++) {
                TokenShard shard = inputs.shard(s);
                NpyArray start = shard.array("start");
                for (int r = 0; r < shard.windows(); r++) {
                    long at = start.getLong(r);
                    if (at >= FROM && at + windows.windowBases() <= TO) {
                        rows.add(new int[] {s, r});
                        starts.add(at);
                        // Tokenization is tokenize's: the same ids as the shard's row.
                        int[] mine = new int[windows.windowTokens()];
                        assertTrue(windows.tokenize(genome.fetch("20", at, at + windows.windowBases()), mine, 0));
                        int[] theirs = new int[windows.windowTokens()];
                        for (int j = 0; j < theirs.length; j++) {
                            theirs[j] = shard.tokens().getUnsignedShort((long) r * theirs.length + j);
                        }
                        assertArrayEquals(theirs, mine, "tokens of the window at " + at);
                    }
                }
            }
            assertTrue(rows.size() > 400, "shard windows in the range: " + rows.size());
            int n = rows.size();
            String[] cells = new String[n];
            java.util.Arrays.fill(cells, "DHS");
            float[][] expected = predictor.predict(inputs.fill(rows.stream().mapToInt(r -> r[0]).toArray(),
                    rows.stream().mapToInt(r -> r[1]).toArray(), cells, n));
            float lo = 1;
            float hi = 0;
            for (int i = 0; i < n; i++) {
                Float value = scored.get(starts.get(i));
                assertNotNull(value, "no bedGraph line for the shard window at " + starts.get(i));
                assertEquals(expected[i][0], value, 2e-6, "window at " + starts.get(i));
                lo = Math.min(lo, value);
                hi = Math.max(hi, value);
            }
            assertTrue(hi > lo, "scores vary with the sequence and states");
        }
    }

    @Test
    void bedRegionsAreCentredSortedDeterministicAndIndexed() throws Exception {
        Path bed = tmp.resolve("regions.bed");
        // Out of order, one short (centred window), one long (tiled + a last window to its end), one duplicate.
        Files.writeString(bed, "chr20\t30040000\t30040010\tshort\nchr20\t30001000\t30001600\tlong\n"
                + "chr20\t30040000\t30040010\tagain\n");
        Path a = tmp.resolve("a/regions.bedGraph");
        Path b = tmp.resolve("b/regions.bedGraph");
        StageRuns.Run run = StageRuns.score(base(a, "--regions", bed.toString(), "--quiet"));
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(0, StageRuns.score(base(b, "--regions", bed.toString(), "--quiet")).exitCode());
        assertEquals(-1, Files.mismatch(a, b), "same input, byte-identical output");
        List<String> lines = Files.readAllLines(a);
        // 600 bases: windows at +0, +126, +252, +378, then one ending at 30001600; the 10-base region: one window.
        assertEquals(List.of("30001000", "30001126", "30001252", "30001378", "30001469", "30039939"),
                lines.subList(1, lines.size()).stream().map(l -> l.split("\t")[1]).toList());
        assertEquals("30040070", lines.get(lines.size() - 1).split("\t")[2], "centred: 10 bases inside 131");
        assertTrue(lines.get(1).split("\t")[2].equals("30001126"), "a line ends where the next window starts");
        var summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                tmp.resolve("a/regions.score-summary.json").toFile());
        assertEquals(6, summary.get("windowsScored").asInt());
        assertTrue(summary.get("windowsPerSecond").asDouble() > 0);

        Path gz = tmp.resolve("c/regions.bedGraph.gz");
        Path npz = tmp.resolve("c/regions.npz");
        run = StageRuns.score(base(gz, "--regions", bed.toString(), "--bgzip", "--embeddings", npz.toString(), "-q"));
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(Files.exists(Path.of(gz + ".tbi")));
        List<String> hits = new ArrayList<>();
        TabixReader tabix = new TabixReader(gz.toString());
        TabixReader.Iterator it = tabix.query("20", 30001200, 30001300);
        for (String line = it.next(); line != null; line = it.next()) {
            hits.add(line);
        }
        tabix.close();
        assertEquals(List.of(lines.get(2), lines.get(3)), hits, "tabix finds the windows overlapping the query");

        Process python = new ProcessBuilder("/usr/bin/python3", "-c", "import numpy as np, sys;"
                + " z = np.load(sys.argv[1]); e = z['embeddings'];"
                + " print(e.shape[0], e.shape[1], e.dtype, z['contig'][0], z['start'][0], z['end'][5],"
                + " bool(np.isfinite(e).all()))", npz.toString()).redirectErrorStream(true).start();
        assertTrue(python.waitFor(60, TimeUnit.SECONDS));
        String printed = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, python.exitValue(), printed);
        assertEquals("6 64 float32 20 30001000 30040070 True", printed);
    }

    @Test
    void excludedWindowsAreLeftOutAndCounted() throws Exception {
        Path all = tmp.resolve("all/tile.bedGraph");
        assertEquals(0, StageRuns.score(base(all, "--tile", "20:30000000-30003000", "--quiet")).exitCode());
        Map<Long, Float> every = values(all);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        long windowBases = json.readTree(tmp.resolve("all/tile.score-summary.json").toFile()).path("windowBases")
                .asLong();
        // A one-base blacklist region: every window holding base 30,001,000 goes; chr9 is not in the reference.
        Path blacklist = Files.writeString(tmp.resolve("blacklist.bed"), "chr20\t30001000\t30001001\nchr9\t0\t10\n");
        Path out = tmp.resolve("excluded/tile.bedGraph");
        StageRuns.Run run = StageRuns.score(base(out, "--tile", "20:30000000-30003000", "--exclude",
                blacklist.toString(), "--quiet"));
        assertEquals(0, run.exitCode(), run.stderr());
        Map<Long, Float> expected = new HashMap<>(every);
        expected.keySet().removeIf(start -> start <= 30_001_000L && 30_001_000L < start + windowBases);
        assertTrue(expected.size() < every.size(), "the region lies in a window");
        assertEquals(expected, values(out), "the other windows keep their scores");
        com.fasterxml.jackson.databind.JsonNode summary = json.readTree(
                tmp.resolve("excluded/tile.score-summary.json").toFile());
        assertEquals(every.size() - expected.size(), summary.path("skipped").path("excluded").asLong(),
                summary.toString());
        assertEquals(1, summary.path("exclude").path("linesSkippedOnMissingContigs").path("chr9").asLong());
    }

    @Test
    void withoutStatesEveryTokenGetsStateZeroAndAWarning() throws Exception {
        Path out = tmp.resolve("nostates.bedGraph");
        StageRuns.Run run = StageRuns.score("--model", RealModel.model().toString(), "--reference",
                StageRuns.chr20().toString(), "--tile", "20:30000000-30001000", "--output", out.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("every token gets state 0"), run.stderr());
    }

    @Test
    void badInputExitsTwoNamingFileAndLineAndWritesNothing() throws Exception {
        Path bed = tmp.resolve("bad.bed");
        Files.writeString(bed, "chr20\t30000000\t30000100\nchr20\tten\t30000200\n");
        Path out = tmp.resolve("out/bad.bedGraph");
        StageRuns.Run run = StageRuns.score(base(out, "--regions", bed.toString()));
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains(bed + ":2:"), run.stderr());
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(tmp.resolve("out")), "no half-written output folder");

        run = StageRuns.score("--model", tmp.toString(), "--reference", StageRuns.chr20().toString(), "--tile", "20",
                "--output", out.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("is not a fine-tuned model"), run.stderr());

        run = StageRuns.score(base(out, "--tile", "20:30000000-30001000", "--vcf", bed.toString()));
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("one mode"), run.stderr());
    }
}
