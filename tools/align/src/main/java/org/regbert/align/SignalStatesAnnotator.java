package org.regbert.align;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.epigenome.SignalLevels;
import org.regbert.epigenome.SignalTracks;
import org.regbert.shards.Half;
import org.regbert.shards.NpyArray;
import org.regbert.shards.NpyDType;
import org.regbert.shards.ShardManifest;
import org.regbert.shards.TokenShard;

/**
 * {@code --signal-levels Q}: bigWig signal as EBERT's per-token state. {@code signal_states} uint8
 * [T, N, L] holds each token's level of its track ({@link SignalLevels}: 0 no data, 1 .. Q), computed
 * from the per-token mean as {@code signal} stores it (float16); {@code signal_states_cell_types} [T]
 * names the rows as {@code signal_tracks} does (the cell type, or CELL.MARK), so EBERT pairs them with
 * cell types as it does 'states' and 'peaks'; {@code signal_level_cuts} float32 [T, Q-1] keeps the cut
 * points (chosen once over the training windows, {@link SignalLevelCuts}) for pretrain to hand to
 * the model and score to quantise new windows with.
 */
final class SignalStatesAnnotator implements ShardAnnotator {
    static final String ARRAY = "signal_states";
    static final String CUTS = "signal_level_cuts";

    private final SignalTracks tracks;
    private final List<SignalLevelCuts.TrackCuts> cuts;
    private final ShardManifest.TokenizerSpec tokenizer;
    private final long seed;

    SignalStatesAnnotator(SignalTracks tracks, List<SignalLevelCuts.TrackCuts> cuts, ShardManifest.TokenizerSpec tokenizer,
            long seed) {
        this.tracks = tracks;
        this.cuts = cuts;
        this.tokenizer = tokenizer;
        this.seed = seed;
    }

    private int levels() {
        return cuts.get(0).levels().levels();
    }

    @Override
    public String section() {
        return ARRAY;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> vocabulary = new LinkedHashMap<>();
        vocabulary.put("kind", "signal-levels");
        vocabulary.put("none", SignalLevels.NO_DATA);
        vocabulary.put("names", SignalLevels.stateNames(levels()));
        m.put("vocabulary", vocabulary);
        m.put("levels", levels());
        m.put("value", "level of the per-token mean of 'signal' (float16): 0 no data, 1 (Q1, weakest) .. Q"
                + " (strongest) by the track's cut points in " + CUTS);
        m.put("cuts", SignalLevelCuts.describe(tracks.names(), cuts, seed));
        return m;
    }

    @Override
    public List<NewArray> annotate(TokenShard shard, WindowCoordinates windows) {
        int n = windows.size();
        int length = tokenizer.windowTokens();
        int step = tokenizer.overlapping() ? 1 : tokenizer.k();
        int count = tracks.size();
        NewArray states = new NewArray(ARRAY, NpyDType.UINT8, new long[] {count, n, length},
                "per-token signal level, [track, window, token]: 0 no data, 1..Q by the cut points in " + CUTS
                        + " (see annotations." + ARRAY + ")", sink -> {
                    float[] means = new float[length];
                    byte[] rows = new byte[n * length];
                    for (int t = 0; t < count; t++) {
                        SignalLevels levels = cuts.get(t).levels();
                        try (SignalTracks.Reader reader = tracks.reader(t)) {
                            for (int w = 0; w < n; w++) {
                                reader.fill(windows.contigOf(w), windows.start()[w], length, step, tokenizer.k(),
                                        windows.strand()[w], windows.end()[w], means, 0);
                                for (int j = 0; j < length; j++) {
                                    rows[w * length + j] = (byte) levels.level(Half.toFloat(Half.fromFloat(means[j])));
                                }
                            }
                        }
                        sink.write(ByteBuffer.wrap(rows));
                    }
                });
        List<String> names = tracks.names();
        NpyDType namesType = NpyArray.stringType(names);
        NewArray rowNames = new NewArray(ARRAY + "_cell_types", namesType, new long[] {count},
                NpyArray.encodeStrings(names, namesType), "cell type (signal track) of each row of " + ARRAY);
        int perTrack = levels() - 1;
        ByteBuffer cutBytes = ByteBuffer.allocate(count * perTrack * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (SignalLevelCuts.TrackCuts c : cuts) {
            for (float v : c.levels().cuts()) {
                cutBytes.putFloat(v);
            }
        }
        cutBytes.flip();
        NewArray cutArray = new NewArray(CUTS, NpyDType.FLOAT32, new long[] {count, perTrack}, cutBytes,
                "cut points of each row of " + ARRAY + ", ascending, chosen over the training windows");
        return List.of(states, rowNames, cutArray);
    }
}
