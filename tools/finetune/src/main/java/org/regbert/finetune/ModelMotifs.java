package org.regbert.finetune;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.regbert.common.BadInputException;
import org.regbert.common.Checksums;
import org.regbert.motifs.Background;
import org.regbert.motifs.Motif;
import org.regbert.motifs.MotifReader;
import org.regbert.motifs.MotifScanner;
import org.regbert.motifs.PositionWeightMatrix;
import org.regbert.pretrain.Vocabularies;
import org.regbert.shards.TokenShard;

/**
 * The motif scan a GeneBERT model was trained on: {@link MotifSettings} plus the motif file itself,
 * kept in the model folder as {@code motifs.json} and {@code motifs/<file name>}. Finetune takes them
 * from the shards' manifest (checked against the file); score reads them back to scan its windows.
 */
public final class ModelMotifs {
    public static final String SETTINGS_FILE = "motifs.json";
    public static final String COPY_DIR = "motifs";

    private final MotifSettings settings;
    /** Where the motif file is now: align's file for a new run, the copy for a loaded model. */
    private final Path file;
    /** The file's bytes when read up front (new runs: the copy saved is the file that was checked). */
    private final byte[] bytes;

    private ModelMotifs(MotifSettings settings, Path file, byte[] bytes) {
        this.settings = settings;
        this.file = file;
        this.bytes = bytes;
    }

    /**
     * The scan that made the motif matrices of {@code shard}: its manifest's settings and file
     * ({@code option} when given: the file moved), checked to be the file align scanned (checksum
     * when the manifest has one, else the motif ids in order) and to match the encoder's motifs.
     */
    static ModelMotifs fromShards(TokenShard shard, Path option, Vocabularies vocab, PrintStream warnings) {
        AlignedMotifs aligned = AlignedMotifs.of(shard);
        Path file = option != null ? option : Path.of(aligned.file());
        if (option != null && !Files.isRegularFile(file)) {
            throw new BadInputException(file, "no such motif file (finetune --motifs)");
        }
        byte[] bytes = Files.isRegularFile(file) ? read(file) : null;
        String sha256 = bytes == null ? null : Checksums.hex(Checksums.digest("SHA-256").digest(bytes));
        if (option == null && (bytes == null || aligned.sha256() != null && !aligned.sha256().equals(sha256))) {
            // Workflow engines stage align's inputs in its own work folder (Nextflow, Galaxy): the path the
            // manifest names may be gone or reused. The model keeps the settings, not a copy it cannot check.
            if (warnings != null) {
                warnings.println("finetune: warning: the motif file align scanned (" + aligned.file() + ", named in "
                        + shard.file() + ") is " + (bytes == null ? "not reachable" : "not the same file any more")
                        + ": the model keeps the scan settings without a copy, so 'regbert score' will need --motifs"
                        + " FILE (pass --motifs FILE here to keep a copy)");
            }
            return new ModelMotifs(new MotifSettings(null, aligned.sha256(), aligned.file(), aligned.ids(),
                    aligned.regions(), aligned.topN(), aligned.bothStrands(), aligned.pseudocount(),
                    aligned.background()), null, null);
        }
        if (aligned.sha256() != null && !aligned.sha256().equals(sha256)) {
            throw new BadInputException(file, "differs from the motif file align scanned (sha256 " + sha256 + ", the"
                    + " manifest of " + shard.file() + " says " + aligned.sha256() + "): pass --motifs FILE with"
                    + " that file");
        }
        List<Motif> motifs = MotifReader.read(file);
        String changed = "pass --motifs FILE with the file align scanned, or re-run align with this one";
        checkIds(file, motifs, aligned.ids(), "the shards were aligned with (" + shard.file() + ")", changed);
        checkIds(file, motifs, vocabularyIds(vocab), "the encoder was pre-trained with", changed);
        if (aligned.regions() != vocab.regions()) {
            throw new BadInputException(shard.file(), "motif matrices of " + aligned.regions() + " regions, the encoder"
                    + " reads " + vocab.regions());
        }
        MotifSettings settings = new MotifSettings(COPY_DIR + "/" + file.getFileName(), sha256, aligned.file(),
                aligned.ids(), aligned.regions(), aligned.topN(), aligned.bothStrands(), aligned.pseudocount(),
                aligned.background());
        return new ModelMotifs(settings, file, bytes);
    }

