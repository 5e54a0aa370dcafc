package org.regbert.serve;

import io.smallrye.config.WithDefault;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Properties;

/**
 * The {@code --help} text of {@code regbert serve} and {@code regbert demo}. Printed before Quarkus starts,
 * so the settings' defaults are read where Quarkus would read them: the jar's application.properties,
 * else the {@code @WithDefault} of {@link ServeSettings} (so the text cannot drift from the code).
 */
final class ServeUsage {
    private ServeUsage() {
    }

    /** A setting worth knowing; {@code fallback} is the default when neither source above has one. */
    private record Setting(String name, String fallback, String meaning) {
    }

    private static final List<Setting> SETTINGS = List.of(
            new Setting("regbert.serve.root", null, "root folder (inbox/, runs/, state/, dead-letter/); --root wins"),
            new Setting("regbert.serve.workers", null,
                    "stage runs at once: lanes (inputs dropped in inbox/LANE/, each lane its own reference)\n"
                            + "      run side by side up to this bound; one lane's runs go one at a time, in order"),
            new Setting("regbert.serve.task-workers", null,
                    "tasks of one reference fine-tuned side by side (finetune, evaluate, score each in order);\n"
                            + "      their stages still run on the workers"),
            new Setting("regbert.serve.lane-threads", null,
                    "threads carrying runs through the routes (most wait for their lane's turn)"),
            new Setting("regbert.serve.backend", null, "tokenize and align: in-process or nextflow"),
            new Setting("regbert.serve.nextflow-dir", null, "the checkout's nextflow/ folder (./regbert sets it)"),
            new Setting("regbert.serve.pretrain-minutes", null,
                    "budget of the model pre-trained for a new reference (demo: 1; a model that learns: 10+)"),
            new Setting("regbert.serve.pretrain-steps", null, "a cap on its steps (0: the budget decides)"),
            new Setting("regbert.serve.finetune-minutes", null, "budget of each fine-tuning run (demo: 1)"),
            new Setting("regbert.serve.finetune-max-steps", null, "a cap on its steps (0: the budget decides)"),
            new Setting("regbert.serve.evaluate-bootstrap", null, "bootstrap replicates of each evaluate report"),
            new Setting("regbert.serve.retries", null, "retries of a failed stage before dead-letter/"),
            new Setting("regbert.serve.jdbc-url", "(unset: files under ROOT/state)",
                    "PostgreSQL (jdbc:postgresql://HOST:PORT/DB) for run records, processed keys, S3 claims,\n"
                            + "      reference states and metadata tables:\n"
                            + "      several instances on one bucket, each object run once (.jdbc-user, .jdbc-password)"),
            new Setting("regbert.serve.runs-dir", "(unset: ROOT/runs)", "run outputs; a folder every instance sees"),
            new Setting("regbert.serve.api-token", "(unset)", "Bearer token of the REST API; required off loopback"),
            new Setting("quarkus.http.host", null, "address of the REST API (/runs, /q/health, /q/metrics)"),
            new Setting("quarkus.http.port", null, "its port (0: any free port; ./regbert demo uses 0)"),
            new Setting("camel.main.routes-include-pattern", null,
                    "routes to run; file:/path/*.camel.yaml for edited copies; add classpath:routes/s3.camel.yaml\n"
                            + "      to watch S3 (regbert.s3.bucket, .endpoint, .region, .access-key, .secret-key)"),
            new Setting("regbert.data", "../shared/data", "the data kit (demo; ./regbert sets it from $REGBERT_DATA)"),
            new Setting("regbert.demo.slice-mb", "5", "demo: Mb of hg19 chr20 put through the chain"));

    static String text(String mode) {
        StringBuilder out = new StringBuilder();
        if (mode.equals("demo")) {
            out.append("""
                    Usage: regbert demo [WORK] [--root DIR] [-Dname=value ...]

                    The pipeline service on the kit's real data: starts the service on WORK, drops a slice of hg19
                    chr20, its DHSs, RefSeq TSSs and GWAS SNPs (as a VCF) into WORK/inbox, waits for their runs through
                    tokenize, align, pretrain, finetune, evaluate and score, prints each run and where the evaluate
                    report and the scored VCF are, and exits (0 when every run succeeded, 1 otherwise).

                    Options:
                      WORK, --root DIR  root folder of the service (default: work/demo in the checkout with ./regbert;
                                        regbert.serve.root with java -jar); wins over -Dregbert.serve.root
                    """);
        } else {
            out.append("""
                    Usage: regbert serve [--root DIR] [-Dname=value ...]

                    The pipeline service: watches DIR/inbox (and an S3 bucket when enabled) and runs every file
                    dropped there through the stages its kind calls for (tokenize, align, pretrain, finetune,
                    evaluate, score). Run outputs go to DIR/runs, run records to DIR/state/runs.jsonl and
                    GET /runs of the REST API; failed inputs to DIR/dead-letter. Runs until stopped (Ctrl-C).

                    Options:
                      --root DIR        root folder of the service (default: regbert.serve.root below, relative to
                                        the current folder); wins over -Dregbert.serve.root
                    """);
        }
        out.append("""
                  -Dname=value      a setting below, as java -Dname=value or REGBERT_JAVA_OPTS would give it
                  -h, --help        this text (starts nothing, writes nothing)

                Settings (-D, REGBERT_JAVA_OPTS, or application.properties; default after '='):
                """);
        Properties properties = applicationProperties();
        for (Setting s : SETTINGS) {
            out.append(String.format("  %s=%s%n      %s%n", s.name(), defaultOf(s, properties), s.meaning()));
        }
        out.append("\nExamples:\n");
        if (mode.equals("demo")) {
            out.append("""
                      regbert demo                                  # outputs in work/demo
                      regbert demo --root /tmp/regbert-demo
                      REGBERT_DATA=/data/kit regbert demo -Dregbert.demo.slice-mb=2
                    """);
        } else {
            out.append("""
                      regbert serve --root /data/regbert
                      regbert serve --root /data/regbert -Dregbert.serve.workers=2 -Dquarkus.http.port=8181
                      REGBERT_JAVA_OPTS=-Dregbert.serve.backend=nextflow regbert serve
                    """);
        }
        out.append("\nExit codes: 0 success, 2 bad usage (message on stderr), 1 internal error or a failed run.\n");
        return out.toString();
    }

    private static String defaultOf(Setting setting, Properties properties) {
        String value = properties.getProperty(setting.name());
        if (value == null && setting.name().startsWith("regbert.serve.")) {
            value = withDefault(setting.name().substring("regbert.serve.".length()));
        }
        return value != null ? value : setting.fallback() != null ? setting.fallback() : "";
    }

    /** The {@code @WithDefault} of the ServeSettings method whose kebab-case name is {@code name}. */
    private static String withDefault(String name) {
        for (Method m : ServeSettings.class.getMethods()) {
            String kebab = m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
            WithDefault annotation = m.getAnnotation(WithDefault.class);
            if (kebab.equals(name) && annotation != null) {
                return annotation.value();
            }
        }
        return null;
    }

    private static Properties applicationProperties() {
        Properties properties = new Properties();
        try (InputStream in = ServeUsage.class.getResourceAsStream("/application.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
