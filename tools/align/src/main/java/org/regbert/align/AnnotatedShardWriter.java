package org.regbert.align;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import com.fasterxml.jackson.databind.JsonNode;
import org.regbert.shards.NpzWriter;
import org.regbert.shards.ShardManifest;
import org.regbert.shards.TokenShard;

/**
 * Writes a self-contained annotated shard: every array of the token shard copied verbatim (so
 * later stages and Galaxy/Nextflow pass one file), the new arrays, and the manifest with their
 * descriptions and the align sections added under {@code annotations}.
 */
final class AnnotatedShardWriter {
    private AnnotatedShardWriter() {
    }

    static void write(Path target, TokenShard source, List<NewArray> arrays, Map<String, JsonNode> sections) {
        Set<String> replaced = arrays.stream().map(a -> a.name() + ".npy").collect(Collectors.toSet());
        ShardManifest manifest = source.manifest();
        Map<String, ShardManifest.ArraySpec> specs = new LinkedHashMap<>(manifest.arrays());
        for (NewArray array : arrays) {
            specs.put(array.name(), new ShardManifest.ArraySpec(array.dtype().name(), array.shape(), array.description()));
        }
        Map<String, JsonNode> annotations = new LinkedHashMap<>();
        if (manifest.annotations() != null) {
            annotations.putAll(manifest.annotations());
        }
        annotations.putAll(sections);
        ShardManifest annotated = manifest.withAnnotations(specs, annotations);
        try (NpzWriter npz = new NpzWriter(target)) {
            for (String member : source.archive().memberNames()) {
                if (member.endsWith(".npy") && !replaced.contains(member)) {
                    npz.addRaw(member, source.archive().raw(member));
                }
            }
            for (NewArray array : arrays) {
                try (NpzWriter.ArraySink sink = npz.beginArray(array.name(), array.dtype(), array.shape())) {
                    array.data().writeTo(sink);
                }
            }
            npz.addBytes("manifest.json", annotated.toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
