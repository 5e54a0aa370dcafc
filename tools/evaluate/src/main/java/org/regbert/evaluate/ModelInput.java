package org.regbert.evaluate;

import java.nio.file.Path;
import org.regbert.common.BadInputException;

/** One {@code --model [NAME=]DIR}: a finetune output directory and the name the report gives it. */
record ModelInput(String name, Path dir) {

    static ModelInput parse(String value) {
        int eq = value.indexOf('=');
        String name = eq > 0 ? value.substring(0, eq) : null;
        Path dir = Path.of(eq > 0 ? value.substring(eq + 1) : value);
        if (name == null) {
            Path file = dir.toAbsolutePath().normalize().getFileName();
            name = file == null ? "model" : file.toString();
        }
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.+-]*")) {
            throw new BadInputException("--model " + value + ": model names are letters, digits, '_', '.', '+', '-'"
                    + " (give one as NAME=DIR)");
        }
        return new ModelInput(name, dir);
    }
}
