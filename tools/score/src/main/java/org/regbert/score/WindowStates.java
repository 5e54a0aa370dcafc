package org.regbert.score;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.regbert.common.BadInputException;
import org.regbert.epigenome.EpigenomeLoader;
import org.regbert.epigenome.EpigenomeTracks;
import org.regbert.epigenome.PeakLevels;
import org.regbert.epigenome.ReferenceContigs;
import org.regbert.epigenome.SignalLevels;
import org.regbert.epigenome.SignalTracks;
import org.regbert.epigenome.TrackFormat;
import org.regbert.epigenome.TrackSpec;
import org.regbert.finetune.TaskSpec;
import org.regbert.genome.ContigResolver;
import org.regbert.pretrain.Vocabularies;
import org.regbert.shards.Half;

/**
 * Per-token states of scored windows for EBERT models: computed from the user's segmentation
 * ({@code --states}) or peak file ({@code --peaks}) with the epigenome library, as align computed
 * them for the training shards, after checking the state names are the model's; for models trained on
 * quantised bigWig signal ({@code signal_states}), from {@code --signal FILE.bw:TRACK}: align's
 * per-token means rounded to float16 as the shards store them, then levelled with the cut points the
 * model keeps for TRACK. Without a file every token gets state 0 ("no annotation"), with a warning:
 * the model then sees less than it was trained on. Models without a state array (GeneBERT) get none.
 */
final class WindowStates implements AutoCloseable {
    private final EpigenomeTracks tracks;
    private final int track;
    private final int cellTypeId;
    private final boolean needed;
    private final String description;
    /** signal_states: the track's reader and the model's cut points for it, else null. */
    private final SignalTracks.Reader signal;
    private final SignalLevels levels;
    private float[] means = new float[0];

    private WindowStates(EpigenomeTracks tracks, int track, int cellTypeId, boolean needed, String description) {
        this(tracks, track, cellTypeId, needed, description, null, null);
    }

    private WindowStates(EpigenomeTracks tracks, int track, int cellTypeId, boolean needed, String description,
            SignalTracks.Reader signal, SignalLevels levels) {
        this.tracks = tracks;
        this.track = track;
        this.cellTypeId = cellTypeId;
        this.needed = needed;
        this.description = description;
        this.signal = signal;
        this.levels = levels;
    }

    /**
     * The states of a model trained on {@code signal_states}: {@code options} are the {@code --signal}
     * values, of which the one whose TRACK the model keeps cut points for gives the states (several
     * may be given when the model also reads signal task features); {@code array} is {@code --peaks} or
     * {@code --states} if given (refused).
     */
    static WindowStates openSignal(TaskSpec spec, Vocabularies vocab, boolean cellTypeEmbedding, String array,
            List<String> options, Map<String, Long> contigLengths, Map<String, String> aliases, boolean quiet,
            PrintStream err) {
        Map<String, float[]> cuts = vocab.stateLevelCuts();
        if (cuts == null || cuts.isEmpty()) {
            throw new BadInputException("the model reads '" + spec.stateArray() + "' but keeps no signal level cut"
                    + " points (vocabularies.json): pre-train it again with this regbert");
        }
        if (array != null) {
            throw new BadInputException("--" + array + ": the model was trained on quantised bigWig signal ('"
                    + spec.stateArray() + "'): pass --signal FILE.bw:TRACK with TRACK one of " + cuts.keySet());
        }
        if (options.isEmpty()) {
            if (cellTypeEmbedding) {
                throw new BadInputException("this EBERT model has a cell-type embedding: pass --signal FILE.bw:TRACK"
                        + " with TRACK one of " + cuts.keySet());
            }
            if (!quiet) {
                err.println("score: warning: the model reads per-token quantised bigWig signal and no --signal"
                        + " FILE.bw:TRACK was given: every token gets state 0 (no data), so predictions differ from"
                        + " those on windows with signal");
            }
            return new WindowStates(null, -1, -1, true, "state 0 (no --signal given)");
        }
        List<TrackSpec> specs = options.stream().map(TrackSpec::parse).toList();
        ContigResolver resolver = new ContigResolver(List.copyOf(contigLengths.keySet()), aliases, true);
        SignalTracks signalTracks = SignalTracks.open(specs, new ReferenceContigs(contigLengths, resolver, null), null);
        List<Integer> matching = new ArrayList<>();
        for (int t = 0; t < signalTracks.size(); t++) {
            if (cuts.containsKey(signalTracks.names().get(t))) {
                matching.add(t);
            }
        }
        if (matching.size() != 1) {
            throw new BadInputException("--signal: the model keeps signal level cut points for " + cuts.keySet()
                    + "; give one --signal FILE.bw:TRACK with TRACK one of them (given: " + signalTracks.names() + ")");
        }
        int t = matching.get(0);
        String name = signalTracks.names().get(t);
        SignalLevels levels = new SignalLevels(cuts.get(name));
        if (levels.levels() != vocab.states().size() - 1) {
            throw new BadInputException("the model's " + (vocab.states().size() - 1) + " signal levels do not match its "
                    + levels.levels() + " cut intervals for '" + name + "' (vocabularies.json)");
        }
        int cellTypeId = -1;
        if (cellTypeEmbedding) {
            cellTypeId = vocab.cellTypes() == null ? -1 : vocab.cellTypes().indexOf(name);
            if (cellTypeId < 0) {
                throw new BadInputException(specs.get(t).file(), "track '" + name + "' has no cell-type embedding in"
                        + " the model (it knows " + vocab.cellTypes() + ")");
            }
        }
        return new WindowStates(null, -1, cellTypeId, true, "signal_states of " + name + " (" + levels.levels()
                + " levels, the model's cut points) from " + specs.get(t).file(), signalTracks.reader(t), levels);
    }

