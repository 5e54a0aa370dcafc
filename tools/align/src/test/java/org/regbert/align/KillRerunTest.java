package org.regbert.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.KillRerun;
import org.regbert.tokenize.TokenizeCommand;

/**
 * tokenize and align killed with SIGKILL at random points (seeded) on the kit's whole hg19 chr20,
 * then run again into the same output without --overwrite: the rerun is not blocked by what the
 * killed run left (its lock, its staging folder) and writes the same bytes as an uninterrupted run
 * (SOURCE_DATE_EPOCH fixed; the summaries, which hold timings, aside); nothing else is left beside
 * the output. Each run is a JVM of its own ({@link KillRerun}); a kill that lands after a stage moved
 * its summary into place (its last act) leaves a whole output, and no rerun is made.
 */
class KillRerunTest {
    private static final Path CHR20 = TestShards.kitData().resolve("genome/hg19.chr20.fa.gz");
    private static final Path DHS = TestShards.kitData().resolve("accessibility/uw-dhs-master.hg19.bed.gz");

    @TempDir
    Path dir;

    @Test
    void killedTokenizeAndAlignRerunToTheBytesOfAnUninterruptedRun() throws Exception {
        Random random = new Random(17);
        KillRerun tokenize = new KillRerun(dir, TokenizeCommand.class);
        Path tokens = dir.resolve("tokens");
        long tokenizeMillis = tokenize.run(tokenizeArgs(tokens));
        for (int i = 0; i < 3; i++) {
            Path out = dir.resolve("tokens-killed-" + i);
            long delay = (long) (tokenizeMillis * (0.2 + 0.7 * random.nextDouble()));
            tokenize.killAndRerun(tokenizeArgs(out), delay, dir, out.resolve("tokenize-summary.json"));
            assertSameOutput(tokens, out);
        }
        KillRerun align = new KillRerun(dir, AlignCommand.class);
        Path aligned = dir.resolve("aligned");
        long alignMillis = align.run(alignArgs(tokens, aligned));
        for (int i = 0; i < 3; i++) {
            Path out = dir.resolve("aligned-killed-" + i);
            long delay = (long) (alignMillis * (0.2 + 0.7 * random.nextDouble()));
            align.killAndRerun(alignArgs(tokens, out), delay, dir, out.resolve("align-summary.json"));
            assertSameOutput(aligned, out);
        }
        assertEquals(List.of(), KillRerun.leftovers(dir), "only lock files beside the outputs");
    }

    private static List<String> tokenizeArgs(Path output) {
        return List.of("--reference", CHR20.toString(), "--kmer", "6", "--window", "510", "--output",
                output.toString(), "--threads", "2");
    }

    private static List<String> alignArgs(Path tokens, Path output) {
        List<String> args = new ArrayList<>(List.of("--shards", tokens.toString(), "--peaks", DHS + ":DHS",
                "--contig-alias", "chr20=20", "--skip-missing-contigs", "--threads", "2"));
        args.addAll(List.of("--output", output.toString()));
        return args;
    }

    /** The same files with the same bytes, summaries (timings, the output's own path) aside. */
    private static void assertSameOutput(Path expected, Path actual) throws IOException {
        List<String> names = KillRerun.files(expected);
        assertEquals(names, KillRerun.files(actual), actual.toString());
        assertTrue(!names.isEmpty(), "an output with files: " + expected);
        for (String name : names) {
            if (!name.endsWith("-summary.json")) {
                assertArrayEquals(Files.readAllBytes(expected.resolve(name)), Files.readAllBytes(actual.resolve(name)),
                        name + " of " + actual);
            }
        }
    }
}
