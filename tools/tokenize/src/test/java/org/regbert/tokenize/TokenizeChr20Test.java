package org.regbert.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.genome.ReferenceGenome;
import org.regbert.shards.NpyArray;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;

/** The real hg19 chromosome 20 of the data kit (contig {@code 20}, 63,025,520 bp). */
class TokenizeChr20Test {
    static final long CHR20_LENGTH = 63_025_520L;

    @TempDir
    static Path dir;
    static Path allWindows;

    @BeforeAll
    static void tokenizeWholeChromosomeKeepingEveryWindow() {
        allWindows = dir.resolve("all");
        Fixtures.Run run = Fixtures.tokenize("--reference", Fixtures.chr20().toString(), "--kmer", "6", "--window",
                "510", "--stride", "255", "--max-n-fraction", "1", "--windows-per-shard", "50000", "--output",
                allWindows.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.stderr());
    }

    @Test
    void windowAndTokenCountsFollowTheArithmetic() throws IOException {
        int windowBases = 510 + 6 - 1;
        long expectedWindows = (CHR20_LENGTH - windowBases) / 255 + 1;
        long windows = 0;
        long tokens = 0;
        for (Path shard : ShardSet.list(allWindows)) {
            try (TokenShard opened = TokenShard.open(shard)) {
                windows += opened.windows();
                tokens += opened.tokens().rows() * opened.tokens().rowLength();
                assertEquals("hg19", opened.manifest().assembly());
                assertEquals("0dec9660ec1efaaf33281c0d5ea2560f", opened.manifest().reference().get(0).md5(),
                        "GRCh37 chromosome 20 MD5 (the M5 of the b37 sequence dictionary)");
            }
        }
        assertEquals(expectedWindows, windows);
        assertEquals(expectedWindows * 510, tokens);
        String summary = Files.readString(allWindows.resolve("tokenize-summary.json"));
        assertTrue(summary.contains("\"windows\" : " + expectedWindows), summary);
    }

    @Test
    void tokensDecodeBackToTheReference() {
        ShardContents contents = ShardContents.read(allWindows);
        var vocabulary = new org.regbert.shards.KmerVocabulary(6);
        try (ReferenceGenome reference = ReferenceGenome.open(Fixtures.chr20())) {
            List<ShardContents.Window> windows = contents.windows();
            int checked = 0;
            for (int i = 0; i < windows.size(); i += 997) {
                ShardContents.Window w = windows.get(i);
                String bases = new String(reference.fetch("20", w.start(), w.end()), StandardCharsets.US_ASCII)
                        .toUpperCase();
                for (int j = 0; j < w.tokens().length; j++) {
                    String kmer = bases.substring(j, j + 6);
                    String decoded = vocabulary.decode(w.tokens()[j]);
                    assertEquals(kmer.matches("[ACGT]+") ? kmer : "[UNK]", decoded,
                            "window " + w.start() + " token " + j);
                }
                checked++;
            }
            assertTrue(checked > 200);
        }
    }

    @Test
    void identicalInputGivesIdenticalShards() throws IOException {
        Path first = dir.resolve("again1");
        Path second = dir.resolve("again2");
        for (Path out : List.of(first, second)) {
            Fixtures.Run run = Fixtures.tokenize("--reference", Fixtures.chr20().toString(), "--window", "510",
                    "--reverse-complement", "--softmask-array", "--windows-per-shard", "40000", "--output",
                    out.toString(), "--quiet");
            assertEquals(0, run.exitCode(), run.stderr());
        }
        List<Path> shards = ShardSet.list(first);
        assertEquals(shards.size(), ShardSet.list(second).size());
        ObjectMapper json = new ObjectMapper();
        for (Path shard : shards) {
            Path twin = second.resolve(shard.getFileName());
            try (ZipFile a = new ZipFile(shard.toFile()); ZipFile b = new ZipFile(twin.toFile())) {
                List<String> names = a.stream().map(ZipEntry::getName).toList();
                assertEquals(names, b.stream().map(ZipEntry::getName).toList());
                for (String name : names) {
                    byte[] left = a.getInputStream(a.getEntry(name)).readAllBytes();
                    byte[] right = b.getInputStream(b.getEntry(name)).readAllBytes();
                    if (name.equals("manifest.json")) {
                        // Only the creation time and the command (its --output) may differ.
                        ObjectNode l = (ObjectNode) json.readTree(left);
                        ObjectNode r = (ObjectNode) json.readTree(right);
                        for (ObjectNode m : List.of(l, r)) {
                            ((ObjectNode) m.get("provenance")).remove(List.of("created", "command"));
                        }
                        assertEquals(l, r, "manifest of " + shard.getFileName());
                    } else {
                        assertArrayEquals(left, right, name + " of " + shard.getFileName());
                    }
                }
            }
        }
        try (TokenShard shard = TokenShard.open(shards.get(0))) {
            NpyArray strand = shard.array("strand");
            assertEquals(1, strand.getByte(0));
            assertEquals(-1, strand.getByte(1));
            NpyArray softmask = shard.array("softmask");
            long masked = 0;
            for (long i = 0; i < softmask.rows() * softmask.rowLength(); i++) {
                masked += softmask.getByte(i);
            }
            assertEquals(0, masked, "the kit's chr20 is all upper-case: no soft-masked k-mer");
        }
    }
}
