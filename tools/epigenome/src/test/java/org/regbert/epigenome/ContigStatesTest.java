package org.regbert.epigenome;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The tiling and its window fill against a base-by-base reference, on random small tilings with
 * short segments (many k-mers spanning three or more pieces, ties, gaps) and windows at both ends.
 */
class ContigStatesTest {

    @Test
    void randomTilingsMatchTheBaseByBaseReference() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int length = 50 + random.nextInt(400);
            int count = 0;
            int[] starts = new int[length];
            int[] ends = new int[length];
            byte[] states = new byte[length];
            int[] perBase = new int[length];
            int gap = round % 2 == 0 ? StateVocabulary.NONE : 1;
            java.util.Arrays.fill(perBase, gap);
            int position = random.nextInt(5);
            while (position < length) {
                int end = Math.min(length, position + 1 + random.nextInt(6));
                int state = 1 + random.nextInt(4);
                starts[count] = position;
                ends[count] = end;
                states[count++] = (byte) state;
                for (int p = position; p < end; p++) {
                    perBase[p] = state;
                }
                position = end + (random.nextInt(4) == 0 ? random.nextInt(4) : 0);
            }
            ContigStates tiling = ContigStates.tile(length, starts, ends, states, count, gap);
            for (int p = -2; p < length + 2; p++) {
                int expected = p < 0 || p >= length ? StateVocabulary.NONE : perBase[p];
                assertEquals(expected, tiling.stateAt(p), "round " + round + " position " + p);
            }
            for (int i = 1; i < tiling.pieces(); i++) {
                assertTrue(tiling.pieceState(i) != tiling.pieceState(i - 1), "neighbouring pieces differ");
            }
            int k = 1 + random.nextInt(8);
            int step = 1 + random.nextInt(3);
            int tokens = 1 + random.nextInt(60);
            long start = random.nextInt(length + 20) - 10;
            long span = (long) (tokens - 1) * step + k;
            for (TokenRule rule : TokenRule.values()) {
                for (int strand : new int[] {1, -1}) {
                    byte[] out = new byte[tokens];
                    // The lowest k-mer start is the window start on both strands when windowEnd = start + span.
                    tiling.fill(start, tokens, step, k, strand < 0, rule, out, 0);
                    byte[] expected = Fixtures.expectedWindow(p -> p < 0 || p >= length ? 0 : perBase[(int) p], start,
                            tokens, step, k, strand, start + span, rule);
                    assertArrayEquals(expected, out, "round " + round + " k=" + k + " step=" + step + " start=" + start
                            + " strand=" + strand + " " + rule);
                }
            }
        }
    }

    @Test
    void uniformContigsAndZeroTokens() {
        ContigStates uniform = ContigStates.uniform(100, 1);
        assertEquals(1, uniform.pieces());
        byte[] out = {9, 9, 9};
        uniform.fill(98, 3, 1, 3, false, TokenRule.MAJORITY, out, 0);
        assertArrayEquals(new byte[] {1, 0, 0}, out, "[98,101) has 2 of 3 bases inside, [99,102) 1, [100,103) none");
        uniform.fill(0, 0, 1, 3, false, TokenRule.MAJORITY, out, 0);
        assertArrayEquals(new byte[] {1, 0, 0}, out, "zero tokens write nothing");
    }
}
