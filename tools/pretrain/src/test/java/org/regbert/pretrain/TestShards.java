package org.regbert.pretrain;

import org.regbert.shards.Half;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.regbert.common.StageCli;
import org.regbert.common.StagedOutput;
import org.regbert.shards.KmerVocabulary;
import org.regbert.shards.NpyArray;
import org.regbert.shards.NpyDType;
import org.regbert.shards.NpzWriter;
import org.regbert.shards.SequenceRecord;
import org.regbert.shards.ShardManifest;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;
import org.regbert.shards.TokenShardWriter;
import org.regbert.common.KitData;

/** Shards the tests make, and in-process runs of pretrain (and of tokenize/align for real data). */
final class TestShards {
    static final ObjectMapper JSON = new ObjectMapper();

    private TestShards() {
    }

    static Path kitData() {
        return KitData.root();
    }

    record Run(int exitCode, String stderr) {
    }

    static Run pretrain(String... args) {
        return run(new PretrainCommand(), args);
    }

    static Run run(Object command, String... args) {
        StageCli.Outcome outcome = StageCli.runCapturing(command, args);
        return new Run(outcome.exitCode(), outcome.stderr());
    }

    /**
     * Token shards of random DNA (seeded): {@code windows} windows of {@code tokens} overlapping
     * k-mers, {@code perShard} windows per shard file.
     */
    static Path randomTokens(Path dir, int windows, int tokens, int k, int perShard, long seed) throws IOException {
        return tokenShards(dir, randomBases(windows, tokens + k - 1, seed), k, perShard);
    }

    /** Random base codes (0..3, the vocabulary's A, T, C, G) of {@code windows} windows, seeded. */
    static byte[][] randomBases(int windows, int windowBases, long seed) {
        Random random = new Random(seed);
        byte[][] bases = new byte[windows][windowBases];
        for (byte[] window : bases) {
            for (int i = 0; i < windowBases; i++) {
                window[i] = (byte) random.nextInt(4);
            }
        }
        return bases;
    }

    /**
     * Token shards of the given windows' bases (codes 0..3, all windows the same length), as
     * overlapping k-mers, {@code perShard} windows per shard file.
     */
    static Path tokenShards(Path dir, byte[][] windowBases, int k, int perShard) throws IOException {
        int windows = windowBases.length;
        int basesPerWindow = windowBases[0].length;
        int tokens = basesPerWindow - k + 1;
        List<SequenceRecord> dictionary = List.of(new SequenceRecord("chrT", (long) windows * basesPerWindow, null));
        ShardManifest template = new ShardManifest(ShardManifest.FORMAT, ShardManifest.FORMAT_VERSION, "none",
                dictionary, new ShardManifest.TokenizerSpec(k, true, tokens, tokens, basesPerWindow, basesPerWindow,
                        "genome", 1.0, false, false),
                KmerVocabulary.specialTokenIds(), new KmerVocabulary(k).tokens(), null, null,
                new ShardManifest.Provenance("test", "0", List.of("test"), List.of(), "1970-01-01T00:00:00Z"), null);
        short[] ids = new short[tokens];
        int mask = (1 << (2 * k)) - 1;
        try (StagedOutput output = StagedOutput.open(dir)) {
            TokenShardWriter writer = new TokenShardWriter(output, template, perShard, List.of("chrT"));
            for (int w = 0; w < windows; w++) {
                byte[] bases = windowBases[w];
                int code = 0;
                for (int i = 0; i < basesPerWindow; i++) {
                    code = ((code << 2) | bases[i]) & mask;
                    if (i >= k - 1) {
                        ids[i - k + 1] = (short) (KmerVocabulary.FIRST_KMER + code);
                    }
                }
                writer.add(0, (long) w * basesPerWindow, (long) (w + 1) * basesPerWindow, 1, -1, ids, null);
            }
            writer.finish();
            output.commit();
        }
        return dir;
    }

    /** An array to add to every shard: its values computed from the shard. */
    record Extra(String name, NpyDType dtype, BiFunction<TokenShard, Long, long[]> shape,
            BiFunction<TokenShard, Long, ByteBuffer> data) {
    }

