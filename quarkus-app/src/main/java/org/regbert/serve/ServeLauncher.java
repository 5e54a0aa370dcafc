package org.regbert.serve;

import io.quarkus.runtime.Quarkus;
import org.regbert.common.BadInputException;

/**
 * The jar's entry point ({@code quarkus.package.main-class}): reads the command line before anything starts,
 * so {@code --help} and bad usage start no Quarkus, no Camel, no logging and create no folder. Otherwise it
 * sets the {@code -D} settings and {@code --root} as system properties ({@code --root} last, so it wins over
 * {@code -Dregbert.serve.root}) and starts Quarkus with the mode alone ({@link ServeMain} reads it).
 */
public final class ServeLauncher {
    /** The demo's short training budgets (minutes), unless set with -D or the environment. */
    static final java.util.Map<String, String> DEMO_BUDGETS = java.util.Map.of(
            "regbert.serve.pretrain-minutes", "1", "regbert.serve.finetune-minutes", "1");

    private ServeLauncher() {
    }

    /** MicroProfile Config's environment name of a property (regbert.serve.x-y -> REGBERT_SERVE_X_Y). */
    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }

    public static void main(String... args) {
        ServeCommandLine line;
        try {
            line = ServeCommandLine.parse(args);
        } catch (BadInputException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (line.help()) {
            System.out.print(ServeUsage.text(line.mode()));
            System.out.flush();
            System.exit(0);
        }
        line.properties().forEach(System::setProperty);
        if ("demo".equals(line.mode())) {
            // The demo shows the chain in minutes; a model that learns needs the service's defaults.
            DEMO_BUDGETS.forEach((key, minutes) -> {
                if (System.getProperty(key) == null && System.getenv(envName(key)) == null) {
                    System.setProperty(key, minutes);
                }
            });
        }
        line.root().ifPresent(root -> System.setProperty("regbert.serve.root", root));
        Quarkus.run(line.mode());
    }
}
