package org.regbert.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a Python script with Debian's python3 (numpy, scikit-learn: apt-get install python3-sklearn)
 * and reads the JSON it prints: the independent implementation the solvers are checked against.
 * A missing Python fails the test; it is never skipped.
 */
final class Python {
    private Python() {
    }

    /** Runs {@code script} with the paths of {@code files} as its arguments. */
    static JsonNode run(String script, Path... files) throws IOException, InterruptedException {
        Path file = Files.createTempFile("regbert-baselines-", ".py");
        try {
            Files.writeString(file, script, StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of("/usr/bin/python3", file.toString()));
            for (Path f : files) {
                command.add(f.toString());
            }
            Process process = new ProcessBuilder(command).start();
            byte[] out = process.getInputStream().readAllBytes();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.waitFor(), "/usr/bin/python3 with numpy and scikit-learn (apt-get install"
                    + " python3-sklearn) must run the reference fit: " + err);
            return new ObjectMapper().readTree(out);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
