package org.regbert.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.OutputLock;
import org.regbert.finetune.Stages;

/** --output problems are refused (exit 2, one line) before any model is read, so no model is needed here. */
class EvaluateOutputTest {
    @TempDir
    Path dir;

    private Stages.Run evaluate(Path output) throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        return Stages.run(new EvaluateCommand(), "--model", "m=" + model, "--quiet", "--output", output.toString());
    }

    @Test
    void anOutputThatIsAFileIsBadInput() throws Exception {
        Path file = Files.writeString(dir.resolve("report.txt"), "kept");
        Stages.Run run = evaluate(file);
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("regbert evaluate: error: " + file + ": output path exists and is not a"
                + " directory\n"), run.stderr());
        assertFalse(run.stderr().contains("\tat "), "no stack trace: " + run.stderr());
        assertEquals("kept", Files.readString(file));
    }

    @Test
    void anOutputAnotherRunIsWritingIsRefused() throws Exception {
        Path out = dir.resolve("report");
        try (OutputLock other = OutputLock.acquire(out)) {
            Stages.Run run = evaluate(out);
            assertEquals(2, run.exitCode(), run.stderr());
            assertTrue(run.stderr().contains("regbert evaluate: error: " + out + ": another regbert run"),
                    run.stderr());
            assertFalse(Files.exists(out));
        }
    }
}
