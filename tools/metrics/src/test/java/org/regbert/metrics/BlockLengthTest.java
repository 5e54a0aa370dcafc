package org.regbert.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BlockLengthTest {
    @Test
    void lengthsAsUsersWriteThem() {
        assertEquals(1_000_000, BlockLength.parse("1000000"));
        assertEquals(1_000_000, BlockLength.parse("1Mb"));
        assertEquals(1_000_000, BlockLength.parse("1mb"));
        assertEquals(500_000, BlockLength.parse("500kb"));
        assertEquals(500_000, BlockLength.parse("500 kb"));
        assertEquals(2_500_000, BlockLength.parse("2.5Mb"));
        assertEquals(200, BlockLength.parse("200bp"));
        assertEquals(1_000_000, BlockLength.DEFAULT_BASES);
    }

    @Test
    void badLengthsAreRefused() {
        for (String bad : new String[] {"", "Mb", "-1Mb", "0", "1.5", "1.0000005Mb", "1 Gb", "1e6", "ten"}) {
            assertThrows(IllegalArgumentException.class, () -> BlockLength.parse(bad), bad);
        }
    }

    @Test
    void formattedForTheReport() {
        assertEquals("1 Mb", BlockLength.format(1_000_000));
        assertEquals("2.5 Mb", BlockLength.format(2_500_000));
        assertEquals("500 kb", BlockLength.format(500_000));
        assertEquals("1.5 kb", BlockLength.format(1_500));
        assertEquals("1234 bp", BlockLength.format(1_234));
        assertEquals("1 bp", BlockLength.format(1));
    }
}
