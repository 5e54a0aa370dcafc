package org.regbert.align;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.regbert.epigenome.EpigenomeTracks;
import org.regbert.shards.NpyArray;
import org.regbert.shards.NpyDType;
import org.regbert.shards.ShardManifest;
import org.regbert.shards.TokenShard;

/**
 * Per-token epigenetic states of every cell type (EBERT's paired input): {@code NAME} uint8
 * [C, N, L] and {@code NAME_cell_types} [C], one cell type at a time so memory stays N x L.
 * {@code states} holds chromatin-state segmentations, {@code peaks} accessibility from peak files,
 * {@code marks} ChromHMM binarized marks.
 */
final class StatesAnnotator implements ShardAnnotator {
    private final String name;
    private final EpigenomeTracks tracks;
    private final ShardManifest.TokenizerSpec tokenizer;

    StatesAnnotator(String name, EpigenomeTracks tracks, ShardManifest.TokenizerSpec tokenizer) {
        this.name = name;
        this.tracks = tracks;
        this.tokenizer = tokenizer;
    }

    @Override
    public String section() {
        return name;
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
        int cellTypes = tracks.size();
        NewArray states = new NewArray(name, NpyDType.UINT8, new long[] {cellTypes, n, length},
                "per-token state ids, [cell type, window, token] (see annotations." + name + ".vocabulary)", sink -> {
                    byte[] rows = new byte[n * length];
                    for (int c = 0; c < cellTypes; c++) {
                        for (int w = 0; w < n; w++) {
                            tracks.fill(c, windows.contigOf(w), windows.start()[w], length, step, tokenizer.k(),
                                    windows.strand()[w], windows.end()[w], rows, w * length);
                        }
                        sink.write(ByteBuffer.wrap(rows));
                    }
                });
        List<String> names = tracks.names();
        NpyDType namesType = NpyArray.stringType(names);
        NewArray cellTypeNames = new NewArray(name + "_cell_types", namesType, new long[] {cellTypes},
                NpyArray.encodeStrings(names, namesType), "cell type (track) of each row of " + name);
        return List.of(states, cellTypeNames);
    }
}