    /** Copies shards from {@code source} to {@code target} with arrays and manifest sections added. */
    static Path withArrays(Path source, Path target, List<Extra> extras, Map<String, Object> sections)
            throws IOException {
        Files.createDirectories(target);
        for (Path file : ShardSet.list(source)) {
            try (TokenShard shard = TokenShard.open(file)) {
                ShardManifest m = shard.manifest();
                Map<String, ShardManifest.ArraySpec> specs = new LinkedHashMap<>(m.arrays());
                Map<String, JsonNode> annotations = new LinkedHashMap<>();
                if (m.annotations() != null) {
                    annotations.putAll(m.annotations());
                }
                sections.forEach((k, v) -> annotations.put(k, JSON.valueToTree(v)));
                List<String> replaced = extras.stream().map(e -> e.name() + ".npy").toList();
                try (NpzWriter npz = new NpzWriter(target.resolve(file.getFileName()))) {
                    for (String member : shard.archive().memberNames()) {
                        if (member.endsWith(".npy") && !replaced.contains(member)) {
                            npz.addRaw(member, shard.archive().raw(member));
                        }
                    }
                    for (Extra e : extras) {
                        long[] shape = e.shape().apply(shard, shard.windows());
                        npz.addArray(e.name(), e.dtype(), shape, e.data().apply(shard, shard.windows()));
                        specs.put(e.name(), new ShardManifest.ArraySpec(e.dtype().name(), shape, "test"));
                    }
                    npz.addBytes("manifest.json", m.withAnnotations(specs, annotations).toJson());
                }
            }
        }
        return target;
    }

    /** A string array (cell types, motif names) for every shard. */
    static Extra strings(String name, List<String> values) {
        NpyDType type = NpyArray.stringType(values);
        return new Extra(name, type, (s, n) -> new long[] {values.size()}, (s, n) -> NpyArray.encodeStrings(values, type));
    }

    /**
     * Random-walk chromatin states [cellTypes, N, L] (uint8, ids 1..states-1, runs of ~20 tokens)
     * as EBERT reads them.
     */
    static Extra randomStates(String name, int cellTypes, int states, long seed) {
        return new Extra(name, NpyDType.UINT8, (s, n) -> new long[] {cellTypes, n, s.tokens().shape()[1]}, (s, n) -> {
            int l = (int) s.tokens().shape()[1];
            Random random = new Random(seed + s.manifest().shard().index());
            ByteBuffer data = ByteBuffer.allocate((int) (cellTypes * n * l));
            for (int i = 0; i < data.capacity(); i++) {
                data.put(i, (byte) (i % l == 0 || random.nextInt(20) == 0 ? 1 + random.nextInt(states - 1)
                        : data.get(i - 1)));
            }
            return data;
        });
    }

    /** Random motif scores [N, motifs, regions] as float16. */
    static Extra randomMotifs(int motifs, int regions, long seed) {
        return new Extra("motifs", NpyDType.FLOAT16, (s, n) -> new long[] {n, motifs, regions}, (s, n) -> {
            Random random = new Random(seed + s.manifest().shard().index());
            ByteBuffer data = ByteBuffer.allocate((int) (n * motifs * regions * 2)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n * motifs * regions; i++) {
                data.putShort(Half.fromFloat((float) (random.nextGaussian() * 2 + 3)));
            }
            return data.flip();
        });
    }

    static Extra split(long seed, double validFraction) {
        return new Extra("split", NpyDType.INT8, (s, n) -> new long[] {n}, (s, n) -> {
            Random random = new Random(seed + s.manifest().shard().index());
            ByteBuffer data = ByteBuffer.allocate((int) (long) n);
            for (int i = 0; i < n; i++) {
                data.put(i, (byte) (random.nextDouble() < validFraction ? 1 : 0));
            }
            return data;
        });
    }

    /** EBERT-ready random shards: tokens, 'peaks' for two cell types, and a split. */
    static Path ebertShards(Path dir, int windows, int tokens) throws IOException {
        Path raw = randomTokens(dir.resolve("raw"), windows, tokens, 6, Math.max(1, windows / 2), 7);
        return withArrays(raw, dir.resolve("annotated"), List.of(randomStates("peaks", 2, 3, 11),
                strings("peaks_cell_types", List.of("GM12878", "K562")), split(3, 0.1)),
                Map.of("peaks", Map.of("vocabulary", List.of("no annotation", "closed", "open"))));
    }

    /** GeneBERT-ready random shards: tokens, motifs [N, 6, 4] and motif names. */
    static Path geneBertShards(Path dir, int windows, int tokens) throws IOException {
        Path raw = randomTokens(dir.resolve("raw"), windows, tokens, 6, Math.max(1, windows / 2), 8);
        return withMotifs(raw, dir.resolve("annotated"));
    }

    /** Token shards made GeneBERT-ready: seeded random motifs [N, 6, 4] (the same for the same shards) and names. */
    static Path withMotifs(Path raw, Path target) throws IOException {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            names.add("MA000" + i + ".1 TF" + i);
        }
        return withArrays(raw, target, List.of(randomMotifs(6, 4, 5), strings("motif_names", names)),
                Map.of("motifs", Map.of("regions", 4)));
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }
}
