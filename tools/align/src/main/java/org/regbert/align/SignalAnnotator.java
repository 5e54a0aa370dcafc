package org.regbert.align;

import java.util.List;
import java.util.Map;
import org.regbert.epigenome.SignalTracks;
import org.regbert.shards.Half;
import org.regbert.shards.NpyArray;
import org.regbert.shards.NpyDType;
import org.regbert.shards.ShardManifest;
import org.regbert.shards.TokenShard;

/**
 * bigWig signal per token: {@code signal} float16 [T, N, L], the mean over each token's bases with
 * data (NaN where none has), and {@code signal_tracks} [T]. One track at a time, each window read
 * from the file as it is written, so memory stays N x L floats.
 */
final class SignalAnnotator implements ShardAnnotator {
    private final SignalTracks tracks;
    private final ShardManifest.TokenizerSpec tokenizer;

    SignalAnnotator(SignalTracks tracks, ShardManifest.TokenizerSpec tokenizer) {
        this.tracks = tracks;
        this.tokenizer = tokenizer;
    }

    @Override
    public String section() {
        return "signal";
    }

    @Override
    public Map<String, Object> describe() {
        return tracks.toManifest();
    }

    @Override
    public List<NewArray> annotate(TokenShard shard, WindowCoordinates windows) {
        int n = windows.size();
        int length = tokenizer.windowTokens();
        int step = tokenizer.overlapping() ? 1 : tokenizer.k();
        int count = tracks.size();
        NewArray signal = new NewArray("signal", NpyDType.FLOAT16, new long[] {count, n, length},
                "per-token mean signal, [track, window, token]; NaN where no base of the token has data (see"
                        + " annotations.signal)", sink -> {
                    float[] rows = new float[n * length];
                    for (int t = 0; t < count; t++) {
                        try (SignalTracks.Reader reader = tracks.reader(t)) {
                            for (int w = 0; w < n; w++) {
                                reader.fill(windows.contigOf(w), windows.start()[w], length, step, tokenizer.k(),
                                        windows.strand()[w], windows.end()[w], rows, w * length);
                            }
                        }
                        sink.write(Half.toLittleEndian(rows));
                    }
                });
        List<String> names = tracks.names();
        NpyDType namesType = NpyArray.stringType(names);
        return List.of(signal, new NewArray("signal_tracks", namesType, new long[] {count},
                NpyArray.encodeStrings(names, namesType), "track of each row of signal"));
    }
}
