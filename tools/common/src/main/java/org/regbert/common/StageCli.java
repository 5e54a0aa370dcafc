package org.regbert.common;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * The command-line contract every stage follows: exit 0 on success, 2 with a one-line message for
 * bad usage or bad input, 1 with a stack trace for internal errors. Used by the Quarkus entry point
 * of each stage and by tests that run a stage's command in-process.
 */
public final class StageCli {
    private StageCli() {
    }

    public static CommandLine configure(CommandLine commandLine) {
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setUsageHelpWidth(100);
        commandLine.setExecutionExceptionHandler(StageCli::handleExecutionException);
        commandLine.setExitCodeExceptionMapper(e -> e instanceof BadInputException
                || e instanceof CommandLine.ParameterException ? ExitCodes.BAD_INPUT : ExitCodes.INTERNAL_ERROR);
        return commandLine;
    }

    /** Runs a command object with the stage contract and returns its exit code. */
    public static int run(Object command, String... args) {
        return configure(new CommandLine(command)).execute(args);
    }

    private static int handleExecutionException(Exception e, CommandLine commandLine,
            CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        String stage = commandLine.getCommandName();
        BadInputException bad = find(e, BadInputException.class);
        if (bad != null) {
            err.println("regbert " + stage + ": error: " + bad.getMessage());
            err.flush();
            return ExitCodes.BAD_INPUT;
        }
        UncheckedIOException io = find(e, UncheckedIOException.class);
        err.println("regbert " + stage + ": internal error: "
                + (io != null ? io.getMessage() + ": " + io.getCause().getMessage() : e));
        e.printStackTrace(err);
        err.flush();
        return ExitCodes.INTERNAL_ERROR;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
