package org.regbert.epigenome;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongToIntFunction;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.regbert.common.KitData;

/** The kit's real files, small files the tests write, and a slow per-base reference for token states. */
final class Fixtures {
    private Fixtures() {
    }

    static Path kitData() {
        return KitData.root();
    }

    static Path segmentation(String cell) {
        return kitData().resolve("chromhmm/segmentation-hg18-chr11-10state/" + cell + "_10_segments.bed.gz");
    }

    static Path model() {
        return kitData().resolve("chromhmm/segmentation-hg18-chr11-10state/model_10.txt");
    }

    static Path binarized(String cell) {
        return kitData().resolve("chromhmm/sample-hg18-chr11/" + cell + "_chr11_binary.txt.gz");
    }

    /** Contig lengths of an assembly from the kit's ChromHMM chromsizes file. */
    static long chromSize(String assembly, String contig) throws IOException {
        for (String line : lines(kitData().resolve("chromhmm/chromsizes/" + assembly + ".txt"))) {
            String[] f = line.split("\t");
            if (f[0].equals(contig)) {
                return Long.parseLong(f[1].strip());
            }
        }
        throw new IllegalArgumentException(contig + " not in " + assembly);
    }

    /** The hg18 reference of the kit's ChromHMM files: chr11 only, its length read from the kit. */
    static ReferenceContigs hg18Chr11() throws IOException {
        return ReferenceContigs.of(Map.of("chr11", chromSize("hg18", "chr11")), Map.of());
    }

    static List<String> lines(Path file) throws IOException {
        boolean gzip;
        try (var in = Files.newInputStream(file)) {
            gzip = in.read() == 0x1f && in.read() == 0x8b;
        }
        try (var in = Files.newInputStream(file);
                BufferedReader reader = new BufferedReader(new InputStreamReader(gzip ? new GZIPInputStream(in) : in,
                        StandardCharsets.UTF_8))) {
            return reader.lines().toList();
        }
    }

    static Path write(Path file, String text) throws IOException {
        if (file.getFileName().toString().endsWith(".gz")) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
            return file;
        }
        return Files.writeString(file, text);
    }

    /** A BED line's interval and name, parsed by the test itself. */
    record Bed(String contig, long start, long end, String name) {
    }

    static List<Bed> bed(Path file) throws IOException {
        List<Bed> records = new ArrayList<>();
        for (String line : lines(file)) {
            if (line.isBlank() || line.startsWith("track") || line.startsWith("browser") || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            records.add(new Bed(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), f[3]));
        }
        return records;
    }

    /** Per-base state of sorted, non-overlapping BED records by binary search; {@code gap} where none. */
    static LongToIntFunction perBase(List<Bed> records, Map<String, Integer> ids, int gap, long contigLength) {
        long[] starts = records.stream().mapToLong(Bed::start).toArray();
        return position -> {
            if (position < 0 || position >= contigLength) {
                return 0;
            }
            int lo = 0;
            int hi = starts.length - 1;
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (starts[mid] <= position) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            if (found < 0 || position >= records.get(found).end()) {
                return gap;
            }
            return ids.get(records.get(found).name());
        };
    }

    /**
     * The state of the k-mer {@code [start, start + k)} base by base: the most frequent state (the
     * first met in reading order on ties), or the first base's state; reading order runs from the
     * highest position on the minus strand.
     */
    static int expectedToken(LongToIntFunction stateAt, long start, int k, boolean minus, TokenRule rule) {
        if (rule == TokenRule.FIRST_BASE) {
            return stateAt.applyAsInt(minus ? start + k - 1 : start);
        }
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < k; i++) {
            long position = minus ? start + k - 1 - i : start + i;
            counts.merge(stateAt.applyAsInt(position), 1, Integer::sum);
        }
        int best = -1;
        int bestCount = -1;
        for (Map.Entry<Integer, Integer> entry : counts.entrySet()) {
            if (entry.getValue() > bestCount) {
                best = entry.getKey();
                bestCount = entry.getValue();
            }
        }
        return best;
    }

    /** Expected states of a whole window, token j as in the specification of fill. */
    static byte[] expectedWindow(LongToIntFunction stateAt, long windowStart, int tokens, int step, int k, int strand,
            long windowEnd, TokenRule rule) {
        byte[] expected = new byte[tokens];
        for (int j = 0; j < tokens; j++) {
            long start = strand > 0 ? windowStart + (long) j * step : windowEnd - k - (long) j * step;
            expected[j] = (byte) expectedToken(stateAt, start, k, strand < 0, rule);
        }
        return expected;
    }
}
