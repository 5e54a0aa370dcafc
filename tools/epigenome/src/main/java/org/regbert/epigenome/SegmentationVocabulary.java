package org.regbert.epigenome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.regbert.common.BadInputException;

/**
 * The shared state vocabulary of segmentations. Without a model file every cell type must use the
 * same state names (a different set means a different model, or a file cut to a region where some
 * state never occurs: pass the model file then); they are ordered by state number. With a ChromHMM
 * model the ids are the model's state numbers 1..N, each file's states must be among them, and
 * names must agree per number across files; states no file shows are named as ChromHMM names them
 * in segmentations ({@code E7}).
 */
final class SegmentationVocabulary {
    /** The names and first lines of one file's states. */
    record FileStates(Path file, String cellType, List<String> names, Map<String, Long> firstLines) {
    }

    private SegmentationVocabulary() {
    }

    /** Checks that no two states of one file share a number (e.g. {@code E1} and {@code 1_TssA}). */
    static void checkNumbers(FileStates states) {
        Map<Integer, String> byNumber = new HashMap<>();
        for (String name : states.names()) {
            int number = StateNames.number(name);
            if (number < 0) {
                continue;
            }
            String other = byNumber.putIfAbsent(number, name);
            if (other != null) {
                throw new BadInputException(states.file(), states.firstLines().get(name), "states '" + other + "' (line "
                        + states.firstLines().get(other) + ") and '" + name + "' both have state number " + number);
            }
        }
    }

    /** The vocabulary of files without a model: identical state sets, in state-number order. */
    static StateVocabulary fromFiles(List<FileStates> files) {
        FileStates first = files.get(0);
        Set<String> reference = new TreeSet<>(StateNames.MODEL_ORDER);
        reference.addAll(first.names());
        for (FileStates other : files) {
            checkNumbers(other);
            Set<String> names = new TreeSet<>(StateNames.MODEL_ORDER);
            names.addAll(other.names());
            if (!names.equals(reference)) {
                Set<String> onlyFirst = new LinkedHashSet<>(reference);
                onlyFirst.removeAll(names);
                Set<String> onlyOther = new LinkedHashSet<>(names);
                onlyOther.removeAll(reference);
                throw new BadInputException(other.file(), "state names disagree between cell types: " + first.file()
                        + " (" + first.cellType() + ") has " + describe(reference) + ", " + other.file() + " ("
                        + other.cellType() + ") has " + describe(names) + "; only in the first: " + abbreviate(onlyFirst)
                        + ", only in the second: " + abbreviate(onlyOther) + ". All cell types must come from one"
                        + " ChromHMM model (if a state is merely absent from a file, pass the model file, model_N.txt)");
            }
        }
        return new StateVocabulary(TrackFormat.Kind.SEGMENTATION, new ArrayList<>(reference),
                "state names of " + first.file().getFileName() + ", ordered by state number");
    }

    /** The vocabulary of a ChromHMM model: ids are state numbers, names come from the files. */
    static StateVocabulary fromModel(ChromHmmModel model, List<FileStates> files) {
        String[] names = new String[model.states() + 1];
        FileStates[] namedBy = new FileStates[model.states() + 1];
        for (FileStates states : files) {
            for (String name : states.names()) {
                int number = modelNumber(model, states, name);
                if (names[number] == null) {
                    names[number] = name;
                    namedBy[number] = states;
                } else if (!names[number].equals(name)) {
                    FileStates first = namedBy[number];
                    throw new BadInputException(states.file(), states.firstLines().get(name), "state names disagree"
                            + " between cell types: state " + number + " of " + model.file().getFileName() + " is '"
                            + names[number] + "' in " + first.file() + " (" + first.cellType() + ", line "
                            + first.firstLines().get(names[number]) + ") but '" + name + "' in " + states.file() + " ("
                            + states.cellType() + ")");
                }
            }
        }
        List<String> vocabulary = new ArrayList<>(model.states());
        for (int number = 1; number <= model.states(); number++) {
            vocabulary.add(names[number] != null ? names[number] : model.segmentName(number));
        }
        return new StateVocabulary(TrackFormat.Kind.SEGMENTATION, vocabulary, "ChromHMM model "
                + model.file().getFileName() + " (" + model.states() + " states)");
    }

    /**
     * The model state number (= vocabulary id) of a file's state.
     *
     * @throws BadInputException when the name has no number or the model has no such state
     */
    static int modelNumber(ChromHmmModel model, FileStates states, String name) {
        int number = StateNames.number(name);
        Long line = states.firstLines().get(name);
        if (number < 0) {
            throw new BadInputException(states.file(), line == null ? -1 : line, "state '" + name
                    + "' has no state number (like E7, 7 or 7_Enh), so it cannot be matched to the ChromHMM model "
                    + model.file().getFileName());
        }
        if (number < 1 || number > model.states()) {
            throw new BadInputException(states.file(), line == null ? -1 : line, "state '" + name + "' is not in the "
                    + model.states() + "-state ChromHMM model " + model.file() + " (states 1.." + model.states() + ")");
        }
        return number;
    }

    private static String describe(Set<String> names) {
        return names.size() + " states " + abbreviate(names);
    }

    private static String abbreviate(Set<String> names) {
        List<String> list = new ArrayList<>(names);
        if (list.size() <= 8) {
            return list.toString();
        }
        return "[" + String.join(", ", list.subList(0, 4)) + ", ..., " + String.join(", ",
                list.subList(list.size() - 2, list.size())) + "]";
    }
}
