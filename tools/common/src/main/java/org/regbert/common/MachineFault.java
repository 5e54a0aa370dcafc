package org.regbert.common;

import java.util.Locale;

/**
 * Failures of the machine rather than of the input or of regbert: a full disk, exhausted memory.
 * The user can act on them (free space, more memory) but a stack trace does not help, so the CLI
 * says them in one line (exit 1).
 */
public final class MachineFault {
    private MachineFault() {
    }

    /** Whether {@code e} or one of its causes is the OS saying the disk (or the user's quota) is full. */
    public static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("no space left on device") || message.contains("disk quota exceeded")) {
                return true;
            }
        }
        return false;
    }

    /** One line saying which fault of the machine stopped the run, or null when it was none. */
    public static String describe(Throwable e) {
        if (isDiskFull(e)) {
            return "the disk is full: " + diskFullDetail(e) + "; free some space (or write --output to another"
                    + " file system) and run again";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return "out of memory (" + t.getMessage() + "): give the JVM more with REGBERT_JAVA_OPTS=-Xmx..., or"
                        + " lower --threads / --batch-size";
            }
        }
        return null;
    }

    /** The most specific message in the chain: the deepest one that names the fault (it often names the file). */
    private static String diskFullDetail(Throwable e) {
        String detail = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left on device")
                    || message.contains("Disk quota exceeded"))) {
                detail = message;
            }
        }
        return detail != null ? detail : String.valueOf(e.getMessage());
    }
}
