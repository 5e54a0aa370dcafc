package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.regbert.common.BadInputException;

/** What {@code regbert serve|demo ...} asks for, read before anything starts; bad usage names the culprit. */
class ServeCommandLineTest {
    @Test
    void modeRootAndSettings() {
        assertEquals(new ServeCommandLine("serve", false, Optional.empty(), Map.of()), ServeCommandLine.parse());
        assertEquals(new ServeCommandLine("serve", false, Optional.of("/data/r"), Map.of("regbert.serve.workers", "2")),
                ServeCommandLine.parse("serve", "--root", "/data/r", "-Dregbert.serve.workers=2"));
        assertEquals(Optional.of("/data/r"), ServeCommandLine.parse("serve", "--root=/data/r").root());
        // a value may hold '=' itself: only the first one splits name from value
        assertEquals(Map.of("camel.main.routes-include-pattern", "file:/r/a=b.yaml"),
                ServeCommandLine.parse("-Dcamel.main.routes-include-pattern=file:/r/a=b.yaml").properties());
        // the demo's WORK argument is its root, as it always was (regbert demo WORK)
        assertEquals(new ServeCommandLine("demo", false, Optional.of("w"), Map.of()), ServeCommandLine.parse("demo", "w"));
    }

    @Test
    void helpWhereverItIs() {
        assertTrue(ServeCommandLine.parse("serve", "--help").help());
        assertTrue(ServeCommandLine.parse("demo", "--root", "x", "-h").help());
        assertTrue(ServeCommandLine.parse("--help").help());
        assertEquals("serve", ServeCommandLine.parse("--help").mode());
        assertFalse(ServeCommandLine.parse("demo").help());
    }

    @Test
    void badUsageNamesTheOptionAndTheCommand() {
        assertEquals("regbert serve: unknown option '--bogus' (see regbert serve --help)",
                assertThrows(BadInputException.class, () -> ServeCommandLine.parse("serve", "--bogus")).getMessage());
        assertEquals("regbert demo: unknown option '-x' (see regbert demo --help)",
                assertThrows(BadInputException.class, () -> ServeCommandLine.parse("demo", "-x")).getMessage());
        assertEquals("regbert serve: --root needs a folder (see regbert serve --help)",
                assertThrows(BadInputException.class, () -> ServeCommandLine.parse("serve", "--root")).getMessage());
        assertEquals("regbert serve: unexpected argument 'extra' (see regbert serve --help)",
                assertThrows(BadInputException.class, () -> ServeCommandLine.parse("serve", "extra")).getMessage());
        assertEquals("regbert demo: the root folder is given twice ('a', 'b') (see regbert demo --help)",
                assertThrows(BadInputException.class, () -> ServeCommandLine.parse("demo", "a", "--root", "b"))
                        .getMessage());
        assertEquals("regbert: unknown mode 'serv' (serve, demo)",
                assertThrows(BadInputException.class, () -> ServeCommandLine.parse("serv")).getMessage());
    }

    @Test
    void usageShowsEachOptionAndSettingWithItsDefault() {
        String serve = ServeUsage.text("serve");
        // defaults as written in application.properties and ServeSettings (read here by hand)
        for (String expected : new String[] {"Usage: regbert serve [--root DIR]", "--root DIR", "-h, --help",
                "regbert.serve.root=work/serve", "regbert.serve.workers=1", "regbert.serve.task-workers=2",
                "regbert.serve.backend=in-process",
                "regbert.serve.pretrain-minutes=10", "regbert.serve.pretrain-steps=0",
                "regbert.serve.finetune-minutes=2", "regbert.serve.finetune-max-steps=0",
                "regbert.serve.evaluate-bootstrap=200", "regbert.serve.retries=3", "quarkus.http.port=8080",
                "quarkus.http.host=127.0.0.1", "camel.main.routes-include-pattern=classpath:routes/pipeline.camel.yaml",
                "Examples:", "wins over -Dregbert.serve.root"}) {
            assertTrue(serve.contains(expected), expected + " in:\n" + serve);
        }
        String demo = ServeUsage.text("demo");
        for (String expected : new String[] {"Usage: regbert demo [WORK] [--root DIR]", "regbert.data=../shared/data",
                "regbert.demo.slice-mb=5", "Examples:"}) {
            assertTrue(demo.contains(expected), expected + " in:\n" + demo);
        }
    }
}
