package org.regbert.motifs;

/**
 * The 2-bit base code shared by matrices and scanners: A=0, C=1, G=2, T=3 (so the complement of
 * code {@code b} is {@code 3 - b}), upper or lower case alike; every other byte (N, IUPAC codes,
 * gaps) is invalid, {@code -1}.
 */
public final class Bases {
    /** Matrix column order, and the letter of each code. */
    public static final String ALPHABET = "ACGT";
    public static final int INVALID = -1;

    private static final byte[] CODE = new byte[256];

    static {
        java.util.Arrays.fill(CODE, (byte) INVALID);
        for (int b = 0; b < 4; b++) {
            CODE[ALPHABET.charAt(b)] = (byte) b;
            CODE[Character.toLowerCase(ALPHABET.charAt(b))] = (byte) b;
        }
    }

    private Bases() {
    }

    /** The code of an ASCII base, or {@link #INVALID}. */
    public static int code(byte base) {
        return CODE[base & 0xFF];
    }

    /** The reverse complement of ASCII bases; invalid bases become {@code N}, case is upper. */
    public static byte[] reverseComplement(byte[] bases) {
        byte[] out = new byte[bases.length];
        for (int i = 0; i < bases.length; i++) {
            int code = code(bases[bases.length - 1 - i]);
            out[i] = code < 0 ? (byte) 'N' : (byte) ALPHABET.charAt(3 - code);
        }
        return out;
    }
}
