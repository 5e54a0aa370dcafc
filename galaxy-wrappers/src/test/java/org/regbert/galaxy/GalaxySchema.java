package org.regbert.galaxy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Galaxy's tool schema (galaxy.xsd, kept in the shared kit beside the checkout), checked two ways:
 * with the JDK's validator (schema-full-checking off: the JDK rejects the schema otherwise) and,
 * where installed, with libxml2's xmllint, the validator the schema's README documents.
 */
final class GalaxySchema {
    private final Path xsd;
    private final Schema schema;

    GalaxySchema(Path xsd) {
        if (!Files.isRegularFile(xsd)) {
            throw new IllegalStateException("Galaxy tool schema not found at " + xsd
                    + " (expected in the kit: <repo>/../shared/galaxy/galaxy.xsd; set -Dregbert.galaxy.xsd=...)");
        }
        this.xsd = xsd;
        try {
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            factory.setFeature("http://apache.org/xml/features/validation/schema-full-checking", false);
            this.schema = factory.newSchema(xsd.toFile());
        } catch (SAXException e) {
            throw new IllegalStateException("cannot load the Galaxy schema " + xsd + ": " + e.getMessage(), e);
        }
    }

    Path xsd() {
        return xsd;
    }

    /** Schema errors of an (expanded) tool XML, one line each with its line number; empty when valid. */
    List<String> validate(String xml) {
        List<String> errors = new ArrayList<>();
        Validator validator = schema.newValidator();
        validator.setErrorHandler(new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {
            }

            @Override
            public void error(SAXParseException e) {
                errors.add("line " + e.getLineNumber() + ": " + e.getMessage());
            }

            @Override
            public void fatalError(SAXParseException e) {
                errors.add("line " + e.getLineNumber() + ": " + e.getMessage());
            }
        });
        try {
            validator.validate(new StreamSource(new StringReader(xml)));
        } catch (SAXException e) {
            if (errors.isEmpty()) {
                errors.add(e.getMessage());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return errors;
    }

    /** True when xmllint (Debian libxml2-utils) is on the PATH. */
    static boolean xmllintAvailable() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "xmllint"))) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code xmllint --noout --schema galaxy.xsd file}; returns its exit code and output. */
    XmllintResult xmllint(Path file) {
        try {
            Process process = new ProcessBuilder("xmllint", "--noout", "--schema", xsd.toString(), file.toString())
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("xmllint did not finish in 60 s on " + file);
            }
            return new XmllintResult(process.exitValue(), output.strip());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run xmllint: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record XmllintResult(int exitCode, String output) {
    }
}
