package org.regbert.bigfiles;

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
 * Runs a Python script with Debian's python3 and pyBigWig (apt-get install python3-pybigwig), the
 * independent bigWig/bigBed implementation (libBigWig) these tests check against, and reads the
 * JSON it prints. A missing package fails the test; it is never skipped.
 */
public final class Python {
    private Python() {
    }

    public static JsonNode run(String script, Path... files) throws IOException, InterruptedException {
        Path file = Files.createTempFile("regbert-bigfiles-", ".py");
        try {
            Files.writeString(file, script, StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of("/usr/bin/python3", file.toString()));
            for (Path f : files) {
                command.add(f.toString());
            }
            Process process = new ProcessBuilder(command).start();
            byte[] out = process.getInputStream().readAllBytes();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.waitFor(), "/usr/bin/python3 with numpy and pyBigWig (apt-get install"
                    + " python3-pybigwig) must run: " + err);
            String text = new String(out, StandardCharsets.UTF_8);
            // libBigWig prints some warnings to stdout: the JSON is the last line.
            String last = text.strip().substring(text.strip().lastIndexOf('\n') + 1);
            try {
                return new ObjectMapper().readTree(last);
            } catch (IOException e) {
                throw new AssertionError("the script printed no JSON: " + text + err, e);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