    /**
     * The states source for {@code spec}: {@code option} is the {@code --states} or {@code --peaks}
     * value ({@code FILE[:CELL]}), {@code array} which of the two was given (null: none).
     */
    static WindowStates open(TaskSpec spec, Vocabularies vocab, boolean cellTypeEmbedding, String array,
            String option, Map<String, Long> contigLengths, Map<String, String> aliases, boolean quiet,
            PrintStream err) {
        if (spec.stateArray() == null) {
            if (array != null) {
                throw new BadInputException("--" + array + ": this model reads no per-token states (it is a GeneBERT"
                        + " model or was fine-tuned without them); leave the option out");
            }
            return new WindowStates(null, -1, -1, false, "none (the model reads no states)");
        }
        if (array == null) {
            if (cellTypeEmbedding) {
                throw new BadInputException("this EBERT model has a cell-type embedding: pass --" + spec.stateArray()
                        + " FILE:CELL with CELL one of " + vocab.cellTypes());
            }
            if (!quiet) {
                err.println("score: warning: the model reads per-token '" + spec.stateArray() + "' states and no --"
                        + spec.stateArray() + " FILE[:CELL] was given: every token gets state 0 (no annotation), so"
                        + " predictions differ from those on annotated windows");
            }
            return new WindowStates(null, -1, -1, true, "state 0 (no --" + spec.stateArray() + " given)");
        }
        if (!array.equals(spec.stateArray())) {
            throw new BadInputException("--" + array + ": the model was trained on '" + spec.stateArray()
                    + "' states; pass --" + spec.stateArray() + " FILE[:CELL] instead");
        }
        TrackSpec track = TrackSpec.parse(option);
        ContigResolver resolver = new ContigResolver(List.copyOf(contigLengths.keySet()), aliases, true);
        EpigenomeLoader.Builder loader = EpigenomeLoader.builder(new ReferenceContigs(contigLengths, resolver, null))
                .skipUnknownContigs(true);
        if (array.equals("peaks")) {
            loader.peakLevels(peakLevels(vocab.states(), track)).expectKind(TrackFormat.Kind.PEAKS);
        }
        EpigenomeTracks tracks = loader.build().load(List.of(track));
        checkNames(tracks.vocabulary().names(), vocab.states(), track);
        int cellTypeId = -1;
        String cell = tracks.names().get(0);
        if (cellTypeEmbedding) {
            cellTypeId = vocab.cellTypes() == null ? -1 : vocab.cellTypes().indexOf(cell);
            if (cellTypeId < 0) {
                throw new BadInputException(track.file(), "cell type '" + cell + "' has no embedding in the model"
                        + " (it knows " + vocab.cellTypes() + "): name it with FILE:CELL");
            }
        }
        return new WindowStates(tracks, 0, cellTypeId, true, array + " of " + cell + " from " + track.file());
    }

    /** The peak levels the model's state names say align used: closed/open, or closed plus Q1..Qn. */
    private static PeakLevels peakLevels(List<String> states, TrackSpec track) {
        if (states.contains("open")) {
            return PeakLevels.openClosed();
        }
        int quantiles = (int) states.stream().filter(s -> s.matches("Q\\d+")).count();
        if (quantiles == 0) {
            throw new BadInputException(track.file(), "the model's states " + states + " are not peak levels");
        }
        return PeakLevels.quantiles(quantiles);
    }

    /** The loaded vocabulary must be the model's, state 0 ("none"/"no annotation") aside. */
    private static void checkNames(List<String> loaded, List<String> model, TrackSpec track) {
        if (model == null || !loaded.subList(1, loaded.size()).equals(model.subList(1, model.size()))) {
            throw new BadInputException(track.file(), "its states " + loaded.subList(1, loaded.size())
                    + " differ from the ones the model was trained with " + (model == null ? "[]"
                    : model.subList(1, model.size())) + ": use the same kind of file (and --peak-levels) as for align");
        }
    }

    /** Whether the model reads states (then {@link #fill} must be called for every window). */
    boolean needed() {
        return needed;
    }

    /** The cell-type embedding id, -1 when the model has none. */
    int cellTypeId() {
        return cellTypeId;
    }

    String description() {
        return description;
    }

    /** States of the {@code tokens} tokens of the forward window at {@code [start, start + bases)}. */
    void fill(String contig, long start, int tokens, int step, int k, int[] into, int at, byte[] scratch) {
        if (signal != null) {
            if (means.length < tokens) {
                means = new float[tokens];
            }
            signal.fill(contig, start, tokens, step, k, 1, start + (long) (tokens - 1) * step + k, means, 0);
            for (int j = 0; j < tokens; j++) {
                into[at + j] = levels.level(Half.toFloat(Half.fromFloat(means[j])));  // as align levels them
            }
            return;
        }
        if (tracks == null) {
            java.util.Arrays.fill(into, at, at + tokens, 0);
            return;
        }
        long end = start + (long) (tokens - 1) * step + k;
        tracks.fill(track, contig, start, tokens, step, k, 1, end, scratch, 0);
        for (int j = 0; j < tokens; j++) {
            into[at + j] = scratch[j] & 0xFF;
        }
    }

    @Override
    public void close() {
        if (signal != null) {
            signal.close();
        }
    }
}
