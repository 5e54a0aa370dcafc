package org.regbert.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged tool through the one entry point users and workflow engines call: {@code ./regbert}. */
class LauncherIT {
    @TempDir
    Path dir;

    record Result(int exitCode, String stdout, String stderr) {
    }

    static Result regbert(String... args) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("regbert.root", "../.."));
        List<String> command = new ArrayList<>(List.of(root.resolve("regbert").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("REGBERT_DATA", Fixtures.kitData().toString());
        Path err = Files.createTempFile("regbert", ".err");
        Process process = builder.redirectError(err.toFile()).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = process.waitFor();
        String stderr = Files.readString(err);
        Files.delete(err);
        return new Result(code, stdout, stderr);
    }

    @Test
    void helpExplainsEveryStageAndEveryOption() throws Exception {
        Result help = regbert("--help");
        assertEquals(0, help.exitCode(), help.stderr());
        for (String stage : List.of("tokenize", "align", "pretrain", "finetune", "evaluate", "score", "serve", "demo")) {
            assertTrue(help.stdout().contains("  " + stage + " "), stage + " listed:\n" + help.stdout());
        }
        Result tokenizeHelp = regbert("tokenize", "--help");
        assertEquals(0, tokenizeHelp.exitCode(), tokenizeHelp.stderr());
        for (String option : List.of("--reference", "--regions", "--fasta-records", "--kmer", "--window", "--stride",
                "--output", "--reverse-complement", "--max-n-fraction", "Examples:")) {
            assertTrue(tokenizeHelp.stdout().contains(option), option + " in:\n" + tokenizeHelp.stdout());
        }
    }

    @Test
    void exitCodesFollowTheContract() throws Exception {
        Result unknownStage = regbert("tokenise");
        assertEquals(2, unknownStage.exitCode());
        assertTrue(unknownStage.stderr().contains("unknown stage 'tokenise'"), unknownStage.stderr());
        Result badInput = regbert("tokenize", "--reference", dir.resolve("missing.fa").toString(), "--output",
                dir.resolve("out").toString());
        assertEquals(2, badInput.exitCode());
        assertTrue(badInput.stderr().contains("missing.fa: no such reference FASTA"), badInput.stderr());
        Result usage = regbert("tokenize", "--window");
        assertEquals(2, usage.exitCode(), usage.stderr());
    }

    @Test
    void tokenizesRegionsOfTheRealChromosomeWithAnAlias() throws Exception {
        Path bed = Files.writeString(dir.resolve("tss.bed"),
                "chr20\t30000000\t30001000\tA\t0\t+\nchr20\t45000000\t45000100\tB\t0\t-\n");
        Path out = dir.resolve("tss");
        Result run = regbert("tokenize", "--reference", Fixtures.chr20().toString(), "--regions", bed.toString(),
                "--contig-alias", "chr20=20", "--window", "200", "--stride", "100", "--output", out.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        ShardContents contents = ShardContents.read(out);
        // 1,000 bp tiled by 205-bp windows every 100 bp gives 8; the 100-bp interval gets one.
        assertEquals(9, contents.windows().size());
        assertEquals(-1, contents.windows().get(8).strand());
        assertEquals("hg19", contents.manifest().assembly());
        assertTrue(run.stderr().contains("contig alias chr20=20 used for 2 intervals"), run.stderr());
    }

}
