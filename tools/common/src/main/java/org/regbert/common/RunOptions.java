package org.regbert.common;

import picocli.CommandLine.Option;

/** Options every stage that writes an output directory shares (a picocli mixin). */
public final class RunOptions {
    @Option(names = "--overwrite", description = "Replace results already in the output directory.")
    boolean overwrite;

    @Option(names = {"-q", "--quiet"}, description = "No progress or summary on stderr.")
    boolean quiet;

    public boolean overwrite() {
        return overwrite;
    }

    public boolean quiet() {
        return quiet;
    }
}
