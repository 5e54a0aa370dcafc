package org.regbert.common;

/** Exit codes shared by every stage: the contract that Galaxy, Nextflow and the routes rely on. */
public final class ExitCodes {
    public static final int OK = 0;
    /** A bug or an environment failure: the message is ours to fix, not the user's. */
    public static final int INTERNAL_ERROR = 1;
    /** Bad usage or bad input, with a message on stderr naming what is wrong. */
    public static final int BAD_INPUT = 2;

    private ExitCodes() {
    }
}
