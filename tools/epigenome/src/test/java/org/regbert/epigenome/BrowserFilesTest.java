package org.regbert.epigenome;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.LongToIntFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Roadmap-style files written by the test: {@code *_mnemonics.bed} (4 columns), {@code *_dense.bed}
 * (track line + BED9) and {@code *_expanded.bed} (ChromHMM MakeBrowserFiles' layout: one BED12
 * line per state and contig, with its two display-only blocks), for models of 10, 15, 18 and 25
 * states. Each must give back the segmentation it was written from.
 */
class BrowserFilesTest {
    private static final String[] ROADMAP_15 = {"TssA", "TssAFlnk", "TxFlnk", "Tx", "TxWk", "EnhG", "Enh", "ZNF/Rpts",
            "Het", "TssBiv", "BivFlnk", "EnhBiv", "ReprPC", "ReprPCWk", "Quies"};
    private static final Map<String, Long> CONTIGS = new LinkedHashMap<>();

    static {
        CONTIGS.put("chr1", 120_345L);
        CONTIGS.put("chr2", 60_017L);
        CONTIGS.put("chrY", 9_000L);
    }

    @TempDir
    Path dir;

    static String stateName(int number, int states) {
        return number + "_" + (states == 15 ? ROADMAP_15[number - 1] : "State" + number);
    }

    /** A random whole-contig segmentation in 200 bp bins where every state occurs; chrY left out. */
    static List<Fixtures.Bed> segmentation(long seed, int states, boolean labelled) {
        Random random = new Random(seed);
        List<Fixtures.Bed> segments = new ArrayList<>();
        for (Map.Entry<String, Long> contig : CONTIGS.entrySet()) {
            if (contig.getKey().equals("chrY")) {
                continue;
            }
            long end = contig.getValue() / 200 * 200;
            long position = 0;
            int previous = -1;
            int forced = 1;
            while (position < end) {
                int state;
                do {
                    state = forced <= states ? forced++ : 1 + random.nextInt(states);
                } while (state == previous);
                long length = 200L * (1 + random.nextInt(6));
                long segmentEnd = Math.min(end, position + length);
                String name = labelled ? stateName(state, states) : "E" + state;
                segments.add(new Fixtures.Bed(contig.getKey(), position, segmentEnd, name));
                position = segmentEnd;
                previous = state;
            }
        }
        return segments;
    }

    static String mnemonics(List<Fixtures.Bed> segments) {
        StringBuilder text = new StringBuilder();
        segments.forEach(s -> text.append(s.contig()).append('\t').append(s.start()).append('\t').append(s.end())
                .append('\t').append(s.name()).append('\n'));
        return text.toString();
    }

    static String color(String name) {
        int n = StateNames.number(name);
        return (n * 37 % 256) + "," + (n * 91 % 256) + "," + (n * 13 % 256);
    }

    static String dense(String epigenome, List<Fixtures.Bed> segments) {
        StringBuilder text = new StringBuilder("track name=\"" + epigenome + "\" description=\"" + epigenome
                + " coreMarks\" visibility=1 itemRgb=\"On\"\n");
        segments.forEach(s -> text.append(s.contig()).append('\t').append(s.start()).append('\t').append(s.end())
                .append('\t').append(s.name()).append("\t0\t.\t").append(s.start()).append('\t').append(s.end())
                .append('\t').append(color(s.name())).append('\n'));
        return text.toString();
    }

