package org.regbert.epigenome;

import htsjdk.samtools.util.IOUtil;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.regbert.common.BadInputException;

/**
 * The header of a ChromHMM model file ({@code model_N.txt}): number of states, number of marks and
 * the ordering letter ChromHMM prefixes state numbers with in segmentations ({@code E} for
 * emission order, giving {@code E1..EN}). It fixes the state count and order independently of which
 * states happen to occur in each cell type's file.
 */
public record ChromHmmModel(Path file, int states, int marks, char order) {

    /** The name ChromHMM's segmentation files give state {@code number} (1-based), e.g. {@code E3}. */
    public String segmentName(int number) {
        return Character.isLetter(order) ? order + Integer.toString(number) : Integer.toString(number);
    }

    public static ChromHmmModel read(Path modelFile) {
        if (!Files.isReadable(modelFile)) {
            throw new BadInputException(modelFile, Files.exists(modelFile) ? "cannot read ChromHMM model file"
                    : "no such ChromHMM model file");
        }
        String first;
        try (BufferedReader reader = IOUtil.openFileForBufferedReading(modelFile)) {
            first = reader.readLine();
        } catch (IOException | htsjdk.samtools.util.RuntimeIOException e) {
            throw new BadInputException(modelFile, -1, "cannot read ChromHMM model file: " + e.getMessage(), e);
        }
        if (first == null || first.isBlank()) {
            throw new BadInputException(modelFile, "empty file: expected a ChromHMM model (model_N.txt)");
        }
        String[] f = first.split("\t");
        if (f.length < 3) {
            throw new BadInputException(modelFile, 1, "expected a ChromHMM model header 'STATES<TAB>MARKS<TAB>ORDER...',"
                    + " found '" + TabFields.abbreviate(first) + "'");
        }
        int states;
        int marks;
        try {
            states = Integer.parseInt(f[0].strip());
            marks = Integer.parseInt(f[1].strip());
        } catch (NumberFormatException e) {
            throw new BadInputException(modelFile, 1, "the number of states and marks must be integers, found '"
                    + TabFields.abbreviate(first) + "'");
        }
        if (states < 1 || states > StateVocabulary.MAX_STATES) {
            throw new BadInputException(modelFile, 1, "a model of " + states + " states: 1 to "
                    + StateVocabulary.MAX_STATES + " are supported (states are stored as uint8, 0 = no annotation)");
        }
        String orderText = f[2].strip();
        if (orderText.length() != 1) {
            throw new BadInputException(modelFile, 1, "expected a one-letter state ordering (E, T or U) in column 3,"
                    + " found '" + orderText + "'");
        }
        return new ChromHmmModel(modelFile, states, marks, orderText.charAt(0));
    }
}
