package org.regbert.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the NumPy snippet of docs/shard-format.md, as written there, on a shard tokenize made:
 * the format is proven readable outside Java (Debian's python3 with python3-numpy).
 */
class ShardFormatDocTest {
    @TempDir
    Path dir;

    @Test
    void theDocumentedNumpySnippetReadsAShard() throws IOException, InterruptedException {
        Path doc = Path.of(System.getProperty("regbert.root", "../..")).resolve("docs/shard-format.md");
        Matcher block = Pattern.compile("```python\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(doc));
        assertTrue(block.find(), "docs/shard-format.md has a python snippet");
        Path script = Files.writeString(dir.resolve("read_shard.py"), block.group(1));

        String bases = Fixtures.randomGenome(42, 700).get("contig1");
        Path fasta = Fixtures.writeFasta(dir.resolve("ref.fa"), Map.of("chr7", bases));
        Path out = dir.resolve("shards");
        Fixtures.Run run = Fixtures.tokenize("--reference", fasta.toString(), "--kmer", "6", "--window", "100",
                "--output", out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());

        Process python = new ProcessBuilder("/usr/bin/python3", script.toString(),
                out.resolve("shard-00000.npz").toString()).redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, python.waitFor(), "python3 + numpy must read the shard (apt-get install python3-numpy): "
                + output);
        assertTrue(output.contains("6 windows of 100 6-mers, assembly unknown"), output);
        assertTrue(output.contains("chr7:0-105 strand +1 " + bases.substring(0, 30) + "..."), output);
    }
}
