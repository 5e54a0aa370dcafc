package org.regbert.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Folder trees for tests: a copy of a stage's output (a model, shards) to alter or run again. */
public final class TestTrees {
    private TestTrees() {
    }

    /** Copies FROM and everything below it to TO (which must not exist); returns TO. */
    public static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.sorted().toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
        return to;
    }
}
