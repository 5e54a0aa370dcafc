package org.regbert.align;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.regbert.common.StageCli;
import org.regbert.common.StagedOutput;
import org.regbert.shards.KmerVocabulary;
import org.regbert.shards.NpyArray;
import org.regbert.shards.SequenceRecord;
import org.regbert.shards.ShardManifest;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;
import org.regbert.shards.TokenShardWriter;
import org.regbert.tokenize.TokenizeCommand;
import picocli.CommandLine;
import org.regbert.common.KitData;

/** Token shards and runs for the align tests. */
final class TestShards {
    private TestShards() {
    }

    static Path kitData() {
        return KitData.root();
    }

    /**
     * Shards tiling a reference the test only describes (names and lengths, no sequence, e.g. hg18
     * chr11 of which the kit has no bases): windows of {@code windowBases} every {@code stride}
     * bases, random 6-mer tokens.
     */
    static Path tiledReference(Path dir, Map<String, Long> contigs, String assembly, int windowBases, int stride)
            throws IOException {
        return tiledReference(dir, contigs, assembly, windowBases, stride, null);
    }

    /**
     * As above, but with {@code gcRich} each window is one repeated k-mer: all G (100 % GC) where it
     * says true for the window's contig and start, all A (0 % GC) where false.
     */
    static Path tiledReference(Path dir, Map<String, Long> contigs, String assembly, int windowBases, int stride,
            java.util.function.BiPredicate<String, Long> gcRich) throws IOException {
        int k = 6;
        int tokens = windowBases - k + 1;
        List<SequenceRecord> dictionary = new ArrayList<>();
        contigs.forEach((name, length) -> dictionary.add(new SequenceRecord(name, length, null)));
        ShardManifest template = new ShardManifest(ShardManifest.FORMAT, ShardManifest.FORMAT_VERSION, assembly,
                dictionary, new ShardManifest.TokenizerSpec(k, true, tokens, stride, windowBases, stride, "genome", 1.0,
                        false, false),
                KmerVocabulary.specialTokenIds(), new KmerVocabulary(k).tokens(), null, null,
                new ShardManifest.Provenance("test", "0", List.of("test"), List.of(), "1970-01-01T00:00:00Z"), null);
        Path out = dir.resolve("shards");
        Random random = new Random(5);
        short[] ids = new short[tokens];
        try (StagedOutput output = StagedOutput.open(out)) {
            TokenShardWriter writer = new TokenShardWriter(output, template, 50_000, List.copyOf(contigs.keySet()));
            int index = 0;
            for (Map.Entry<String, Long> contig : contigs.entrySet()) {
                for (long start = 0; start + windowBases <= contig.getValue(); start += stride) {
                    for (int j = 0; j < tokens; j++) {
                        // k-mer codes are 2-bit base codes (A 0, T 1, C 2, G 3): 4095 is GGGGGG, 0 is AAAAAA
                        int code = gcRich == null ? random.nextInt(4096)
                                : gcRich.test(contig.getKey(), start) ? 4095 : 0;
                        ids[j] = (short) (KmerVocabulary.FIRST_KMER + code);
                    }
                    writer.add(index, start, start + windowBases, 1, -1, ids, null);
                }
                index++;
            }
            writer.finish();
            output.commit();
        }
        return out;
    }

    record Run(int exitCode, String stderr) {
    }

    static Run align(String... args) {
        return run(new AlignCommand(), args);
    }

    static Run tokenize(String... args) {
        return run(new TokenizeCommand(), args);
    }

    private static Run run(Object command, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream previous = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            CommandLine commandLine = StageCli.configure(new CommandLine(command));
            commandLine.setErr(new PrintWriter(System.err, true));
            return new Run(commandLine.execute(args), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(previous);
        }
    }

    /** One int8/int16/uint8 array of every shard in a directory, concatenated (as ints). */
    static int[] concat(Path dir, String array) {
        List<Integer> values = new ArrayList<>();
        for (Path file : ShardSet.list(dir)) {
            try (TokenShard shard = TokenShard.open(file)) {
                NpyArray a = shard.array(array);
                long n = a.rows() * a.rowLength();
                for (long i = 0; i < n; i++) {
                    values.add(switch (a.dtype().itemSize()) {
                        case 1 -> a.dtype().descr().equals("|u1") ? a.getByte(i) & 0xFF : (int) a.getByte(i);
                        case 2 -> (int) a.data().getShort((int) (i * 2));
                        default -> a.getInt(i);
                    });
                }
            }
        }
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    static long[] concatLong(Path dir, String array) {
        List<Long> values = new ArrayList<>();
        for (Path file : ShardSet.list(dir)) {
            try (TokenShard shard = TokenShard.open(file)) {
                NpyArray a = shard.array(array);
                for (long i = 0; i < a.rows(); i++) {
                    values.add(a.getLong(i));
                }
            }
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    static Map<String, Long> sizes(Object... pairs) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            sizes.put((String) pairs[i], ((Number) pairs[i + 1]).longValue());
        }
        return sizes;
    }
}
