package org.regbert.align;

import java.util.Arrays;
import org.regbert.common.StageCli;
import org.regbert.tokenize.TokenizeCommand;

/** {@code StageMain tokenize|align ARGS}: a stage in a JVM of its own, for tests that set its environment. */
public final class StageMain {
    private StageMain() {
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
