package org.regbert.finetune;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.regbert.shards.Half;
import org.regbert.shards.NpyArray;
import org.regbert.shards.NpyDType;
import org.regbert.shards.NpzWriter;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;

/**
 * {@link LeakageShards#labelled()} (396 windows of 126 tokens, DHS labels, 'peaks' state rows of
 * cell type DHS) copied with a hand-written {@code signal} array, float16 [3, windows, 126], as
 * align --signal writes it, NaN where "the bigWig" has no data. Tracks (rows):
 *
 * <ul>
 * <li>{@code DHS} (the cell type's own track: columns {@code signal}, {@code signal:has-data}):
 *     window 0: tokens 0-62 are 2.0, 63-125 NaN; window 1: all NaN; window 2: even tokens 1.0,
 *     token 1 64.0, the other odd tokens NaN; window 3: token 0 is 1e6 (float16 +inf), the rest
 *     NaN; window 4: all -2.0. Windows from 5 on: 8 x the token's 'peaks' level (0 or 8), all NaN
 *     in every 7th window, so the signal says something about the DHS labels.
 * <li>{@code DHS.H3K27ac} (a mark of the cell type: {@code signal:H3K27ac}, {@code signal:H3K27ac:has-data}):
 *     token t is t mod 3 in every window.
 * <li>{@code K562} (another cell type's track, which the DHS examples must not read): 1000 everywhere.
 * </ul>
 */
public final class SignalShards {
    public static final List<String> TRACKS = List.of("DHS", "DHS.H3K27ac", "K562");
    /** The feature columns a DHS example gets, in order. */
    public static final List<String> COLUMNS = List.of("signal", "signal:has-data", "signal:H3K27ac",
            "signal:H3K27ac:has-data");
    private static final int TOKENS = 126;
    private static Path shards;

    private SignalShards() {
    }

    /** The labelled shards with the signal array (made once per JVM). */
    public static synchronized Path shards() throws IOException {
        if (shards == null) {
            Path source = LeakageShards.labelled();
            Path target = Stages.tempDir("regbert-signal-shards-").resolve("aligned");
            Files.createDirectories(target);
            for (Path file : ShardSet.list(source)) {
                copyWithSignal(file, target.resolve(file.getFileName().toString()));
            }
            shards = target;
        }
        return shards;
    }

    private static void copyWithSignal(Path from, Path to) throws IOException {
        try (TokenShard shard = TokenShard.open(from); NpzWriter out = new NpzWriter(to)) {
            for (String member : shard.archive().memberNames()) {
                out.addRaw(member, shard.archive().raw(member));
            }
            int n = Math.toIntExact(shard.windows());
            long first = shard.manifest().shard().firstWindow();
            NpyArray peaks = shard.array("peaks");
            if (peaks.shape()[2] != TOKENS || peaks.rows() != 1) {
                throw new IllegalStateException("the fixture expects one 'peaks' row of 126 tokens");
            }
            float[] values = new float[TRACKS.size() * n * TOKENS];
            for (int w = 0; w < n; w++) {
                for (int t = 0; t < TOKENS; t++) {
                    int peak = peaks.getByte((long) w * TOKENS + t) & 0xFF;
                    values[w * TOKENS + t] = dhs(first + w, t, peak);
                    values[(n + w) * TOKENS + t] = t % 3;
                    values[(2 * n + w) * TOKENS + t] = 1000f;
                }
            }
            out.addArray("signal", NpyDType.FLOAT16, new long[] {TRACKS.size(), n, TOKENS}, Half.toLittleEndian(values));
            NpyDType names = NpyArray.stringType(TRACKS);
            out.addArray("signal_tracks", names, new long[] {TRACKS.size()}, NpyArray.encodeStrings(TRACKS, names));
        }
    }

    /** Token {@code t} of window {@code g} on the DHS track (see the class comment). */
    private static float dhs(long g, int t, int peak) {
        if (g == 0) {
            return t < 63 ? 2f : Float.NaN;
        } else if (g == 1) {
            return Float.NaN;
        } else if (g == 2) {
            return t % 2 == 0 ? 1f : t == 1 ? 64f : Float.NaN;
        } else if (g == 3) {
            return t == 0 ? 1e6f : Float.NaN;
        } else if (g == 4) {
            return -2f;
        }
        return g % 7 == 0 ? Float.NaN : 8f * peak;
    }
}