    /** The layout ChromHMM's MakeBrowserFiles writes for {@code *_expanded.bed}. */
    static String expanded(String epigenome, List<Fixtures.Bed> segments) {
        Map<String, Long> contigEnd = new TreeMap<>();
        TreeMap<Integer, String> labels = new TreeMap<>();
        Map<String, List<Fixtures.Bed>> byContigAndLabel = new HashMap<>();
        for (Fixtures.Bed s : segments) {
            contigEnd.merge(s.contig(), s.end(), Math::max);
            labels.put(StateNames.number(s.name()), s.name());
            byContigAndLabel.computeIfAbsent(s.contig() + "\t" + s.name(), key -> new ArrayList<>()).add(s);
        }
        StringBuilder text = new StringBuilder("track name=\"Expanded_" + epigenome + "\" description=\" " + epigenome
                + " (Emission ordered)\" visibility=2 itemRgb=\"On\"\n");
        text.append("browser position ").append(contigEnd.keySet().iterator().next()).append(":1-121\n");
        for (String label : labels.descendingMap().values()) {
            for (Map.Entry<String, Long> contig : contigEnd.entrySet()) {
                List<Fixtures.Bed> records = byContigAndLabel.get(contig.getKey() + "\t" + label);
                if (records == null) {
                    continue;
                }
                long max = contig.getValue();
                StringBuilder sizes = new StringBuilder("0");
                StringBuilder starts = new StringBuilder("0");
                for (Fixtures.Bed r : records) {
                    sizes.append(',').append(r.end() - r.start());
                    starts.append(',').append(r.start());
                }
                sizes.append(",1");
                starts.append(',').append(max - 1);
                text.append(contig.getKey()).append("\t0\t").append(max).append('\t').append(label).append("\t0\t.\t")
                        .append(records.get(0).start()).append('\t').append(max).append('\t').append(color(label))
                        .append('\t').append(records.size() + 2).append('\t').append(sizes).append('\t').append(starts)
                        .append('\n');
            }
        }
        return text.toString();
    }

    private static ReferenceContigs reference() {
        return ReferenceContigs.of(CONTIGS, Map.of());
    }

