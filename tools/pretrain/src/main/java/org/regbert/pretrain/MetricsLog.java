package org.regbert.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.jsonl}: one JSON object per line, {@code "type": "train"} for every optimiser
 * step and {@code "type": "eval"} for every held-out evaluation. A resumed run first drops the
 * lines after its checkpoint, so the file reads as one uninterrupted run.
 */
public final class MetricsLog implements AutoCloseable {
    static final String FILE = "metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter out;
    private final List<JsonNode> records = new ArrayList<>();

    public MetricsLog(Path output, long keepUpToStep) {
        Path file = output.resolve(FILE);
        try {
            List<String> kept = new ArrayList<>();
            if (keepUpToStep > 0) {
                records.addAll(read(output, keepUpToStep));
                for (JsonNode node : records) {
                    kept.add(JSON.writeValueAsString(node));
                }
            }
            Files.write(file, kept, StandardCharsets.UTF_8);
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The records of steps up to {@code upToStep} in the output's file (none when there is none). */
    static List<JsonNode> read(Path output, long upToStep) throws IOException {
        Path file = output.resolve(FILE);
        List<JsonNode> read = new ArrayList<>();
        if (!Files.exists(file)) {
            return read;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                continue; // a line cut short by the kill
            }
            if (node.path("step").asLong() <= upToStep) {
                read.add(node);
            }
        }
        return read;
    }

    public void write(Map<String, Object> record) {
        try {
            JsonNode node = JSON.valueToTree(record);
            records.add(node);
            out.write(JSON.writeValueAsString(node));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + FILE, e);
        }
    }

    public List<JsonNode> records() {
        return records;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
