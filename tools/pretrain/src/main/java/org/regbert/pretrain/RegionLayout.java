package org.regbert.pretrain;

/**
 * Where GeneBERT's motif-matrix regions lie in a window's tokens. A window of W bases is split as
 * align's motif scan splits it: region r holds bases [r W / R, (r + 1) W / R). Window token i
 * (0-based, without [CLS]) covers bases [i s, i s + k), s = 1 for overlapping k-mers, else k.
 */
final class RegionLayout {
    private final int regions;
    private final int windowTokens;
    private final int windowBases;
    private final int k;
    private final int step;

    RegionLayout(int regions, int windowTokens, int k, boolean overlapping) {
        this.regions = regions;
        this.windowTokens = windowTokens;
        this.k = k;
        this.step = overlapping ? 1 : k;
        this.windowBases = (windowTokens - 1) * step + k;
    }

    static RegionLayout of(Vocabularies vocab) {
        return new RegionLayout(vocab.regions(), vocab.windowTokens(), vocab.k(), vocab.overlapping());
    }

    int regions() {
        return regions;
    }

    int windowTokens() {
        return windowTokens;
    }

    /** First base of region r. */
    long from(int r) {
        return (long) r * windowBases / regions;
    }

    /** One past the last base of region r. */
    long to(int r) {
        return (long) (r + 1) * windowBases / regions;
    }

    /** Whether token i's first base lies in region r (the tokens whose states region r pools). */
    boolean starts(int i, int r) {
        long first = (long) i * step;
        return first >= from(r) && first < to(r);
    }

    /** Whether any base of token i lies in region r (the tokens that show some of region r's DNA). */
    boolean covers(int i, int r) {
        long first = (long) i * step;
        return first < to(r) && first + k > from(r);
    }
}
