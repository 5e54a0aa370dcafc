package org.regbert.common;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line a stage records inside its outputs (shard manifests). The {@code --output}
 * value is replaced by {@value #OUTPUT}, so the same inputs, options and {@code SOURCE_DATE_EPOCH}
 * give byte-identical files wherever they are written; the full command, output path included,
 * goes to the run's summary json.
 */
public final class ProvenanceCommand {
    /** What stands for the output folder in a recorded command. */
    public static final String OUTPUT = "<output>";

    private ProvenanceCommand() {
    }

    /** {@code command} with the value of {@code -o}/{@code --output} (either spelling, joined or not) replaced. */
    public static List<String> withoutOutput(List<String> command) {
        List<String> out = new ArrayList<>(command.size());
        for (int i = 0; i < command.size(); i++) {
            String arg = command.get(i);
            if ((arg.equals("-o") || arg.equals("--output")) && i + 1 < command.size()) {
                out.add(arg);
                out.add(OUTPUT);
                i++;
            } else if (arg.startsWith("--output=")) {
                out.add("--output=" + OUTPUT);
            } else if (arg.startsWith("-o") && !arg.startsWith("--") && arg.length() > 2) {
                out.add("-o" + (arg.charAt(2) == '=' ? "=" : "") + OUTPUT);
            } else {
                out.add(arg);
            }
        }
        return out;
    }
}
