package org.regbert.finetune;

import java.util.Locale;
import org.regbert.common.BadInputException;

/** What a task head predicts, and so its output activation and loss. */
public enum HeadKind {
    /** One task, labels 1/0: sigmoid, binary cross-entropy. */
    BINARY,
    /** One task, labels 0..K-1 (splice: none / donor / acceptor): softmax, cross-entropy. */
    MULTICLASS,
    /** Several binary tasks at once (many TFs): one sigmoid each; windows unlabelled for a task are masked. */
    MULTILABEL,
    /** A level per window (align's {@code label_<task>_level}): identity, mean squared error on standardised targets. */
    REGRESSION;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static HeadKind parse(String id) {
        try {
            return valueOf(id.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--head " + id + ": expected binary, multiclass, multilabel or regression");
        }
    }
}
