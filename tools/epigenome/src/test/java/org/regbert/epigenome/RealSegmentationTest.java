package org.regbert.epigenome;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.LongToIntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.regbert.common.BadInputException;

/**
 * The kit's real ChromHMM segmentations (hg18 chr11, 10 states, GM12878 and K562): states at
 * positions taken from the BED lines, k-mer rules at real segment boundaries, both strands, and
 * the assembly check against hg19's chr11.
 */
class RealSegmentationTest {
    private static final String[] CELLS = {"GM12878", "K562"};
    private static EpigenomeTracks tracks;
    private static long chr11;
    private static final Map<String, List<Fixtures.Bed>> BED = new HashMap<>();

    @BeforeAll
    static void load() throws IOException {
        chr11 = Fixtures.chromSize("hg18", "chr11");
        tracks = EpigenomeLoader.builder(Fixtures.hg18Chr11()).build()
                .load(List.of(TrackSpec.of(Fixtures.segmentation("GM12878")), TrackSpec.of(Fixtures.segmentation("K562"))));
        for (String cell : CELLS) {
            BED.put(cell, Fixtures.bed(Fixtures.segmentation(cell)));
        }
    }

    private static Map<String, Integer> ids() {
        Map<String, Integer> ids = new HashMap<>();
        tracks.vocabulary().names().forEach(name -> ids.put(name, tracks.vocabulary().id(name)));
        return ids;
    }

    private static LongToIntFunction reference(String cell) {
        return Fixtures.perBase(BED.get(cell), ids(), StateVocabulary.NONE, chr11);
    }

    @Test
    void cellTypesAndVocabularyComeFromTheFiles() throws IOException {
        assertEquals(List.of("GM12878", "K562"), tracks.names());
        TreeSet<String> fileStates = new TreeSet<>();
        BED.get("GM12878").forEach(record -> fileStates.add(record.name()));
        ChromHmmModel model = ChromHmmModel.read(Fixtures.model());
        assertEquals(model.states(), fileStates.size(), "the file shows every state of the model");
        List<String> expected = new ArrayList<>();
        expected.add(StateVocabulary.NONE_NAME);
        for (int number = 1; number <= model.states(); number++) {
            expected.add(model.segmentName(number));
        }
        assertEquals(expected, tracks.vocabulary().names(), "none, then states in model (numeric) order");
        assertEquals(TrackFormat.CHROMHMM_SEGMENTS, tracks.track(0).format());
    }

    @Test
    void statesAtPositionsMatchTheBedLines() {
        for (int c = 0; c < CELLS.length; c++) {
            List<Fixtures.Bed> records = BED.get(CELLS[c]);
            StateTrack track = tracks.track(c);
            for (int i = 0; i < records.size(); i += 97) {
                Fixtures.Bed record = records.get(i);
                int id = tracks.vocabulary().id(record.name());
                assertTrue(id > 0);
                assertEquals(id, track.stateAt("chr11", record.start()), record.toString());
                assertEquals(id, track.stateAt("chr11", record.end() - 1), record.toString());
                assertEquals(id, track.stateAt("chr11", (record.start() + record.end()) / 2), record.toString());
            }
            Fixtures.Bed last = records.get(records.size() - 1);
            assertTrue(last.end() < chr11, "ChromHMM stops at the last whole bin");
            assertEquals(StateVocabulary.NONE, track.stateAt("chr11", last.end()), "past the segmentation: none");
            assertEquals(StateVocabulary.NONE, track.stateAt("chr11", chr11 - 1));
            assertEquals(StateVocabulary.NONE, track.stateAt("chr11", chr11), "outside the contig: none");
            assertEquals(StateVocabulary.NONE, track.stateAt("chr11", -1));
        }
    }

    @Test
    void cellTypesDiffer() {
        int differing = 0;
        for (long position = 0; position < chr11; position += 100_003) {
            if (tracks.track(0).stateAt("chr11", position) != tracks.track(1).stateAt("chr11", position)) {
                differing++;
            }
        }
        assertTrue(differing > 100, "GM12878 and K562 segmentations differ at many positions: " + differing);
    }