    private static void assertTrackEquals(EpigenomeTracks tracks, String name, List<Fixtures.Bed> segments) {
        StateTrack track = tracks.track(tracks.indexOf(name));
        Map<String, Integer> ids = new HashMap<>();
        tracks.vocabulary().names().forEach(state -> ids.put(state, tracks.vocabulary().id(state)));
        for (Fixtures.Bed s : segments) {
            assertEquals(ids.get(s.name()), track.stateAt(s.contig(), s.start()), name + " " + s);
            assertEquals(ids.get(s.name()), track.stateAt(s.contig(), s.end() - 1), name + " " + s);
        }
        for (Map.Entry<String, Long> contig : CONTIGS.entrySet()) {
            assertEquals(StateVocabulary.NONE, track.stateAt(contig.getKey(), contig.getValue() - 1),
                    name + ": after the last whole bin, and on chrY, no annotation");
        }
        Random random = new Random(name.hashCode());
        for (String contig : List.of("chr1", "chr2")) {
            List<Fixtures.Bed> onContig = segments.stream().filter(s -> s.contig().equals(contig)).toList();
            LongToIntFunction stateAt = Fixtures.perBase(onContig, ids, StateVocabulary.NONE, CONTIGS.get(contig));
            for (int trial = 0; trial < 60; trial++) {
                long start = random.nextInt((int) (long) CONTIGS.get(contig)) - 50;
                int strand = trial % 2 == 0 ? 1 : -1;
                byte[] out = new byte[300];
                track.fill(contig, start, 300, 1, 6, strand, start + 305, TokenRule.MAJORITY, out, 0);
                assertArrayEquals(Fixtures.expectedWindow(stateAt, start, 300, 1, 6, strand, start + 305,
                        TokenRule.MAJORITY), out, name + " " + contig + ":" + start + " strand " + strand);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 15, 18, 25})
    void denseExpandedAndMnemonicsGiveTheSegmentation(int states) throws IOException {
        List<Fixtures.Bed> e003 = segmentation(3, states, true);
        List<Fixtures.Bed> e004 = segmentation(4, states, true);
        List<Fixtures.Bed> e005 = segmentation(5, states, true);
        String model = states + "_coreMarks";
        Path dense = Fixtures.write(dir.resolve("E003_" + model + "_dense.bed.gz"), dense("E003", e003));
        Path expanded = Fixtures.write(dir.resolve("E004_" + model + "_expanded.bed.gz"), expanded("E004", e004));
        Path mnemonics = Fixtures.write(dir.resolve("E005_" + model + "_mnemonics.bed"), mnemonics(e005));
        assertEquals(TrackFormat.ROADMAP_DENSE, FormatDetector.detect(dense));
        assertEquals(TrackFormat.ROADMAP_EXPANDED, FormatDetector.detect(expanded));
        assertEquals(TrackFormat.CHROMHMM_SEGMENTS, FormatDetector.detect(mnemonics));

        EpigenomeTracks tracks = EpigenomeLoader.builder(reference()).threads(2).build()
                .load(List.of(TrackSpec.of(dense), TrackSpec.of(expanded), TrackSpec.of(mnemonics)));
        assertEquals(List.of("E003", "E004", "E005"), tracks.names());
        assertEquals(states + 1, tracks.vocabulary().size());
        for (int number = 1; number <= states; number++) {
            assertEquals(stateName(number, states), tracks.vocabulary().name(number), "natural numeric order");
        }
        assertTrackEquals(tracks, "E003", e003);
        assertTrackEquals(tracks, "E004", e004);
        assertTrackEquals(tracks, "E005", e005);
    }

    @Test
    void contentAloneTellsDenseFromExpanded() throws IOException {
        List<Fixtures.Bed> segments = segmentation(9, 15, true);
        Path dense = Fixtures.write(dir.resolve("a.bed"), dense("A", segments));
        Path expanded = Fixtures.write(dir.resolve("b.bed.gz"), expanded("B", segments));
        assertEquals(TrackFormat.ROADMAP_DENSE, FormatDetector.detect(dense));
        assertEquals(TrackFormat.ROADMAP_EXPANDED, FormatDetector.detect(expanded));
        EpigenomeTracks tracks = EpigenomeLoader.builder(reference()).build()
                .load(List.of(TrackSpec.parse(dense + ":A"), TrackSpec.parse(expanded + ":B")));
        for (long position = 0; position < CONTIGS.get("chr1"); position += 97) {
            assertEquals(tracks.track(0).stateAt("chr1", position), tracks.track(1).stateAt("chr1", position));
        }
    }

    @Test
    void segmentsWithEmissionOrderNamesAndAModelWithMoreStates() throws IOException {
        List<Fixtures.Bed> gm = segmentation(21, 18, false);
        List<Fixtures.Bed> k562 = new ArrayList<>(segmentation(22, 18, false));
        // K562 never shows E18 here: allowed only with the model, which fixes 18 states.
        k562.replaceAll(s -> s.name().equals("E18") ? new Fixtures.Bed(s.contig(), s.start(), s.end(), "E17") : s);
        Path a = Fixtures.write(dir.resolve("GM12878_18_segments.bed"), mnemonics(gm));
        Path b = Fixtures.write(dir.resolve("K562_18_segments.bed"), mnemonics(k562));
        Path model = Fixtures.write(dir.resolve("model_18.txt"), "18\t6\tE\t-1.0\t200\nprobinit\t1\t0.1\n");
        EpigenomeTracks tracks = EpigenomeLoader.builder(reference()).model(model).build()
                .load(List.of(TrackSpec.of(a), TrackSpec.of(b)));
        assertEquals(List.of("GM12878", "K562"), tracks.names());
        assertEquals("E10", tracks.vocabulary().name(10));
        assertEquals("E18", tracks.vocabulary().name(18));
        assertTrue(tracks.vocabulary().source().contains("model_18.txt"));
        Fixtures.Bed record = k562.get(40);
        assertEquals(StateNames.number(record.name()), tracks.track(1).stateAt(record.contig(), record.start()));
    }
}
