package org.regbert.serve;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.regbert.common.BadInputException;

/**
 * The command line of {@code regbert serve} and {@code regbert demo}, read before anything starts:
 * {@code [serve|demo] [WORK] [--root DIR] [-Dname=value ...] [-h|--help]}. WORK (demo only) is the
 * root folder, like {@code --root}. Anything else is bad usage ({@link BadInputException}, exit 2).
 *
 * @param mode       {@code serve} (also when no mode is given) or {@code demo}
 * @param help       print usage and start nothing
 * @param root       the service's root folder, when given
 * @param properties {@code -Dname=value} settings, in order
 */
public record ServeCommandLine(String mode, boolean help, Optional<String> root, Map<String, String> properties) {

    public static ServeCommandLine parse(String... args) {
        int next = 0;
        String mode = "serve";
        if (args.length > 0 && !args[0].startsWith("-")) {
            mode = args[0];
            next = 1;
            if (!mode.equals("serve") && !mode.equals("demo")) {
                throw new BadInputException("regbert: unknown mode '" + mode + "' (serve, demo)");
            }
        }
        boolean help = false;
        String root = null;
        Map<String, String> properties = new LinkedHashMap<>();
        for (; next < args.length; next++) {
            String arg = args[next];
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
            } else if (arg.equals("--root") || arg.startsWith("--root=")) {
                String value = arg.equals("--root") ? (next + 1 < args.length ? args[++next] : null)
                        : arg.substring("--root=".length());
                if (value == null || value.isBlank() || value.startsWith("-")) {
                    throw bad(mode, "--root needs a folder");
                }
                root = once(mode, root, value);
            } else if (arg.startsWith("-D") && arg.indexOf('=') > 2) {
                properties.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else if (arg.startsWith("-")) {
                throw bad(mode, "unknown option '" + arg + "'");
            } else if (mode.equals("demo")) {
                root = once(mode, root, arg);  // regbert demo WORK
            } else {
                throw bad(mode, "unexpected argument '" + arg + "'");
            }
        }
        return new ServeCommandLine(mode, help, Optional.ofNullable(root), properties);
    }

    private static String once(String mode, String root, String value) {
        if (root != null) {
            throw bad(mode, "the root folder is given twice ('" + root + "', '" + value + "')");
        }
        return value;
    }

    private static BadInputException bad(String mode, String problem) {
        return new BadInputException("regbert " + mode + ": " + problem + " (see regbert " + mode + " --help)");
    }
}
