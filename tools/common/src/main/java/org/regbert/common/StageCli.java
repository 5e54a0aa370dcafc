package org.regbert.common;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * The command-line contract every stage follows: exit 0 on success, 2 with a one-line message for
 * bad usage or bad input, 1 with a one-line message for a fault of the machine (disk full, out of
 * memory; {@link MachineFault}) and 1 with a stack trace for internal errors. Used by the Quarkus
 * entry point of each stage and by tests that run a stage's command in-process.
 */
public final class StageCli {
    private StageCli() {
    }

    public static CommandLine configure(CommandLine commandLine) {
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setUsageHelpWidth(100);
        commandLine.setExecutionExceptionHandler(StageCli::handleExecutionException);
        commandLine.setParameterExceptionHandler(StageCli::handleParameterException);
        CommandLine.IExecutionStrategy strategy = commandLine.getExecutionStrategy();
        commandLine.setExecutionStrategy(parseResult -> {
            try {
                return strategy.execute(parseResult);
            } catch (OutOfMemoryError e) {
                // An Error never reaches the exception handler: picocli lets it through.
                return reportMachineFault(e, parseResult.commandSpec().commandLine());
            }
        });
        commandLine.setExitCodeExceptionMapper(e -> e instanceof BadInputException
                || e instanceof CommandLine.ParameterException ? ExitCodes.BAD_INPUT : ExitCodes.INTERNAL_ERROR);
        return commandLine;
    }

    /** Runs a command object with the stage contract and returns its exit code. */
    public static int run(Object command, String... args) {
        return configure(new CommandLine(command)).execute(args);
    }

    /** What an in-process run of a stage returned: its exit code and everything it wrote to stderr. */
    public record Outcome(int exitCode, String stderr) {
    }

    /**
     * Runs a command object in-process with the stage contract, capturing its stderr (and passing
     * it through to this process's stderr), as tests and the pipeline service run stages.
     */
    public static Outcome runCapturing(Object command, String... args) {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream previous = System.err;
        java.io.PrintStream tee = new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                captured.write(b);
                previous.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                previous.write(b, off, len);
            }
        }, true, java.nio.charset.StandardCharsets.UTF_8);
        System.setErr(tee);
        try {
            CommandLine commandLine = configure(new CommandLine(command));
            commandLine.setErr(new PrintWriter(tee, true));
            int code = commandLine.execute(args);
            return new Outcome(code, captured.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setErr(previous);
        }
    }

    private static int handleExecutionException(Exception e, CommandLine commandLine,
            CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        String stage = commandLine.getCommandName();
        if (MachineFault.describe(e) != null) {
            return reportMachineFault(e, commandLine);
        }
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

    /**
     * Bad usage (an unknown option, a value of the wrong type, a required option missing): one line,
     * as for bad input, pointing to --help instead of printing the whole usage, which buried
     * picocli's message (and broke the one-line contract) under a page of options.
     */
    private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        PrintWriter err = commandLine.getErr();
        String stage = commandLine.getCommandName();
        String message = e.getMessage() == null ? e.toString() : e.getMessage().strip().replaceAll("\\s*\\R\\s*", "; ");
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            message += "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?";
        }
        err.println("regbert " + stage + ": error: " + message + " (see 'regbert " + stage + " --help')");
        err.flush();
        return ExitCodes.BAD_INPUT;
    }

    private static int reportMachineFault(Throwable e, CommandLine commandLine) {
        PrintWriter err = commandLine.getErr();
        err.println("regbert " + commandLine.getCommandName() + ": error: " + MachineFault.describe(e));
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
