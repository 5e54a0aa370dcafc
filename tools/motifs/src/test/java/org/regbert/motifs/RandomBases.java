package org.regbert.motifs;

import java.util.Random;

/** Seeded random ASCII sequence for tests: mixed case, with a given share of N and IUPAC codes. */
final class RandomBases {
    private static final byte[] VALID = "ACGTacgt".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] INVALID = "NnRYSWKM-".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private RandomBases() {
    }

    static byte[] of(Random random, int length, double invalidShare) {
        byte[] bases = new byte[length];
        for (int i = 0; i < length; i++) {
            bases[i] = random.nextDouble() < invalidShare ? INVALID[random.nextInt(INVALID.length)]
                    : VALID[random.nextInt(VALID.length)];
        }
        return bases;
    }
}
