package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.regbert.finetune.Stages.args;
import static org.regbert.finetune.Stages.ok;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.regbert.common.FileTrees;
import org.regbert.pretrain.PretrainingWindows;
import org.regbert.common.TestTrees;

/**
 * The leakage-guard fixture, made once per JVM with the real stages: hg19 chr20:50,000,000-50,050,000
 * in 126-token windows of 6-mers, stride 126 tokens, so window i covers [50,000,000 + 126 i, + 131),
 * i = 0..395. Every expected count below is worked by hand from that tiling.
 *
 * <ul>
 * <li>{@link #labelled()}: DHS labels and accessibility, validation [50,000,000, 50,010,000) (windows
 *     0..79: 126 * 79 = 9,954 < 10,000), test [50,040,000, 50,050,000) (windows 317..395: 126 * 317 +
 *     131 = 40,073 > 40,000, window 316 ends at 39,947): 79 test windows, training windows 80..316.
 * <li>{@link #clean()}: pre-trained on {@link #labelled()}: interval [50,010,080, 50,039,947), which the
 *     first test window [50,039,942, 50,040,073) shares 5 bases with (k - 1: no whole 6-mer): no overlap.
 * <li>{@link #shifted()}: pre-trained on the same windows aligned with test [50,045,000, 50,050,000)
 *     instead (windows 357..395), so it trained on windows 80..356: [50,010,080, 50,044,987). Test
 *     windows 317..356 lie in it (window 356 = [50,044,856, 50,044,987) whole; window 357 starts at
 *     50,044,982 and shares 5 bases, not counted): 40 windows, whose union [50,039,942, 50,044,987)
 *     is 5,045 bp.
 * <li>{@link #unrecorded()}: {@link #clean()} with its record deleted, as a checkpoint of an older regbert.
 * </ul>
 */
public final class LeakageShards {
    public static final int TEST_WINDOWS = 79;
    public static final int SHIFTED_OVERLAP = 40;
    public static final int SHIFTED_OVERLAP_BP = 5_045;
    public static final String FIRST_TEST_WINDOW = "20:50039942-50040073";
    public static final String SHIFTED_INTERVAL = "20:50010080-50044987";
    private static Path root;
    private static Path tokens;
    private static Path labelled;
    private static Path clean;
    private static Path shifted;
    private static Path unrecorded;

    private LeakageShards() {
    }

    private static synchronized Path tokens() throws IOException {
        if (tokens == null) {
            root = Stages.tempDir("regbert-leakage-");
            Path bed = root.resolve("slice.bed");
            Files.writeString(bed, "20\t50000000\t50050000\n");
            tokens = root.resolve("tokens");
            ok(Stages.tokenize(args("--reference", Stages.chr20(), "--regions", bed, "--kmer", 6, "--window", 126,
                    "--stride", 126, "--quiet", "--output", tokens)));
        }
        return tokens;
    }

    private static Path align(String name, String test, boolean labels) throws IOException {
        Path out = root.resolve(name);
        String dhs = Stages.kitData().resolve("accessibility/uw-dhs-master.hg19.bed.gz").toString();
        ok(Stages.align(labels
                ? args("--shards", tokens(), "--labels", "dhs=" + dhs, "--peaks", dhs + ":DHS", "--contig-alias",
                        "chr20=20", "--skip-missing-contigs", "--valid", "20:50000000-50010000", "--test", test,
                        "--quiet", "--output", out)
                : args("--shards", tokens(), "--peaks", dhs + ":DHS", "--contig-alias", "chr20=20",
                        "--skip-missing-contigs", "--valid", "20:50000000-50010000", "--test", test, "--quiet",
                        "--output", out)));
        return out;
    }

    private static Path pretrain(String name, Path shards) throws IOException {
        Path out = root.resolve(name);
        ok(Stages.pretrain(args("--shards", shards, "--model", "ebert", "--preset", "tiny", "--steps", 2,
                "--batch-size", 4, "--device", "cpu", "--quiet", "--output", out)));
        return out;
    }

    /** DHS labels, validation 50.00-50.01 Mb, test 50.04-50.05 Mb: what every model here fine-tunes on. */
    public static synchronized Path labelled() throws IOException {
        if (labelled == null) {
            tokens();
            labelled = align("labelled", "20:50040000-50050000", true);
        }
        return labelled;
    }

    /** Pre-trained on {@link #labelled()}, whose test windows it excluded. */
    public static synchronized Path clean() throws IOException {
        if (clean == null) {
            clean = pretrain("clean", labelled());
        }
        return clean;
    }

    /** Pre-trained on shards with a narrower test holdout: 40 of the 79 test windows seen. */
    public static synchronized Path shifted() throws IOException {
        if (shifted == null) {
            tokens();
            shifted = pretrain("shifted", align("shifted-shards", "20:50045000-50050000", false));
        }
        return shifted;
    }

    /** {@link #clean()} without its record of training windows (a checkpoint of an older regbert). */
    public static synchronized Path unrecorded() throws IOException {
        if (unrecorded == null) {
            Path copy = root.resolve("unrecorded");
            copyTree(clean(), copy);
            try (Stream<Path> files = Files.walk(copy)) {
                for (Path f : files.filter(f -> f.getFileName().toString().equals(PretrainingWindows.FILE)).toList()) {
                    Files.delete(f);
                }
            }
            unrecorded = copy;
        }
        return unrecorded;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        FileTrees.delete(to);
        TestTrees.copy(from, to);
    }

    /** The tiling the expected counts are derived from: 396 windows. */
    static long windows() throws IOException {
        long n = 0;
        for (Path file : org.regbert.shards.ShardSet.list(labelled())) {
            try (org.regbert.shards.TokenShard shard = org.regbert.shards.TokenShard.open(file)) {
                n += shard.windows();
            }
        }
        assertEquals(396, n, "the tiling the expected counts are derived from");
        return n;
    }
}
