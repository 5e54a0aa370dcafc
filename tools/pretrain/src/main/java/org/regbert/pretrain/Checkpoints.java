package org.regbert.pretrain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.regbert.common.FileTrees;
import org.regbert.common.BadInputException;

/**
 * The checkpoints of a run: {@code OUTPUT/checkpoints/step-NNNNNNNN/}, each written into a hidden
 * temporary folder and renamed into place in one atomic move, then named by the one-line file
 * {@code OUTPUT/checkpoints/latest} (itself replaced atomically). A crash at any point leaves the
 * previous checkpoint intact and named.
 */
final class Checkpoints {
    static final String DIR = "checkpoints";
    static final String LATEST = "latest";
    static final String PARAMETERS = "parameters.npz";
    static final String OPTIMIZER = "optimizer.npz";
    static final String STATE = "trainer-state.json";
    static final String CONFIG = "config.json";
    static final String VOCABULARIES = "vocabularies.json";

    /** Writes one part of a checkpoint into a folder. */
    interface Writer {
        void write(Path dir) throws IOException;
    }

    private Checkpoints() {
    }

    static String name(long step) {
        return String.format(Locale.ROOT, "step-%08d", step);
    }

    /** Writes checkpoint {@code step} atomically, points {@code latest} at it and keeps the newest {@code keep}. */
    static Path write(Path output, long step, int keep, Writer writer) {
        Path dir = output.resolve(DIR);
        try {
            Files.createDirectories(dir);
            Path staging = Files.createTempDirectory(dir, ".tmp-" + name(step) + "-");
            try {
                writer.write(staging);
                Path target = dir.resolve(name(step));
                if (Files.exists(target)) {
                    deleteTree(target);
                }
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                Path pointer = Files.createTempFile(dir, ".latest-", ".tmp");
                Files.writeString(pointer, name(step) + "\n", StandardCharsets.UTF_8);
                Files.move(pointer, dir.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                prune(dir, keep, name(step));
                return target;
            } finally {
                if (Files.exists(staging)) {
                    deleteTree(staging);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + name(step) + " in " + dir, e);
        }
    }

    /**
     * Deletes what a run killed while it wrote a checkpoint left in {@code OUTPUT/checkpoints}: its
     * hidden temporary folder and pointer file. Only for the run that holds the output's claim, so no
     * other run's write is in progress.
     */
    static void removeTemporaries(Path output) throws IOException {
        Path dir = output.resolve(DIR);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".tmp-") && Files.isDirectory(entry)) {
                    deleteTree(entry);
                } else if (name.startsWith(".latest-") && name.endsWith(".tmp")) {
                    Files.deleteIfExists(entry);
                }
            }
        }
    }

    /** The newest checkpoint of a run directory, or null when it has none. */
    static Path latest(Path output) {
        Path pointer = output.resolve(DIR).resolve(LATEST);
        if (!Files.isRegularFile(pointer)) {
            return null;
        }
        try {
            String name = Files.readString(pointer, StandardCharsets.UTF_8).trim();
            Path checkpoint = output.resolve(DIR).resolve(name);
            if (!name.matches("step-\\d+") || !Files.isRegularFile(checkpoint.resolve(PARAMETERS))) {
                throw new BadInputException(pointer, "names '" + name + "', which is not a complete checkpoint");
            }
            return checkpoint;
        } catch (IOException e) {
            throw new BadInputException(pointer, -1, "cannot read: " + e.getMessage(), e);
        }
    }

    /** A checkpoint folder itself, or the latest checkpoint of a run directory. */
    static Path resolve(Path path) {
        if (Files.isRegularFile(path.resolve(PARAMETERS))) {
            return path;
        }
        if (!Files.isDirectory(path)) {
            throw new BadInputException(path, "no such checkpoint or pre-training output directory");
        }
        refuseFinetuneOutput(path);
        Path latest = latest(path);
        if (latest == null) {
            throw new BadInputException(path, "is neither a checkpoint (no " + PARAMETERS
                    + ") nor a pre-training output directory (no " + DIR + "/" + LATEST + ")");
        }
        return latest;
    }

    /**
     * A fine-tuning run folder (or its model/ or a checkpoint of it) also has checkpoints/latest, but
     * no pre-training parameters: say what it is and what to pass, instead of "not a complete
     * checkpoint". The names are finetune's (task.json, task-plan.json, model/encoder/).
     */
    private static void refuseFinetuneOutput(Path path) {
        Path model = Files.isRegularFile(path.resolve("task.json")) ? path
                : Files.isRegularFile(path.resolve("model").resolve("task.json")) ? path.resolve("model") : null;
        if (model == null && !Files.isRegularFile(path.resolve("task-plan.json"))) {
            return;
        }
        Path encoder = (model != null ? model : path.resolve("model")).resolve("encoder");
        throw new BadInputException(path, "is a fine-tuned model folder ('regbert finetune' output), not a pre-trained"
                + " checkpoint: pass a 'regbert pretrain' output directory (or its checkpoints/step-N) as the"
                + " pre-trained model" + (Files.isRegularFile(encoder.resolve(PARAMETERS)) ? ", e.g. this model's"
                + " encoder " + encoder : "") + "; to continue this fine-tuning run give it to finetune as --output"
                + " with --resume; to use the model, give it to score or evaluate");
    }

    static long step(Path checkpoint) {
        String name = checkpoint.getFileName().toString();
        return name.startsWith("step-") ? Long.parseLong(name.substring(5)) : -1;
    }

    private static void prune(Path dir, int keep, String newest) throws IOException {
        List<Path> all = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "step-*")) {
            entries.forEach(all::add);
        }
        all.sort(Comparator.comparing(p -> p.getFileName().toString()));
        int excess = all.size() - keep;
        for (int i = 0; i < excess; i++) {
            if (!all.get(i).getFileName().toString().equals(newest)) {
                deleteTree(all.get(i));
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        FileTrees.delete(root);
    }
}
