package org.regbert.tokenize;

/**
 * Window arithmetic shared by planning and tests: a window of {@code tokens} k-mers covers
 * {@code (tokens - 1) * step + k} bases, where {@code step} is 1 for overlapping (DNABERT) k-mers
 * and k for non-overlapping ones; windows advance by {@code strideTokens * step} bases.
 */
record WindowGeometry(int k, boolean overlapping, int tokens, int strideTokens) {

    int step() {
        return overlapping ? 1 : k;
    }

    int windowBases() {
        return (tokens - 1) * step() + k;
    }

    int strideBases() {
        return strideTokens * step();
    }

    /** Number of full windows tiling an interval of {@code length} bases from its start. */
    long windowsIn(long length) {
        return length < windowBases() ? 0 : (length - windowBases()) / strideBases() + 1;
    }
}
