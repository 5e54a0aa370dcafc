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
    private ServeLauncher() {
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
        line.root().ifPresent(root -> System.setProperty("regbert.serve.root", root));
        Quarkus.run(line.mode());
    }
}
