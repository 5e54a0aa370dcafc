package org.regbert.common;

import java.nio.file.Path;

/**
 * A problem with what the user gave us (a file, a line in it, an option value). The CLI turns it
 * into exit code 2 and a one-line message that names the file and, where known, the line.
 */
public class BadInputException extends RuntimeException {
    private final Path file;
    private final long line;

    public BadInputException(String message) {
        this(null, -1, message, null);
    }

    public BadInputException(Path file, String message) {
        this(file, -1, message, null);
    }

    public BadInputException(Path file, long line, String message) {
        this(file, line, message, null);
    }

    public BadInputException(Path file, long line, String message, Throwable cause) {
        super(format(file, line, message), cause);
        this.file = file;
        this.line = line;
    }

    /** The offending file, or null when the problem is an option value. */
    public Path file() {
        return file;
    }

    /** 1-based line number in {@link #file()}, or -1 when not line-specific. */
    public long line() {
        return line;
    }

    private static String format(Path file, long line, String message) {
        if (file == null) {
            return message;
        }
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }
}
