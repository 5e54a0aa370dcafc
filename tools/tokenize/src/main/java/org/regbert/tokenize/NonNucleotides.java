package org.regbert.tokenize;

import java.nio.file.Path;
import org.regbert.common.BadInputException;
import org.regbert.genome.FastaLines;

/**
 * Characters of a FASTA that are no nucleotide: anything but A, C, G, T, U and the IUPAC codes
 * R, Y, S, W, K, M, B, D, H, V, N (either case). Such characters ('1', '*', 'X', '-') become [UNK]
 * like N does, so tokenize counts them per contig instead of letting them pass unseen.
 */
final class NonNucleotides {
    private static final byte[] NOT_NUCLEOTIDE = new byte[256];

    static {
        java.util.Arrays.fill(NOT_NUCLEOTIDE, (byte) 1);
        for (char c : "ACGTURYSWKMBDHVN".toCharArray()) {
            NOT_NUCLEOTIDE[c] = 0;
            NOT_NUCLEOTIDE[Character.toLowerCase(c)] = 0;
        }
    }

    private NonNucleotides() {
    }

    /** Non-nucleotide characters in {@code bases[0, n)}. */
    static int count(byte[] bases, int n) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            count += NOT_NUCLEOTIDE[bases[i] & 0xFF];
        }
        return count;
    }

    /** Position of the first non-nucleotide character in {@code bases[0, n)}, or -1. */
    static int first(byte[] bases, int n) {
        for (int i = 0; i < n; i++) {
            if (NOT_NUCLEOTIDE[bases[i] & 0xFF] != 0) {
                return i;
            }
        }
        return -1;
    }

    /** The {@code --strict-bases} refusal, naming the contig, position, character and FASTA line. */
    static BadInputException refusal(Path fasta, String contig, long position, byte character) {
        long line = FastaLines.lineOf(fasta, contig, position);
        return new BadInputException(fasta, line, "record '" + contig + "' has '" + printable(character)
                + "' at position " + (position + 1) + " (1-based), which is neither A, C, G, T/U nor an IUPAC"
                + " nucleotide code (--strict-bases; without it such characters become [UNK] and are counted)");
    }

    private static String printable(byte c) {
        return c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02x", c & 0xFF);
    }
}
