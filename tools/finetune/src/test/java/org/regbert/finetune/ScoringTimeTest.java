package org.regbert.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The scoring-time estimate of a budgeted fine-tuning, with the expected values worked out by hand. */
class ScoringTimeTest {
    @Test
    void separatesTheFixedPartOfAPassFromThePartPerWindow() {
        // 0.4 s per pass and 1 ms a window: 64 windows in 0.464 s, 1,024 in 1.424 s
        ScoringTime time = ScoringTime.fit(64, 0.464, 1024, 1.424);
        assertEquals(0.4, time.fixedSeconds(), 1e-9);
        assertEquals(0.001, time.secondsPerWindow(), 1e-12);
        // 102,105 test windows: 0.4 + 102.105 s, not the 1,024-window pass's 1.39 ms a window times 102,105 (142 s)
        assertEquals(102.505, time.seconds(102_105), 1e-6);
        assertEquals(0, time.seconds(0));
    }

    @Test
    void aDifferenceLostInNoisePricesEveryWindowAtTheLargerPassMean() {
        ScoringTime time = ScoringTime.fit(64, 0.5, 1024, 0.5);
        assertEquals(0, time.fixedSeconds());
        assertEquals(0.5 / 1024, time.secondsPerWindow(), 1e-15);
        assertEquals(0.5 / 1024, ScoringTime.fit(1024, 0.3, 1024, 0.5).secondsPerWindow(), 1e-15); // all windows fit in one pass
    }

    @Test
    void aFixedPartBelowZeroIsZero() {
        // 64 windows in 0.01 s, 1,024 in 1.0 s: 1.03 ms a window would make the fixed part -0.056 s
        ScoringTime time = ScoringTime.fit(64, 0.01, 1024, 1.0);
        assertEquals(0, time.fixedSeconds());
        assertEquals(0.99 / 960, time.secondsPerWindow(), 1e-15);
    }

    @Test
    void spreadPicksEvenlySpacedWindowsOrAllOfThem() {
        int[] windows = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
        // i * 10 / 4 for i = 0..3: 0, 2, 5, 7
        assertArrayEquals(new int[] {10, 12, 15, 17}, ScoringTime.spread(windows, 4));
        assertArrayEquals(windows, ScoringTime.spread(windows, 10));
        assertArrayEquals(new int[] {5, 6}, ScoringTime.spread(new int[] {5, 6}, 64));
    }
}
