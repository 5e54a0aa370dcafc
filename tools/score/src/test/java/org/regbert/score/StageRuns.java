package org.regbert.score;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.regbert.common.KitData;
import org.regbert.common.StageCli;

/** In-process runs of stage commands with the stage contract, capturing stderr. */
final class StageRuns {
    private StageRuns() {
    }

    record Run(int exitCode, String stderr) {
    }

    static Path kitData() {
        return KitData.root();
    }

    static Path chr20() {
        return kitData().resolve("genome/hg19.chr20.fa.gz");
    }

    static Path dhs() {
        return kitData().resolve("accessibility/uw-dhs-master.hg19.bed.gz");
    }

    static Run score(String... args) {
        return run(new ScoreCommand(), args);
    }

    static Run run(Object command, String... args) {
        StageCli.Outcome outcome = StageCli.runCapturing(command, args);
        return new Run(outcome.exitCode(), outcome.stderr());
    }

    static void deleteOnExit(Path dir) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | UncheckedIOException ignored) {
                // best effort
            }
        }));
    }
}
