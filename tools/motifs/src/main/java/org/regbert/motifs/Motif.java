package org.regbert.motifs;

import java.util.List;

/**
 * A position frequency matrix as read from a motif file: {@code counts[i][b]} is the count (or
 * frequency) of base code {@code b} ({@link Bases}: A, C, G, T) at position {@code i}.
 *
 * @param id the identifier in the file (gimme: {@code MA0139.1_MA0139.1.CTCF}; JASPAR: {@code MA0139.1})
 * @param name a short display name ({@code CTCF}); the id when the file gives none
 * @param factors transcription factors bound by the motif (from a motif2factors table), maybe empty
 * @param counts {@code [length][4]} non-negative, every column with a positive total
 */
public record Motif(String id, String name, List<String> factors, double[][] counts) {

    public Motif {
        factors = List.copyOf(factors);
        double[][] copy = new double[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            if (counts[i].length != 4) {
                throw new IllegalArgumentException(id + ": position " + (i + 1) + " has " + counts[i].length
                        + " values, not 4");
            }
            copy[i] = counts[i].clone();
        }
        counts = copy;
    }

    /** A copy of the matrix (the record keeps its own). */
    @Override
    public double[][] counts() {
        double[][] copy = new double[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    /** {@code counts[position][base]} without copying. */
    public double count(int position, int base) {
        return counts[position][base];
    }

    public int length() {
        return counts.length;
    }

    /** The same motif with other factor names. */
    public Motif withFactors(List<String> newFactors) {
        return new Motif(id, name, newFactors, counts);
    }

    /** The most frequent base at each position (the first of ties in A, C, G, T order). */
    public String consensus() {
        StringBuilder text = new StringBuilder(counts.length);
        for (double[] column : counts) {
            int best = 0;
            for (int b = 1; b < 4; b++) {
                if (column[b] > column[best]) {
                    best = b;
                }
            }
            text.append(Bases.ALPHABET.charAt(best));
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "Motif[" + id + " " + name + ", length " + counts.length + "]";
    }
}
