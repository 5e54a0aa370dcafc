package org.regbert.align;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.motifs.Motif;
import org.regbert.motifs.MotifScanner;
import org.regbert.shards.Half;
import org.regbert.shards.NpyArray;
import org.regbert.shards.NpyDType;
import org.regbert.shards.TokenBases;
import org.regbert.shards.TokenShard;

/**
 * GeneBERT's TF x region matrix: {@code motifs} float16 [N, T, R], the best (or top-n summed)
 * log-odds score of each motif in each region of each window, both strands, scanned on the
 * window's own bases in batches so memory stays bounded; {@code motif_names} [T].
 */
final class MotifAnnotator implements ShardAnnotator {
    private static final int BATCH = 512;

    private final List<Motif> motifs;
    private final MotifScanner scanner;
    private final TokenBases bases;
    private final int threads;
    private final Map<String, Object> description;

    MotifAnnotator(List<Motif> motifs, MotifScanner scanner, TokenBases bases, int threads,
            Map<String, Object> description) {
        this.motifs = motifs;
        this.scanner = scanner;
        this.bases = bases;
        this.threads = threads;
        this.description = description;
    }

    @Override
    public String section() {
        return "motifs";
    }

    @Override
    public Map<String, Object> describe() {
        return description;
    }

    @Override
    public List<NewArray> annotate(TokenShard shard, WindowCoordinates windows) {
        int n = windows.size();
        int t = scanner.motifCount();
        int r = scanner.regionCount();
        NpyArray tokens = shard.tokens();
        int length = bases.length();
        NewArray scores = new NewArray("motifs", NpyDType.FLOAT16, new long[] {n, t, r},
                "best PWM log-odds (log2) score per [window, motif, region], both strands (see annotations.motifs)",
                sink -> {
                    byte[] batch = new byte[BATCH * length];
                    for (int first = 0; first < n; first += BATCH) {
                        int count = Math.min(BATCH, n - first);
                        int[] offsets = new int[count];
                        int[] lengths = new int[count];
                        for (int i = 0; i < count; i++) {
                            offsets[i] = i * length;
                            lengths[i] = length;
                            bases.decode(tokens, first + i, batch, offsets[i]);
                        }
                        sink.write(Half.toLittleEndian(scanner.scanAll(batch, offsets, lengths, threads)));
                    }
                });
        List<String> names = motifs.stream().map(m -> m.name() == null || m.name().isEmpty() ? m.id()
                : m.id() + " " + m.name()).toList();
        NpyDType namesType = NpyArray.stringType(names);
        return List.of(scores, new NewArray("motif_names", namesType, new long[] {t},
                NpyArray.encodeStrings(names, namesType), "motif of each row of motifs' second axis"));
    }

    static Map<String, Object> describe(List<Motif> motifs, Object background, double pseudocount, int regions,
            int topN, String file, String sha256) {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("file", file);
        description.put("sha256", sha256);
        description.put("motifs", motifs.size());
        description.put("regionsPerWindow", regions);
        description.put("score", topN == 1 ? "max log2 odds over placements starting in the region"
                : "sum of the top " + topN + " log2 odds over placements starting in the region");
        description.put("strands", "both: each placement scores its better strand");
        // The same rules as fields, for finetune and score to rebuild the matrices (the sentences are for people).
        description.put("topN", topN);
        description.put("bothStrands", true);
        description.put("region", "region r holds window bases [r*W/R, (r+1)*W/R) in the window's reading direction");
        description.put("empty", "a region with no valid placement gets the motif's lowest possible score");
        description.put("pseudocount", pseudocount);
        description.put("background", background);
        Map<String, Object> factors = new LinkedHashMap<>();
        motifs.forEach(m -> factors.put(m.id(), m.factors()));
        description.put("factors", factors);
        return description;
    }
}
