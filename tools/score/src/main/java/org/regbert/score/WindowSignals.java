package org.regbert.score;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.common.BadInputException;
import org.regbert.genome.ContigResolver;
import org.regbert.epigenome.ReferenceContigs;
import org.regbert.epigenome.SignalTracks;
import org.regbert.epigenome.TrackSpec;
import org.regbert.finetune.ShardInputs;
import org.regbert.finetune.TaskSpec;
import org.regbert.finetune.WindowSignal;
import org.regbert.shards.Half;

/**
 * bigWig task features of scored windows, for models fine-tuned with {@code finetune --feature signal}:
 * read from the user's bigWig files ({@code --signal FILE[:TRACK]}) exactly as the training shards
 * had them: align's per-token means (the epigenome library's {@link SignalTracks.Reader}, NaN where no
 * base has data), rounded to float16 as align stores them, then finetune's {@link WindowSignal}
 * (asinh of the mean over tokens with data, and a has-data flag). Each track fills the model's
 * column pair its name gives: {@code CELL} → {@code signal}, {@code CELL.MARK} → {@code signal:MARK}.
 */
final class WindowSignals implements AutoCloseable {
    private final SignalTracks.Reader[] readers;
    private final String description;
    private float[] tokenMeans = new float[0];

    private WindowSignals(SignalTracks.Reader[] readers, String description) {
        this.readers = readers;
        this.description = description;
    }

    /**
     * The signal readers for {@code spec}'s feature columns, from the {@code --signal} values given, or
     * null when the model reads no signal (then no value may be given).
     */
    static WindowSignals open(TaskSpec spec, List<String> options, Map<String, Long> contigLengths,
            Map<String, String> aliases) {
        if (!spec.features().contains(ShardInputs.SIGNAL)) {
            if (!options.isEmpty()) {
                throw new BadInputException("--signal: this model reads no bigWig signal (it was fine-tuned without"
                        + " 'finetune --feature signal'); leave the option out");
            }
            return null;
        }
        if (!spec.features().equals(List.of(ShardInputs.SIGNAL))) {
            throw new BadInputException("the model reads task features " + spec.featureNames() + " of several arrays"
                    + " " + spec.features() + ": score computes bigWig signal alone, or the window mean of the state"
                    + " array it reads; score the windows from aligned shards with 'regbert evaluate' instead");
        }
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < spec.featureNames().size(); i += 2) {
            columns.add(spec.featureNames().get(i));
        }
        if (options.isEmpty()) {
            throw new BadInputException("the model reads bigWig signal task features " + spec.featureNames()
                    + " (finetune --feature signal): pass --signal FILE.bw:TRACK for each of its columns " + columns
                    + " (TRACK CELL for 'signal', CELL.MARK for 'signal:MARK', as align --signal named them)");
        }
        List<TrackSpec> specs = options.stream().map(TrackSpec::parse).toList();
        ContigResolver resolver = new ContigResolver(List.copyOf(contigLengths.keySet()), aliases, true);
        SignalTracks tracks = SignalTracks.open(specs, new ReferenceContigs(contigLengths, resolver, null), null);
        Map<String, Integer> byColumn = new LinkedHashMap<>();
        for (int t = 0; t < tracks.size(); t++) {
            String name = tracks.names().get(t);
            int dot = name.indexOf('.');
            String column = dot < 0 ? ShardInputs.SIGNAL : ShardInputs.SIGNAL + ":" + name.substring(dot + 1);
            Integer earlier = byColumn.putIfAbsent(column, t);
            if (earlier != null) {
                throw new BadInputException(specs.get(t).file(), "track '" + name + "' fills column '" + column
                        + "', as '" + tracks.names().get(earlier) + "' does: give one track per column " + columns);
            }
        }
        if (!byColumn.keySet().equals(new java.util.HashSet<>(columns))) {
            throw new BadInputException("--signal: the tracks given fill columns " + byColumn.keySet() + ", the model"
                    + " reads " + columns + " (TRACK CELL fills 'signal', CELL.MARK fills 'signal:MARK')");
        }
        SignalTracks.Reader[] readers = new SignalTracks.Reader[columns.size()];
        StringBuilder what = new StringBuilder("bigWig signal: ");
        for (int c = 0; c < columns.size(); c++) {
            int t = byColumn.get(columns.get(c));
            readers[c] = tracks.reader(t);
            what.append(c == 0 ? "" : ", ").append(columns.get(c)).append(" from ").append(tracks.tracks().get(t).file());
        }
        return new WindowSignals(readers, what.toString());
    }

    /** Feature values per window: a scaled mean and a has-data flag per track. */
    int columns() {
        return readers.length * 2;
    }

    String description() {
        return description;
    }

    /** The features of the forward window of {@code tokens} tokens at {@code start}, into {@code into[at ..]}. */
    void fill(String contig, long start, int tokens, int step, int k, float[] into, int at) {
        if (tokenMeans.length < tokens) {
            tokenMeans = new float[tokens];
        }
        long end = start + (long) (tokens - 1) * step + k;
        for (int c = 0; c < readers.length; c++) {
            readers[c].fill(contig, start, tokens, step, k, 1, end, tokenMeans, 0);
            for (int j = 0; j < tokens; j++) {
                tokenMeans[j] = Half.toFloat(Half.fromFloat(tokenMeans[j]));  // as align stores them
            }
            WindowSignal signal = new WindowSignal(tokenMeans, tokens);
            into[at + 2 * c] = signal.scaledMean();
            into[at + 2 * c + 1] = signal.hasData();
        }
    }

    @Override
    public void close() {
        for (SignalTracks.Reader r : readers) {
            r.close();
        }
    }
}
