package org.regbert.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same inputs, options and SOURCE_DATE_EPOCH give byte-identical shards wherever they are
 * written: the output folder's path lives in the summary json only. Each run is a JVM of its own,
 * as SOURCE_DATE_EPOCH is an environment variable.
 */
class ReproducibleShardsTest {
    @TempDir
    Path dir;

    @Test
    void tokenizeAndAlignShardsAreByteIdenticalInAnyFolder() throws Exception {
        Random random = new Random(11);
        StringBuilder fasta = new StringBuilder(">20\n");
        for (int line = 0; line < 100; line++) {
            for (int i = 0; i < 60; i++) {
                fasta.append("ACGT".charAt(random.nextInt(4)));
            }
            fasta.append('\n');
        }
        Path reference = Files.writeString(dir.resolve("ref.fa"), fasta.toString());
        Path peaks = Files.writeString(dir.resolve("peaks.bed"), "20\t100\t300\n20\t2000\t2600\n");
        Path labels = Files.writeString(dir.resolve("tss.bed"), "20\t500\t501\n");
        List<Path> tokenized = List.of(dir.resolve("a/tok"), dir.resolve("elsewhere/deeper/tok2"));
        for (Path out : tokenized) {
            stage("tokenize", "--reference", reference.toString(), "--kmer", "3", "--window", "98",
                    "--windows-per-shard", "20", "--output", out.toString(), "--threads", "2");
        }
        assertSameShards(tokenized.get(0), tokenized.get(1));
        List<Path> aligned = List.of(dir.resolve("b/al"), dir.resolve("other/al2"));
        for (Path out : aligned) {
            stage("align", "--shards", tokenized.get(0).toString(), "--peaks", peaks + ":DHS", "--labels",
                    "promoter=" + labels, "-o", out.toString());
        }
        assertSameShards(aligned.get(0), aligned.get(1));
        // Where each run wrote is in its summary.
        ObjectMapper json = new ObjectMapper();
        assertNotEquals(json.readTree(tokenized.get(0).resolve("tokenize-summary.json").toFile()).get("output"),
                json.readTree(tokenized.get(1).resolve("tokenize-summary.json").toFile()).get("output"));
        assertEquals(aligned.get(1).toAbsolutePath().toString(),
                json.readTree(aligned.get(1).resolve("align-summary.json").toFile()).get("output").asText());
    }

    private static void assertSameShards(Path left, Path right) throws IOException {
        List<String> names = shardNames(left);
        assertTrue(names.size() >= 2, "several shards: " + names);
        assertEquals(names, shardNames(right));
        for (String name : names) {
            assertArrayEquals(Files.readAllBytes(left.resolve(name)), Files.readAllBytes(right.resolve(name)),
                    name + " of " + left + " and " + right);
        }
    }

    private static List<String> shardNames(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".npz")).sorted().toList();
        }
    }

    /**
     * As a workflow engine runs a task: the reference staged under the same name in another work
     * folder, named relative to it. The shards' provenance records the path as given, not where the
     * work folder happens to be, so the two tasks' shards are the same bytes.
     */
    @Test
    void tokenizeShardsAreByteIdenticalAcrossWorkFoldersOfAWorkflowEngine() throws Exception {
        StringBuilder fasta = new StringBuilder(">20\n");
        Random random = new Random(12);
        for (int line = 0; line < 100; line++) {
            for (int i = 0; i < 60; i++) {
                fasta.append("ACGT".charAt(random.nextInt(4)));
            }
            fasta.append('\n');
        }
        List<Path> work = List.of(dir.resolve("work/ab/123"), dir.resolve("work/cd/456"));
        for (Path w : work) {
            Files.writeString(Files.createDirectories(w).resolve("ref.fa"), fasta.toString());
            stageIn(w, "tokenize", "--reference", "ref.fa", "--kmer", "3", "--window", "98", "--windows-per-shard",
                    "20", "--output", "tok", "--threads", "2");
        }
        assertSameShards(work.get(0).resolve("tok"), work.get(1).resolve("tok"));
    }

    private void stage(String... args) throws IOException, InterruptedException {
        stageIn(dir, args);
    }

    private void stageIn(Path workingFolder, String... args) throws IOException, InterruptedException {
        Path log = Files.createTempFile("regbert-stage-", ".log");
        log.toFile().deleteOnExit();
        Process process = StageMain.start(workingFolder, log, args);
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), Files.readString(log));
        assertEquals(0, process.exitValue(), Files.readString(log));
    }
}
