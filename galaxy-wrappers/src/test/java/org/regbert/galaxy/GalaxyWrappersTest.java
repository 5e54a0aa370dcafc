package org.regbert.galaxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.regbert.galaxy.MacroExpander.children;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every Galaxy tool wrapper in galaxy-wrappers/: macros expand, the expanded tool validates against
 * Galaxy's schema (JDK validator, and xmllint where installed), the IUC rules hold, and the toolbox
 * section, datatypes and container images agree with the wrappers.
 */
class GalaxyWrappersTest {
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path ROOT = Path.of(System.getProperty("regbert.root", MODULE.getParent().toString()));
    static final Path EXPANDED = MODULE.resolve("target/expanded");
    private static GalaxySchema schema;
    private static List<Path> tools;

    @BeforeAll
    static void load() throws IOException {
        schema = new GalaxySchema(xsdPath());
        tools = toolFiles(MODULE);
        Files.createDirectories(EXPANDED);
    }

    static Path xsdPath() {
        String configured = System.getProperty("regbert.galaxy.xsd");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).normalize();
        }
        String data = System.getProperty("regbert.data", ROOT.resolve("../shared/data").toString());
        return Path.of(data).resolve("../galaxy/galaxy.xsd").normalize();
    }

    /** Tool wrappers: the XML files of the folder whose root element is {@code <tool>}. */
    static List<Path> toolFiles(Path dir) throws IOException {
        List<Path> result = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".xml")).sorted().toList()) {
                if (MacroExpander.parse(file).getDocumentElement().getTagName().equals("tool")) {
                    result.add(file);
                }
            }
        }
        return result;
    }

    static Set<String> customDatatypes() {
        Set<String> extensions = new LinkedHashSet<>();
        NodeList list = MacroExpander.parse(MODULE.resolve("datatypes_conf.xml")).getElementsByTagName("datatype");
        for (int i = 0; i < list.getLength(); i++) {
            extensions.add(((Element) list.item(i)).getAttribute("extension"));
        }
        return extensions;
    }

    @Test
    void thereAreWrappers() {
        assertFalse(tools.isEmpty(), "no tool wrappers found in " + MODULE);
        assertTrue(tools.stream().anyMatch(t -> t.getFileName().toString().equals("regbert_tokenize.xml")));
    }

    @TestFactory
    Stream<DynamicTest> everyWrapperExpandsValidatesAndFollowsTheRules() {
        return tools.stream().flatMap(tool -> {
            String name = tool.getFileName().toString();
            return Stream.of(
                    DynamicTest.dynamicTest(name + ": macros expand, galaxy.xsd (JDK validator)", () -> {
                        String xml = expanded(tool);
                        List<String> errors = schema.validate(xml);
                        assertTrue(errors.isEmpty(), name + " (expanded: target/expanded/" + name + ") breaks "
                                + schema.xsd() + ":\n  " + String.join("\n  ", errors));
                    }),
                    DynamicTest.dynamicTest(name + ": galaxy.xsd (xmllint)", () -> {
                        assumeTrue(GalaxySchema.xmllintAvailable(), "xmllint not installed (apt-get install libxml2-utils)");
                        expanded(tool);
                        GalaxySchema.XmllintResult result = schema.xmllint(EXPANDED.resolve(name));
                        assertEquals(0, result.exitCode(), "xmllint rejects target/expanded/" + name + ":\n" + result.output());
                    }),
                    DynamicTest.dynamicTest(name + ": IUC rules", () -> {
                        Document document = MacroExpander.expand(tool);
                        List<String> violations = WrapperRules.check(document, MODULE.resolve("test-data"), customDatatypes());
                        assertTrue(violations.isEmpty(), name + " breaks rules:\n  " + String.join("\n  ", violations));
                    }));
        });
    }

    private static String expanded(Path tool) throws IOException {
        String xml = MacroExpander.serialize(MacroExpander.expand(tool));
        Files.writeString(EXPANDED.resolve(tool.getFileName()), xml, StandardCharsets.UTF_8);
        return xml;
    }

    @Test
    void versionTokensAndContainerFollowTheConvention() {
        for (Path tool : tools) {
            Element root = MacroExpander.expand(tool).getDocumentElement();
            String stage = tool.getFileName().toString().replaceFirst("^regbert_", "").replaceFirst("\\.xml$", "");
            assertEquals("0.1.0+galaxy0", root.getAttribute("version"), tool + ": version from @TOOL_VERSION@/@VERSION_SUFFIX@");
            assertEquals("regbert_" + stage, root.getAttribute("id"), tool + ": id matches the file name");
            Element container = children(children(root, "requirements").get(0), "container").get(0);
            assertEquals("regbert/" + stage + ":0.1.0", container.getTextContent().strip(), tool + ": container image");
            assertTrue(Files.isRegularFile(ROOT.resolve("containers").resolve(stage).resolve("image.env")),
                    tool + ": the image regbert/" + stage + " needs containers/" + stage + "/image.env");
        }
    }

    @Test
    void toolConfListsExactlyTheWrappers() {
        Set<String> listed = new LinkedHashSet<>();
        NodeList entries = MacroExpander.parse(MODULE.resolve("tool_conf.xml")).getElementsByTagName("tool");
        for (int i = 0; i < entries.getLength(); i++) {
            listed.add(((Element) entries.item(i)).getAttribute("file").replaceFirst("^regbert/", ""));
        }
        Set<String> wrappers = new LinkedHashSet<>();
        tools.forEach(t -> wrappers.add(t.getFileName().toString()));
        assertEquals(wrappers, listed, "tool_conf.xml's regbert section must list every wrapper, and only those");
    }

    @Test
    void toolIdsAreUnique() {
        Set<String> ids = new LinkedHashSet<>();
        for (Path tool : tools) {
            String id = MacroExpander.parse(tool).getDocumentElement().getAttribute("id");
            assertTrue(ids.add(id), "duplicate tool id " + id);
        }
    }

    @Test
    void helpTokensAreExpandedIntoValidLookingRst() {
        for (Path tool : tools) {
            Element help = children(MacroExpander.expand(tool).getDocumentElement(), "help").get(0);
            String text = help.getTextContent();
            assertTrue(text.contains("**What it does**"), tool + ": help starts with 'What it does'");
            assertTrue(text.contains("Worked example") || text.contains("Example"), tool + ": help has a worked example");
            assertFalse(text.contains("\t"), tool + ": tabs in RST help");
        }
    }
}