    /** A real boundary between segments of different states, as two consecutive BED lines. */
    private static Fixtures.Bed[] boundary(String cell, int from) {
        List<Fixtures.Bed> records = BED.get(cell);
        for (int i = from; i + 1 < records.size(); i++) {
            Fixtures.Bed left = records.get(i);
            Fixtures.Bed right = records.get(i + 1);
            if (left.end() == right.start() && !left.name().equals(right.name())
                    && left.end() - left.start() >= 10 && right.end() - right.start() >= 10) {
                return new Fixtures.Bed[] {left, right};
            }
        }
        throw new AssertionError("no boundary");
    }

    @Test
    void majorityOverTheKmerAtASegmentBoundary() {
        Fixtures.Bed[] pair = boundary("GM12878", 1000);
        int left = tracks.vocabulary().id(pair[0].name());
        int right = tracks.vocabulary().id(pair[1].name());
        long b = pair[0].end();
        int k = 6;
        // Seven 6-mers starting at b-6 .. b: 6,5,4,3,2,1,0 bases in the left segment.
        byte[] plus = new byte[7];
        tracks.fill(0, "chr11", b - 6, 7, 1, k, 1, b - 6 + 6 + k, plus, 0);
        assertArrayEquals(new byte[] {(byte) left, (byte) left, (byte) left, (byte) left, (byte) right, (byte) right,
                (byte) right}, plus, "3-3 tie goes to the first base's state (left) on strand +1");
        // Strand -1 over the same bases: token j covers [end - k - j, end - j), read from its highest base.
        byte[] minus = new byte[7];
        long windowEnd = b + 6;
        tracks.fill(0, "chr11", 0, 7, 1, k, -1, windowEnd, minus, 0);
        // Tokens j = 0..6 start at b, b-1, ..., b-6: left bases 0,1,2,3,4,5,6.
        assertArrayEquals(new byte[] {(byte) right, (byte) right, (byte) right, (byte) right, (byte) left,
                (byte) left, (byte) left}, minus, "3-3 tie goes to the first base in minus-strand reading order (right)");
        byte[] first = new byte[7];
        tracks.track(0).fill("chr11", b - 6, 7, 1, k, 1, 0, TokenRule.FIRST_BASE, first, 0);
        assertArrayEquals(new byte[] {(byte) left, (byte) left, (byte) left, (byte) left, (byte) left, (byte) left,
                (byte) right}, first, "first-base rule: state at each k-mer's first base");
    }

    @Test
    void minusStrandWindowIsTheReversedPlusStrandWindow() {
        Fixtures.Bed[] pair = boundary("K562", 5000);
        int tokens = 64;
        long windowStart = pair[0].end() - 40;
        long windowEnd = windowStart + tokens - 1 + 6;
        byte[] plus = new byte[tokens];
        byte[] minus = new byte[tokens];
        tracks.track(1).fill("chr11", windowStart, tokens, 1, 6, 1, windowEnd, TokenRule.FIRST_BASE, plus, 0);
        tracks.track(1).fill("chr11", windowStart, tokens, 1, 6, -1, windowEnd, TokenRule.FIRST_BASE, minus, 0);
        LongToIntFunction stateAt = reference("K562");
        for (int j = 0; j < tokens; j++) {
            assertEquals(stateAt.applyAsInt(windowStart + j), plus[j]);
            assertEquals(stateAt.applyAsInt(windowEnd - 1 - j), minus[j], "minus token j starts reading at windowEnd-1-j");
        }
        assertNotEquals(plus[0], plus[tokens - 1], "the window spans the boundary");
    }

    @Test
    void windowsEverywhereMatchABaseByBaseReference() {
        Random random = new Random(11);
        int[][] geometries = {{6, 1, 512}, {3, 1, 100}, {6, 6, 85}, {1, 1, 200}, {5, 2, 50}};
        for (int c = 0; c < CELLS.length; c++) {
            LongToIntFunction stateAt = reference(CELLS[c]);
            List<Fixtures.Bed> records = BED.get(CELLS[c]);
            for (int trial = 0; trial < 400; trial++) {
                int[] g = geometries[trial % geometries.length];
                int k = g[0];
                int step = g[1];
                int tokens = g[2];
                long span = (long) (tokens - 1) * step + k;
                // Half the windows sit on segment boundaries; a few reach past the contig's ends.
                long start = trial % 2 == 0 ? records.get(random.nextInt(records.size())).start() - random.nextInt((int) span)
                        : (long) (random.nextDouble() * chr11);
                if (trial % 50 == 1) {
                    start = chr11 - span / 2;
                } else if (trial % 50 == 3) {
                    start = -span / 3;
                }
                int strand = random.nextBoolean() ? 1 : -1;
                TokenRule rule = trial % 3 == 0 ? TokenRule.FIRST_BASE : TokenRule.MAJORITY;
                byte[] actual = new byte[tokens + 3];
                tracks.track(c).fill("chr11", start, tokens, step, k, strand, start + span, rule, actual, 3);
                byte[] expected = Fixtures.expectedWindow(stateAt, start, tokens, step, k, strand, start + span, rule);
                assertArrayEquals(expected, java.util.Arrays.copyOfRange(actual, 3, tokens + 3),
                        CELLS[c] + " window " + start + " k=" + k + " step=" + step + " strand=" + strand + " " + rule);
            }
        }
    }

