package org.regbert.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.KillRerun;
import org.regbert.genome.ReferenceGenome;

/**
 * score killed with SIGKILL at a seeded random moment and once while it writes its staging folder,
 * then run again into the same folder without --overwrite: the rerun is not blocked by what the
 * killed run left (its lock file, its staging folder in the output folder), removes the staging
 * folder, and writes the same bytes as an uninterrupted run. Two runs of {@link RealModel}: regions
 * (two 50-kb intervals of chr20) to a bgzipped bedGraph with its tabix index, and 300 SNPs of chr20
 * (REF from the reference) to a bgzipped VCF with its index. The summaries are compared as JSON
 * without their timing keys (seconds, modelSeconds, windowsPerSecond, variantsPerSecond); every
 * other file byte for byte. Each run is a JVM of its own.
 */
class ScoreKillRerunTest {
    private static final List<String> TIMINGS = List.of("seconds", "modelSeconds", "windowsPerSecond",
            "variantsPerSecond");

    @TempDir
    Path dir;

    @Test
    void killedRegionScoringRerunsToTheBytesOfAnUninterruptedRun() throws Exception {
        Path bed = Files.writeString(dir.resolve("regions.bed"),
                "20\t30000000\t30050000\n20\t30500000\t30550000\n");
        killRerunCompare(out -> args("--regions", bed.toString(), "--bgzip", "--output",
                out.resolve("scored.bedGraph.gz").toString()), "scored.score-summary.json", 11);
    }

    @Test
    void killedVariantScoringRerunsToTheBytesOfAnUninterruptedRun() throws Exception {
        StringBuilder vcf = new StringBuilder("##fileformat=VCFv4.2\n##contig=<ID=20,length=63025520>\n"
                + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
        try (ReferenceGenome genome = ReferenceGenome.open(StageRuns.chr20())) {
            for (long start = 30_000_000L; start < 30_300_000L; start += 1_000) {
                char ref = Character.toUpperCase((char) genome.fetch("20", start, start + 1)[0]);
                char alt = "ACGT".indexOf(ref) < 0 ? 'A' : "CGTA".charAt("ACGT".indexOf(ref));
                vcf.append("20\t").append(start + 1).append("\t.\t").append(ref).append('\t').append(alt)
                        .append("\t.\t.\t.\n");
            }
        }
        Path input = Files.writeString(dir.resolve("snps.vcf"), vcf, StandardCharsets.US_ASCII);
        killRerunCompare(out -> args("--vcf", input.toString(), "--output", out.resolve("snps.vcf.gz").toString()), "snps.score-summary.json",
                13);
    }

    private static List<String> args(String... more) {
        try {
            List<String> all = new ArrayList<>(List.of("--model", RealModel.model().toString(), "--reference",
                    StageRuns.chr20().toString(), "--threads", "2", "--quiet"));
            all.addAll(List.of(more));
            return all;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * An uninterrupted run into reference/, then two killed-and-rerun runs into killed-N/, compared. SUMMARY
     * (the file score moves into place last) found after a random kill means the kill came after the
     * commit, before the JVM ended: the output is whole and a rerun would rightly refuse it.
     */
    private void killRerunCompare(Function<Path, List<String>> args, String summary, long seed) throws Exception {
        KillRerun stage = new KillRerun(dir, ScoreCommand.class);
        Path reference = dir.resolve("reference");
        long millis = stage.run(args.apply(reference));
        Random random = new Random(seed);
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("killed-" + i);
            // Kill 0 at a random moment of the run; kill 1 once the staging folder exists, so one kill
            // surely lands while the output is written.
            long delay = i == 0 ? (long) (millis * (0.3 + 0.65 * random.nextDouble())) : random.nextInt(200);
            KillRerun.Kill kill = i == 0 ? stage.killAndRerun(args.apply(out), delay, out, out.resolve(summary))
                    : stage.killWhileStagingAndRerun(args.apply(out), delay, out, out.resolve(summary));
            System.out.println("ScoreKillRerunTest: kill " + i + " at " + delay + " ms" + (i == 0 ? "" : " of staging")
                    + " (run " + millis + " ms): killed " + kill.killed() + ", left " + kill.leftBehind());
            assertTrue(kill.leftBehind().stream().allMatch(n -> n.startsWith(".regbert-staging-")),
                    kill.leftBehind().toString());
            if (i == 1) {
                assertTrue(kill.killed() && !kill.leftBehind().isEmpty(), "killed while writing: " + kill);
            }
            assertSameOutput(reference, out, "killed at " + delay + " ms");
            if (!kill.afterPublishing()) { // (a kill after the last move may leave the emptied staging folder)
                assertEquals(List.of(), KillRerun.leftovers(out), "no staging folder left in " + out);
            }
        }
    }

    private static void assertSameOutput(Path expected, Path actual, String when) throws Exception {
        List<String> names = KillRerun.files(expected);
        assertEquals(names, KillRerun.files(actual), actual + " " + when);
        for (String name : names) {
            if (name.endsWith(".score-summary.json")) {
                assertEquals(withoutTimings(expected.resolve(name)), withoutTimings(actual.resolve(name)), name + " " + when);
            } else {
                assertArrayEquals(Files.readAllBytes(expected.resolve(name)), Files.readAllBytes(actual.resolve(name)),
                        name + " of " + actual + " " + when);
            }
        }
    }

    private static ObjectNode withoutTimings(Path summary) throws Exception {
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(summary.toFile());
        json.remove(TIMINGS);
        return json;
    }
}
