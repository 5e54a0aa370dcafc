package org.regbert.galaxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The checker itself: a good minimal wrapper passes; each broken variant fails with a precise message. */
class WrapperRulesTest {
    @TempDir
    static Path dir;
    private static GalaxySchema schema;

    /** A small wrapper that follows every rule; the tests below break one thing at a time. */
    static final String GOOD = """
            <tool id="demo_tool" name="demo" version="@TOOL_VERSION@+galaxy@VERSION_SUFFIX@" profile="23.0">
                <macros>
                    <import>demo_macros.xml</import>
                </macros>
                <expand macro="requirements"/>
                <command detect_errors="exit_code"><![CDATA[
            export JAVA_OPTS="-XX:ActiveProcessorCount=\\${GALAXY_SLOTS:-2}" &&
            #set $label = 'x'
            demo --input '$input' --name '$opts.name' --k $opts.k
                #if $mode.kind == 'bed'
                    --bed '$mode.bed'
                    #for $pair in $mode.pairs
                        --alias '${pair.from_name}=${pair.to_name}'
                    #end for
                #end if
                --out '$output'
                ]]></command>
                <inputs>
                    <param name="input" type="data" format="fasta" label="in"/>
                    <section name="opts" title="options">
                        <param name="name" type="text" value="a" label="name"/>
                        <param name="k" type="integer" value="6" label="k"/>
                    </section>
                    <conditional name="mode">
                        <param name="kind" type="select" label="kind">
                            <option value="none">none</option>
                            <option value="bed">bed</option>
                        </param>
                        <when value="none"/>
                        <when value="bed">
                            <param name="bed" type="data" format="bed" label="bed"/>
                            <repeat name="pairs" title="pair">
                                <param name="from_name" type="text" label="from"/>
                                <param name="to_name" type="text" label="to"/>
                            </repeat>
                        </when>
                    </conditional>
                </inputs>
                <outputs>
                    <data name="output" format="txt"/>
                </outputs>
                <tests>
                    <test>
                        <param name="input" value="demo.fa"/>
                        <output name="output">
                            <assert_contents>
                                <has_text text="ACGT"/>
                            </assert_contents>
                        </output>
                    </test>
                </tests>
                <help><![CDATA[
            **What it does**

            Demonstrates the rules. This paragraph is long enough to count as help text for the checker,
            which wants a real explanation rather than a placeholder.
                ]]></help>
                <expand macro="citations"/>
            </tool>
            """;

    static final String MACROS = """
            <macros>
                <token name="@TOOL_VERSION@">1.2.3</token>
                <token name="@VERSION_SUFFIX@">0</token>
                <xml name="requirements">
                    <requirements>
                        <container type="docker">regbert/demo:@TOOL_VERSION@</container>
                    </requirements>
                </xml>
                <xml name="citations">
                    <citations>
                        <citation type="doi">10.1093/bioinformatics/btab083</citation>
                        <yield/>
                    </citations>
                </xml>
                <xml name="stage_container" tokens="stage" token_stage="tokenize">
                    <container type="docker">regbert/@STAGE@:@TOOL_VERSION@</container>
                </xml>
            </macros>
            """;

    @BeforeAll
    static void setUp() throws IOException {
        Files.writeString(dir.resolve("demo_macros.xml"), MACROS);
        Files.createDirectories(dir.resolve("test-data"));
        Files.writeString(dir.resolve("test-data/demo.fa"), ">x\nACGT\n");
        schema = new GalaxySchema(GalaxyWrappersTest.xsdPath());
    }

    private static List<String> violations(String xml) {
        Document document = MacroExpander.expand(xml, dir);
        return WrapperRules.check(document, dir.resolve("test-data"), Set.of("regbert.npz"));
    }

    private static void assertViolation(String xml, String expected) {
        List<String> violations = violations(xml);
        assertTrue(violations.stream().anyMatch(v -> v.contains(expected)),
                "expected a violation containing \"" + expected + "\", got: " + violations);
    }

    @Test
    void theGoodWrapperPassesSchemaAndRules() {
        assertEquals(List.of(), violations(GOOD));
        String xml = MacroExpander.serialize(MacroExpander.expand(GOOD, dir));
        assertEquals(List.of(), schema.validate(xml));
        assertTrue(xml.contains("version=\"1.2.3+galaxy0\""), xml);
        assertTrue(xml.contains("regbert/demo:1.2.3"), xml);
        assertFalse(xml.contains("<macros>"), "the <macros> element is removed after expansion");
    }

    @Test
    void missingTestsAreReported() {
        String xml = GOOD.replaceAll("(?s)<tests>.*</tests>", "");
        assertViolation(xml, "[tests] no <tests>");
    }

    @Test
    void aTestWithoutAssertionsIsReported() {
        String xml = GOOD.replaceAll("(?s)<output name=\"output\">.*?</output>", "<output name=\"output\"/>");
        assertViolation(xml, "output 'output' is not checked");
    }

    @Test
    void missingTestDataIsReported() {
        assertViolation(GOOD.replace("value=\"demo.fa\"", "value=\"missing.fa\""), "test-data/missing.fa does not exist");
    }

    @Test
    void missingHelpIsReported() {
        assertViolation(GOOD.replaceAll("(?s)<help>.*</help>", ""), "[help]");
    }

    @Test
    void missingCitationsAreReported() {
        assertViolation(GOOD.replace("<expand macro=\"citations\"/>", ""), "[citations] no <citations>");
        assertViolation(GOOD.replace("<expand macro=\"citations\"/>",
                "<citations><citation type=\"doi\">arXiv 2110.05231</citation></citations>"), "is not a DOI");
    }

