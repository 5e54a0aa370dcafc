package org.regbert.align;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.regbert.tokenize.TokenizeCommand;

/** {@code tokenize|align ARGS} in a JVM of its own through common's test launcher (SOURCE_DATE_EPOCH fixed, output to LOG). */
final class StageMain {
    private StageMain() {
    }

    static Process start(Path folder, Path log, String... args) throws IOException {
        Class<?> command = switch (args[0]) {
            case "tokenize" -> TokenizeCommand.class;
            case "align" -> AlignCommand.class;
            default -> throw new IllegalArgumentException("unknown stage " + args[0]);
        };
        return org.regbert.common.StageMain.start(folder, log, command, Arrays.asList(args).subList(1, args.length));
    }
}