    @Test
    void allTracksAtOnceAreRowsOfCellTypes() {
        int tokens = 128;
        byte[] all = new byte[2 * tokens];
        long start = BED.get("GM12878").get(2000).start() - 50;
        tracks.fill("chr11", start, tokens, 1, 6, 1, start + tokens + 5, all);
        for (int c = 0; c < 2; c++) {
            byte[] one = new byte[tokens];
            tracks.fill(c, "chr11", start, tokens, 1, 6, 1, start + tokens + 5, one, 0);
            assertArrayEquals(one, java.util.Arrays.copyOfRange(all, c * tokens, (c + 1) * tokens));
        }
    }

    @Test
    void theModelFileGivesTheSameVocabulary() throws IOException {
        EpigenomeTracks withModel = EpigenomeLoader.builder(Fixtures.hg18Chr11()).model(Fixtures.model()).threads(2)
                .build().load(List.of(TrackSpec.of(Fixtures.segmentation("K562"))));
        assertEquals(tracks.vocabulary().names(), withModel.vocabulary().names());
        assertTrue(withModel.vocabulary().source().contains("model_10.txt"));
        Fixtures.Bed record = BED.get("K562").get(12345);
        assertEquals(withModel.vocabulary().id(record.name()), withModel.track(0).stateAt("chr11", record.start()));
    }

    @Test
    void manifestListsVocabularyAndTracks() {
        Map<String, Object> manifest = tracks.toManifest();
        assertEquals("majority", manifest.get("rule"));
        assertEquals("hg18", manifest.get("assembly"), "guessed from chr11's length");
        @SuppressWarnings("unchecked")
        Map<String, Object> vocabulary = (Map<String, Object>) manifest.get("vocabulary");
        assertEquals(tracks.vocabulary().names(), vocabulary.get("names"));
        assertEquals(0, vocabulary.get("none"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) manifest.get("tracks");
        assertEquals("K562", list.get(1).get("cellType"));
        assertEquals(List.of(Fixtures.segmentation("K562").toString()), list.get(1).get("files"));
    }

    @Test
    void anHg18SegmentationIsRefusedAgainstHg19() throws IOException {
        long hg19 = Fixtures.chromSize("hg19", "chr11");
        ReferenceContigs reference = ReferenceContigs.of(Map.of("chr11", hg19), Map.of());
        assertEquals("hg19", reference.assembly());
        BadInputException e = assertThrows(BadInputException.class, () -> EpigenomeLoader.builder(reference).build()
                .load(List.of(TrackSpec.of(Fixtures.segmentation("GM12878")))));
        assertTrue(e.getMessage().startsWith(Fixtures.segmentation("GM12878") + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("looks like hg18, not the reference (hg19)"), e.getMessage());
    }

    @Test
    void contigNamesMapThroughAliases() throws IOException {
        ReferenceContigs numeric = ReferenceContigs.of(Map.of("11", chr11), Map.of("chr11", "11"));
        EpigenomeTracks aliased = EpigenomeLoader.builder(numeric).build()
                .load(List.of(TrackSpec.parse(Fixtures.segmentation("GM12878") + ":lymphoblastoid")));
        assertEquals(List.of("lymphoblastoid"), aliased.names());
        Fixtures.Bed record = BED.get("GM12878").get(777);
        assertEquals(aliased.vocabulary().id(record.name()), aliased.track(0).stateAt("11", record.start()));
        assertEquals(Map.of("chr11=11", 1L), numeric.resolver().aliasUse());
    }
}
