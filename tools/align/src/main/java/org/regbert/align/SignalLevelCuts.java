package org.regbert.align;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.regbert.common.BadInputException;
import org.regbert.epigenome.SignalLevels;
import org.regbert.epigenome.SignalTracks;
import org.regbert.shards.Half;
import org.regbert.shards.ShardManifest;
import org.regbert.shards.TokenShard;

/**
 * The cut points of {@code --signal-levels Q}, per signal track, from the per-token means of the
 * training windows (split 0, not excluded), as the shards store them (float16): one streaming pass
 * over the shards, reading each window from the bigWig, never a whole file. Every mean with data is
 * offered to a uniform reservoir of {@link #SAMPLE} values (Vitter's algorithm R, seeded): below that
 * many means the cut points are the exact quantiles of all of them, above it those of the sample.
 * Validation and test windows are left out so their signal does not shape the training states.
 */
final class SignalLevelCuts {
    /** Means kept per track: 4 MiB of floats, a rank error of about 1e-3 of the means on a genome. */
    static final int SAMPLE = 1 << 20;

    /** One track's cut points, the training means they were chosen from and how many were sampled. */
    record TrackCuts(SignalLevels levels, long tokenMeans, int sampled) {
    }

    private SignalLevelCuts() {
    }

    static List<TrackCuts> choose(SignalTracks tracks, List<Path> shardFiles, ShardManifest.TokenizerSpec tokenizer,
            Holdouts holdouts, ExclusionMask exclusion, int levels, long seed) {
        int length = tokenizer.windowTokens();
        int step = tokenizer.overlapping() ? 1 : tokenizer.k();
        List<TrackCuts> cuts = new ArrayList<>();
        float[] means = new float[length];
        for (int t = 0; t < tracks.size(); t++) {
            // Each track its own stream, so adding a track does not move another's cut points.
            SplittableRandom random = new SplittableRandom(seed * 31 + t);
            float[] sample = new float[1024];
            long seen = 0;
            try (SignalTracks.Reader reader = tracks.reader(t)) {
                for (Path file : shardFiles) {
                    try (TokenShard shard = TokenShard.open(file)) {
                        WindowCoordinates windows = WindowCoordinates.of(shard);
                        byte[] excluded = exclusion.of(shard, windows);
                        for (int w = 0; w < windows.size(); w++) {
                            if (holdouts.split(windows.contigOf(w), windows.start()[w], windows.end()[w])
                                    != Holdouts.TRAIN || excluded != null && excluded[w] != 0) {
                                continue;
                            }
                            reader.fill(windows.contigOf(w), windows.start()[w], length, step, tokenizer.k(),
                                    windows.strand()[w], windows.end()[w], means, 0);
                            for (float mean : means) {
                                float stored = Half.toFloat(Half.fromFloat(mean));  // as 'signal' holds it
                                if (Float.isNaN(stored)) {
                                    continue;
                                }
                                seen++;
                                if (seen <= SAMPLE) {
                                    if (seen > sample.length) {
                                        sample = Arrays.copyOf(sample, (int) Math.min(SAMPLE, 2L * sample.length));
                                    }
                                    sample[(int) seen - 1] = stored;
                                } else {
                                    long slot = random.nextLong(seen);
                                    if (slot < SAMPLE) {
                                        sample[(int) slot] = stored;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if (seen == 0) {
                SignalTracks.Track track = tracks.tracks().get(t);
                throw new BadInputException(track.file(), "--signal-levels: no training window has signal in track '"
                        + track.name() + "' (cut points are chosen from the training windows' per-token means;"
                        + " validation and test windows are left out): give a bigWig covering the training windows");
            }
            int n = (int) Math.min(seen, SAMPLE);
            Arrays.sort(sample, 0, n);
            cuts.add(new TrackCuts(SignalLevels.fromSorted(sample, n, levels), seen, n));
        }
        return cuts;
    }

    /** For the manifest: how the cut points were chosen, and each track's. */
    static Map<String, Object> describe(List<String> names, List<TrackCuts> cuts, long seed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", "per-token means (as float16) of the training windows (split 0, not excluded); exact quantiles"
                + " up to " + SAMPLE + " means per track, else those of a seeded uniform reservoir sample of that many");
        m.put("rule", "cut i of Q-1 is the sorted means' value of rank ceil(i n / Q) - 1; a mean takes 1 + the number"
                + " of cuts strictly below it; state 0 = no data (NaN)");
        m.put("seed", seed);
        List<Map<String, Object>> tracks = new ArrayList<>();
        for (int t = 0; t < cuts.size(); t++) {
            Map<String, Object> track = new LinkedHashMap<>();
            track.put("name", names.get(t));
            float[] c = cuts.get(t).levels().cuts();
            List<Float> list = new ArrayList<>();
            for (float v : c) {
                list.add(v);
            }
            track.put("cuts", list);
            track.put("tokenMeans", cuts.get(t).tokenMeans());
            track.put("sampled", cuts.get(t).sampled());
            tracks.add(track);
        }
        m.put("tracks", tracks);
        return m;
    }
}
