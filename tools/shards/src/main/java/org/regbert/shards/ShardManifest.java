package org.regbert.shards;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The JSON manifest ({@code manifest.json}) inside every shard. Field order is fixed so identical
 * runs write identical bytes. Later stages add their own sections under {@code annotations}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShardManifest(
        String format,
        int formatVersion,
        String assembly,
        List<SequenceRecord> reference,
        TokenizerSpec tokenizer,
        Map<String, Integer> specialTokens,
        List<String> vocabulary,
        ShardInfo shard,
        Map<String, ArraySpec> arrays,
        Provenance provenance,
        Map<String, JsonNode> annotations) {

    public static final String FORMAT = "regbert-window-shard";
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** How the windows were cut and tokenized. */
    public record TokenizerSpec(
            int k,
            boolean overlapping,
            int windowTokens,
            int strideTokens,
            int windowBases,
            int strideBases,
            String source,
            double maxNFraction,
            boolean reverseComplement,
            boolean softmaskArray) {
    }

    /** Where this shard sits in the set a run wrote. */
    public record ShardInfo(int index, long windows, long firstWindow) {
    }

    /** Shape and meaning of one array in the shard. */
    public record ArraySpec(String dtype, long[] shape, String description) {
    }

    /** What made the shard: tool, version, exact command, inputs with checksums, creation time. */
    public record Provenance(String tool, String version, List<String> command, List<InputFile> inputs,
            String created) {
    }

    /** An input file and its SHA-256. */
    public record InputFile(String role, String path, long bytes, String sha256) {
    }

    /** Any value as this class writes it (pretty-printed, at the root level). */
    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ShardManifest fromJson(byte[] json) throws IOException {
        return JSON.readValue(json, ShardManifest.class);
    }

    public ShardManifest withAnnotations(Map<String, ArraySpec> arraySpecs, Map<String, JsonNode> sections) {
        return new ShardManifest(format, formatVersion, assembly, reference, tokenizer, specialTokens, vocabulary,
                shard, arraySpecs, provenance, sections);
    }

    public ShardManifest withShard(ShardInfo info, Map<String, ArraySpec> arraySpecs) {
        return new ShardManifest(format, formatVersion, assembly, reference, tokenizer, specialTokens, vocabulary,
                info, arraySpecs, provenance, annotations);
    }
}
