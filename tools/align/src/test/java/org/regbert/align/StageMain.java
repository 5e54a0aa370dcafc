package org.regbert.align;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.regbert.common.StageCli;
import org.regbert.tokenize.TokenizeCommand;

/** {@code StageMain tokenize|align ARGS}: a stage in a JVM of its own, for tests that set its environment. */
public final class StageMain {
    private StageMain() {
    }

    /**
     * Starts {@code StageMain ARGS} in a JVM of its own with this test's class path, in FOLDER, with
     * SOURCE_DATE_EPOCH fixed (so the same inputs give the same bytes), stderr merged into stdout.
     */
    static Process start(Path folder, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), StageMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true);
        builder.environment().put("SOURCE_DATE_EPOCH", "1700000000");
        return builder.start();
    }

    public static void main(String[] args) {
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        Object command = switch (args[0]) {
            case "tokenize" -> new TokenizeCommand();
            case "align" -> new AlignCommand();
            default -> throw new IllegalArgumentException("unknown stage " + args[0]);
        };
        System.exit(StageCli.run(command, rest));
    }
}
