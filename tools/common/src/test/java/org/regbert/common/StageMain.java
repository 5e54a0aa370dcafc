package org.regbert.common;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code StageMain COMMAND-CLASS ARGS}: a stage's picocli command in a JVM of its own (with the
 * stage contract of {@link StageCli}), for tests that kill it or set its environment.
 */
public final class StageMain {
    /** SOURCE_DATE_EPOCH of every launched stage: the same inputs give the same bytes. */
    public static final String SOURCE_DATE_EPOCH = "1700000000";

    private StageMain() {
    }

    /**
     * Starts COMMAND (a picocli command class with a no-argument constructor) with ARGS in a JVM of
     * its own with this test's class path, in FOLDER, SOURCE_DATE_EPOCH fixed, stdout and stderr
     * merged into LOG (a file, so a chatty stage never blocks on a full pipe).
     */
    public static Process start(Path folder, Path log, Class<?> command, List<String> args) throws IOException {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), StageMain.class.getName(),
                command.getName()));
        line.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(line).directory(folder.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(new File(log.toString())));
        builder.environment().put("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH);
        return builder.start();
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        Object command;
        try {
            command = Class.forName(args[0]).getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot create " + args[0], e.getCause());
        }
        System.exit(StageCli.run(command, Arrays.copyOfRange(args, 1, args.length)));
    }
}
