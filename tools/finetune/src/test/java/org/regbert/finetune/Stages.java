package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.regbert.align.AlignCommand;
import org.regbert.common.KitData;
import org.regbert.common.StageCli;
import org.regbert.pretrain.PretrainCommand;
import org.regbert.tokenize.TokenizeCommand;

/** Runs the real stage commands in-process, as {@code ./regbert <stage>} would, capturing stderr. */
public final class Stages {
    private Stages() {
    }

    public record Run(int exitCode, String stderr) {
    }

    public static Path kitData() {
        return KitData.root();
    }

    public static Path chr20() {
        return kitData().resolve("genome/hg19.chr20.fa.gz");
    }

    public static Run tokenize(String... args) {
        return run(new TokenizeCommand(), args);
    }

    public static Run align(String... args) {
        return run(new AlignCommand(), args);
    }

    public static Run pretrain(String... args) {
        return run(new PretrainCommand(), args);
    }

    public static Run finetune(String... args) {
        return run(new FinetuneCommand(), args);
    }

    /** Runs a stage and fails the test unless it exits 0. */
    public static void ok(Run run) {
        assertEquals(0, run.exitCode(), run.stderr());
    }

    public static Run run(Object command, String... args) {
        StageCli.Outcome outcome = StageCli.runCapturing(command, args);
        return new Run(outcome.exitCode(), outcome.stderr());
    }

    /** A temporary directory removed when the JVM exits. */
    public static Path tempDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                RunFiles.deleteTree(dir);
            } catch (IOException ignored) {
                // best effort
            }
        }));
        return dir;
    }

    public static String[] args(Object... parts) {
        List<String> out = new ArrayList<>();
        for (Object p : parts) {
            out.add(p.toString());
        }
        return out.toArray(String[]::new);
    }
}
