package org.regbert.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** K-mer counts worked by hand (codes: A=0, C=1, G=2, T=3, lexicographic). */
class KmerCounterTest {

    private static KmerCounter.Row count(String bases, int k) {
        byte[] b = bases.getBytes(StandardCharsets.US_ASCII);
        return new KmerCounter(k).count(b, 0, b.length, new KmerCounter.Row());
    }

    @Test
    void dimersSkipTheNAndCountRepeats() {
        // ACGTNACGA: AC CG GT | TN NA skipped | AC CG GA  ->  AC 2, CG 2, GA 1, GT 1
        // codes: AC = 0*4+1 = 1, CG = 1*4+2 = 6, GA = 2*4+0 = 8, GT = 2*4+3 = 11
        KmerCounter.Row row = count("ACGTNACGA", 2);
        assertEquals(4, row.size);
        assertArrayEquals(new int[] {1, 6, 8, 11}, Arrays.copyOf(row.columns, row.size));
        assertArrayEquals(new float[] {2, 2, 1, 1}, Arrays.copyOf(row.values, row.size));
    }

    @Test
    void trimersOfLowerCaseBases() {
        // acgtacg: ACG CGT GTA TAC ACG -> ACG 2 (0*16+1*4+2 = 6), CGT (16+8+3 = 27), GTA (32+12+0 = 44), TAC (48+0+1 = 49)
        KmerCounter.Row row = count("acgtacg", 3);
        assertArrayEquals(new int[] {6, 27, 44, 49}, Arrays.copyOf(row.columns, row.size));
        assertArrayEquals(new float[] {2, 1, 1, 1}, Arrays.copyOf(row.values, row.size));
        assertEquals("ACG", KmerCounter.name(6, 3));
        assertEquals("TTT", KmerCounter.name(63, 3));
        assertEquals(64, new KmerCounter(3).columns());
    }

    @Test
    void windowsShorterThanKOrAllNHaveNoKmers() {
        assertEquals(0, count("ACG", 4).size);
        assertEquals(0, count("NNNNNNNN", 3).size);
        // a reused counter starts from zero: the second window does not inherit the first's counts
        KmerCounter counter = new KmerCounter(3);
        KmerCounter.Row row = new KmerCounter.Row();
        byte[] first = "AAAAA".getBytes(StandardCharsets.US_ASCII); // AAA x3
        counter.count(first, 0, first.length, row);
        assertArrayEquals(new float[] {3}, Arrays.copyOf(row.values, row.size));
        byte[] second = "AAAC".getBytes(StandardCharsets.US_ASCII); // AAA, AAC
        counter.count(second, 0, second.length, row);
        assertArrayEquals(new int[] {0, 1}, Arrays.copyOf(row.columns, row.size));
        assertArrayEquals(new float[] {1, 1}, Arrays.copyOf(row.values, row.size));
    }
}
