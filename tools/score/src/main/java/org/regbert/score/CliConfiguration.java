package org.regbert.score;

import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.regbert.common.StageCli;
import picocli.CommandLine;

/** Applies the stage contract (exit codes, error messages) to the Quarkus-built command line. */
@ApplicationScoped
class CliConfiguration {
    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        return StageCli.configure(factory.create());
    }
}