    @Test
    void missingOrUntaggedContainerIsReported() {
        assertViolation(GOOD.replace("<expand macro=\"requirements\"/>", ""), "[container] no <container>");
        String latest = GOOD.replace("<expand macro=\"requirements\"/>",
                "<requirements><container type=\"docker\">regbert/demo:latest</container></requirements>");
        assertViolation(latest, "explicit version tag");
    }

    @Test
    void undeclaredParametersAreReported() {
        assertViolation(GOOD.replace("'$input'", "'$inptu'"), "'$inptu' is not a declared");
        assertViolation(GOOD.replace("'$mode.bed'", "'$mode.bedd'"), "conditional 'mode' has no parameter 'bedd'");
        assertViolation(GOOD.replace("$opts.k", "$opts.kk"), "section 'opts' has no parameter 'kk'");
        assertViolation(GOOD.replace("${pair.to_name}", "${pair.to}"), "has no parameter 'to'");
    }

    @Test
    void unescapedShellVariablesAreReported() {
        assertViolation(GOOD.replace("\\${GALAXY_SLOTS:-2}", "${GALAXY_SLOTS:-2}"),
                "'$GALAXY_SLOTS' is not a declared input, output or Cheetah variable (a shell variable? escape it");
    }

    @Test
    void unquotedUserStringsAreReported() {
        assertViolation(GOOD.replace("--name '$opts.name'", "--name $opts.name"), "[quoted] '$opts.name'");
        assertViolation(GOOD.replace("--input '$input'", "--input $input"), "[quoted] '$input'");
        assertViolation(GOOD.replace("--out '$output'", "--out $output"), "[quoted] '$output'");
        // numbers need no quotes, and Cheetah directives are not shell text
        assertFalse(violations(GOOD).stream().anyMatch(v -> v.contains("opts.k") || v.contains("mode.kind")));
    }

    @Test
    void toolAttributesAreChecked() {
        assertViolation(GOOD.replace(" profile=\"23.0\"", ""), "no profile");
        assertViolation(GOOD.replace("detect_errors=\"exit_code\"", ""), "detect_errors=\"exit_code\"");
        assertViolation(GOOD.replace("+galaxy@VERSION_SUFFIX@", ""), "+galaxy<N>");
        assertViolation(GOOD.replace("id=\"demo_tool\"", "id=\"Demo-Tool\""), "id 'Demo-Tool'");
    }

    @Test
    void undeclaredCustomDatatypesAreReported() {
        assertViolation(GOOD.replace("format=\"txt\"", "format=\"regbert.bogus\""), "'regbert.bogus' is not declared");
    }

    @Test
    void macroProblemsFailTheExpansion() {
        var unknown = assertThrows(MacroExpander.MacroException.class,
                () -> MacroExpander.expand(GOOD.replace("macro=\"citations\"", "macro=\"citationz\""), dir));
        assertTrue(unknown.getMessage().contains("citationz"), unknown.getMessage());
        var token = assertThrows(MacroExpander.MacroException.class,
                () -> MacroExpander.expand(GOOD.replace("@VERSION_SUFFIX@", "@VERSION_SUFIX@"), dir));
        assertTrue(token.getMessage().contains("@VERSION_SUFIX@"), token.getMessage());
        var missing = assertThrows(MacroExpander.MacroException.class,
                () -> MacroExpander.expand(GOOD.replace("demo_macros.xml", "nope.xml"), dir));
        assertTrue(missing.getMessage().contains("nope.xml"), missing.getMessage());
    }

    @Test
    void yieldsAndMacroTokensExpand() {
        String xml = GOOD.replace("<expand macro=\"citations\"/>",
                "<expand macro=\"citations\"><citation type=\"doi\">10.48550/arXiv.2110.05231</citation></expand>")
                .replace("<expand macro=\"requirements\"/>",
                        "<requirements><expand macro=\"stage_container\" stage=\"align\"/></requirements>");
        String expanded = MacroExpander.serialize(MacroExpander.expand(xml, dir));
        assertTrue(expanded.contains("10.48550/arXiv.2110.05231"), "yield filled");
        assertTrue(expanded.contains("10.1093/bioinformatics/btab083"), "macro content kept");
        assertTrue(expanded.contains("regbert/align:1.2.3"), "macro token from the expand attribute");
        String defaulted = xml.replace(" stage=\"align\"", "");
        assertTrue(MacroExpander.serialize(MacroExpander.expand(defaulted, dir)).contains("regbert/tokenize:1.2.3"),
                "macro token default (token_stage)");
        assertEquals(List.of(), violations(xml));
    }

    @Test
    void schemaViolationsAreReported() {
        String unknownElement = MacroExpander.serialize(MacroExpander.expand(
                GOOD.replace("<outputs>", "<outputz/><outputs>"), dir));
        List<String> errors = schema.validate(unknownElement);
        assertFalse(errors.isEmpty());
        assertTrue(errors.get(0).contains("outputz"), errors.toString());
        String badEnum = MacroExpander.serialize(MacroExpander.expand(
                GOOD.replace("detect_errors=\"exit_code\"", "detect_errors=\"exitcode\""), dir));
        assertTrue(schema.validate(badEnum).stream().anyMatch(e -> e.contains("exitcode")), schema.validate(badEnum).toString());
        String noId = MacroExpander.serialize(MacroExpander.expand(GOOD.replace("id=\"demo_tool\" ", ""), dir));
        assertTrue(schema.validate(noId).stream().anyMatch(e -> e.contains("'id'")), schema.validate(noId).toString());
    }
}
