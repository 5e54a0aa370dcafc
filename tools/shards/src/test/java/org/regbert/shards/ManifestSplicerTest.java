package org.regbert.shards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Spliced manifests are byte for byte what a full serialization writes, shard after shard. */
class ManifestSplicerTest {
    @Test
    void splicedManifestsEqualFullOnes() {
        for (ShardManifest template : List.of(template(null, "plain"), template(annotations(), "odd \"quoted\"\n\t\u00e9 text"))) {
            ManifestSplicer splicer = new ManifestSplicer(template);
            long first = 0;
            for (int index = 0; index < 5; index++) {
                long n = index == 4 ? 7 : 8192 + index * 1000L;
                ShardManifest.ShardInfo info = new ShardManifest.ShardInfo(index, n, first);
                Map<String, ShardManifest.ArraySpec> specs = specs(n, index % 2 == 0);
                byte[] expected = template.withShard(info, specs).toJson();
                assertArrayEquals(expected, splicer.toJson(info, specs),
                        new String(expected, StandardCharsets.UTF_8));
                first += n;
                assertTrue(splicer.splicing(), "the splice reproduces the full manifest, so it is used");
            }
        }
    }

    private static ShardManifest template(Map<String, JsonNode> annotations, String text) {
        ShardManifest.TokenizerSpec tokenizer = new ShardManifest.TokenizerSpec(6, true, 510, 510, 515, 510, "genome",
                0.05, false, true);
        ShardManifest.Provenance provenance = new ShardManifest.Provenance("regbert tokenize", "0.1.0",
                List.of("regbert", "tokenize", text), List.of(new ShardManifest.InputFile("reference", "/x/" + text, 18,
                        "abc")), "2026-01-01T00:00:00Z");
        return new ShardManifest(ShardManifest.FORMAT, ShardManifest.FORMAT_VERSION, "hg19",
                List.of(new SequenceRecord("shard", 63_025_520, "0dec"), new SequenceRecord(text, 5, null)), tokenizer,
                KmerVocabulary.specialTokenIds(), new KmerVocabulary(3).tokens(), null, null, provenance, annotations);
    }

    private static Map<String, JsonNode> annotations() {
        Map<String, JsonNode> annotations = new LinkedHashMap<>();
        annotations.put("align", JsonNodeFactory.instance.objectNode().put("states", 10).put("note", "a\nb"));
        return annotations;
    }

    private static Map<String, ShardManifest.ArraySpec> specs(long n, boolean softmask) {
        Map<String, ShardManifest.ArraySpec> specs = new LinkedHashMap<>();
        specs.put("tokens", new ShardManifest.ArraySpec("uint16", new long[] {n, 510}, "token ids"));
        specs.put("contig", new ShardManifest.ArraySpec("int32", new long[] {n}, "contig \"index\"\n"));
        if (softmask) {
            specs.put("softmask", new ShardManifest.ArraySpec("uint8", new long[] {n, 510}, null));
        }
        return specs;
    }
}
