package org.regbert.serve;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A fresh service root and an edited copy of the shipped routes/pipeline.camel.yaml, the way a lab
 * would edit it (no Java): labels aligned are fine-tuned from scratch (a freshly initialised encoder),
 * without waiting for a pre-trained model. The service runs the copy (camel.main.routes-include-pattern).
 */
public class EditedRoutesResource implements QuarkusTestResourceLifecycleManager {
    /** The shipped rule: fine-tune once the reference has a pre-trained model, from that model. */
    static final String SHIPPED_RULE = "\"${header.regbertStage} in 'align,pretrain' && ${header.hasPretrained} == true\"";
    static final String EDITED_RULE = "\"${header.regbertStage} == 'align' && ${header.regbertKind} == 'labels'\"";
    static final String SHIPPED_BASE = "constant: pretrained";
    static final String EDITED_BASE = "constant: scratch";
    static Path root;
    private Path scratch;

    @Override
    public Map<String, String> start() {
        try {
            scratch = Files.createTempDirectory("regbert-edited-routes-test");
            root = scratch.resolve("root");
            String shipped;
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("routes/pipeline.camel.yaml")) {
                shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Path edited = scratch.resolve("pipeline.camel.yaml");
            Files.writeString(edited, replaceOnce(replaceOnce(shipped, SHIPPED_RULE, EDITED_RULE), SHIPPED_BASE,
                    EDITED_BASE), StandardCharsets.UTF_8);
            Map<String, String> config = shortStages(root);
            config.put("camel.main.routes-include-pattern", "file:" + edited);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A service on ROOT whose inbox answers quickly and whose model stages run for real, but a few steps each. */
    static Map<String, String> shortStages(Path root) {
        Map<String, String> config = new HashMap<>();
        config.put("regbert.serve.root", root.toString());
        config.put("regbert.serve.read-lock-interval-ms", "1000");
        config.put("regbert.serve.poll-ms", "250");
        config.put("regbert.serve.retry-delay-ms", "200");
        config.put("regbert.serve.tokenize-args", "--kmer=6,--window=510,--threads=1");
        config.put("regbert.serve.pretrain-steps", "4");
        config.put("regbert.serve.finetune-max-steps", "4");
        config.put("regbert.serve.evaluate-bootstrap", "20");
        return config;
    }

    /** The edit must hit exactly one place of the shipped file, or the test would run something else. */
    static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) {
            throw new IllegalStateException("routes/pipeline.camel.yaml must hold exactly one " + from);
        }
        return text.substring(0, at) + to + text.substring(at + from.length());
    }

    @Override
    public void stop() {
        if (scratch != null) {
            try (Stream<Path> files = Files.walk(scratch)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // temporary folder
            }
        }
    }
}
