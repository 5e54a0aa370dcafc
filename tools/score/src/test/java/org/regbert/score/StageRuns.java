package org.regbert.score;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.regbert.common.StageCli;
import picocli.CommandLine;

/** In-process runs of stage commands with the stage contract, capturing stderr. */
final class StageRuns {
    private StageRuns() {
    }

    record Run(int exitCode, String stderr) {
    }

    static Path kitData() {
        return Path.of(System.getProperty("regbert.data", "../../../shared/data"));
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
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream previous = System.err;
        PrintStream tee = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                err.write(b);
                previous.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                err.write(b, off, len);
                previous.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
        System.setErr(tee);
        try {
            CommandLine commandLine = StageCli.configure(new CommandLine(command));
            commandLine.setErr(new PrintWriter(tee, true));
            return new Run(commandLine.execute(args), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(previous);
        }
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