    /** The motif scan saved in model folder {@code dir}, or null (not GeneBERT, or saved before models kept one). */
    static ModelMotifs load(Path dir) {
        Path json = dir.resolve(SETTINGS_FILE);
        if (!Files.isRegularFile(json)) {
            return null;
        }
        MotifSettings settings;
        try {
            settings = FinetunedModel.JSON.readValue(json.toFile(), MotifSettings.class);
        } catch (IOException e) {
            throw new BadInputException(json, -1, "unreadable motif scan settings: " + e.getMessage(), e);
        }
        if (settings.motifIds() == null || settings.background() == null) {
            throw new BadInputException(json, "lacks the motif ids or background");
        }
        return new ModelMotifs(settings, settings.file() == null ? null : dir.resolve(settings.file()), null);
    }

    /**
     * For GeneBERT models fine-tuned before models kept their motif file: {@code file}'s motifs
     * scanned with align's defaults (uniform background, best placement, both strands), the regions
     * the encoder reads.
     */
    public static ModelMotifs assumed(Path file, Vocabularies vocab) {
        MotifSettings settings = new MotifSettings(file.toString(), null, file.toString(), vocabularyIds(vocab),
                vocab.regions(), 1, true, PositionWeightMatrix.DEFAULT_PSEUDOCOUNT, Background.uniform());
        return new ModelMotifs(settings, file, null);
    }

    public MotifSettings settings() {
        return settings;
    }

    /** The motif file the model keeps (its copy, for a saved model); null when it keeps none. */
    public Path file() {
        return file;
    }

    /**
     * The motifs to scan with: the model's copy (checked against its checksum), or {@code override}
     * (score --motifs), which must hold the model's motif ids in the model's order.
     */
    public List<Motif> motifs(Path override) {
        if (override != null) {
            List<Motif> motifs = MotifReader.read(override);
            checkIds(override, motifs, settings.motifIds(), "the model was trained with",
                    "pass the motif file align --motifs scanned for the model's shards");
            return motifs;
        }
        if (file == null) {
            throw new BadInputException("the model keeps no copy of its motif file (" + settings.source() + " was not"
                    + " reachable when it was fine-tuned): pass --motifs FILE with the motif file align --motifs"
                    + " scanned for the model's shards");
        }
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file, "the model's copy of its motif file is missing: pass --motifs FILE with"
                    + " the motif file align --motifs scanned for the model's shards");
        }
        if (settings.sha256() != null && !settings.sha256().equals(Checksums.sha256(file))) {
            throw new BadInputException(file, "the model's copy of its motif file has changed (sha256 differs from "
                    + SETTINGS_FILE + "): pass --motifs FILE with the motif file align --motifs scanned");
        }
        List<Motif> motifs = MotifReader.read(file);
        checkIds(file, motifs, settings.motifIds(), "the model's " + SETTINGS_FILE + " lists",
                "pass --motifs FILE with the motif file align --motifs scanned");
        return motifs;
    }

    /** A scanner for {@code motifs} with the model's settings: align's matrices, cell for cell. */
    public MotifScanner scanner(List<Motif> motifs) {
        return new MotifScanner(PositionWeightMatrix.of(motifs, settings.background(), settings.pseudocount()),
                settings.scanOptions());
    }

    /** Writes {@code motifs.json} and the copy of the motif file into model folder {@code dir}. */
    void save(Path dir) throws IOException {
        if (settings.file() != null) {
            byte[] content = bytes != null ? bytes : read(file);
            Path copy = dir.resolve(settings.file());
            Files.createDirectories(copy.getParent());
            Files.write(copy, content);
        }
        Files.write(dir.resolve(SETTINGS_FILE), FinetunedModel.JSON.writeValueAsBytes(settings));
    }

    /** Motif ids in row order of the encoder's vocabularies ({@code motif_names} are "id" or "id name"). */
    public static List<String> vocabularyIds(Vocabularies vocab) {
        return vocab.motifNames() == null ? List.of() : vocab.motifNames().stream()
                .map(name -> name.split(" ", 2)[0]).toList();
    }

    private static void checkIds(Path file, List<Motif> motifs, List<String> expected, String whose, String advice) {
        List<String> ids = motifs.stream().map(Motif::id).toList();
        if (!ids.equals(expected)) {
            int at = 0;
            while (at < Math.min(ids.size(), expected.size()) && ids.get(at).equals(expected.get(at))) {
                at++;
            }
            throw new BadInputException(file, "its " + ids.size() + " motifs are not the " + expected.size()
                    + " motifs, in order, that " + whose + " (first difference at row " + (at + 1) + ": "
                    + (at < ids.size() ? ids.get(at) : "none") + " here, " + (at < expected.size() ? expected.get(at)
                    : "none") + " expected); " + advice);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BadInputException(file, -1, "cannot read the motif file: " + e.getMessage(), e);
        }
    }
}
