package org.regbert.galaxy;

import static org.regbert.galaxy.MacroExpander.children;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The IUC best-practice rules that galaxy.xsd cannot express, checked on a macro-expanded wrapper.
 * Each violation is one line starting with the rule's name in brackets, e.g. {@code [declared] ...}.
 *
 * <ul>
 *   <li>[tests] at least one test; every test asserts something real (file comparison or
 *       assert_contents; an expected failure asserts on stderr/stdout); test-data files exist.</li>
 *   <li>[help] help text present (reStructuredText, at least a paragraph).</li>
 *   <li>[citations] at least one citation; DOIs look like DOIs.</li>
 *   <li>[container] a docker/singularity container with an explicit tag (not latest).</li>
 *   <li>[declared] every {@code $name} / {@code ${name.sub}} in the command is an input, output,
 *       Cheetah local (#set / #for) or Galaxy built-in; nested names exist in their
 *       conditional/section/repeat. Shell variables must be escaped ({@code \$VAR}).</li>
 *   <li>[quoted] text, data and output references in the shell command are inside quotes.</li>
 *   <li>[tool] id lower-case, version {@code X+galaxyN}, profile set, detect_errors="exit_code".</li>
 *   <li>[datatypes] every regbert.* output format is declared in datatypes_conf.xml.</li>
 * </ul>
 */
final class WrapperRules {
    private static final Pattern REF = Pattern.compile("\\$\\{?([A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)*)");
    private static final Pattern SET = Pattern.compile("^\\s*#set\\s+(?:global\\s+)?\\$?(\\w+)");
    private static final Pattern FOR = Pattern.compile("^\\s*#for\\s+(.+?)\\s+in\\s+(.+?)\\s*:?\\s*$");
    private static final Pattern LOOP_VAR = Pattern.compile("\\$?(\\w+)");
    private static final Pattern DOI = Pattern.compile("10\\.\\d{4,9}/\\S+");
    private static final Pattern CONTAINER = Pattern.compile("[\\w.-]+(?:/[\\w.-]+)*:[\\w.+-]+");
    private static final Set<String> QUOTED_KINDS = Set.of("text", "data", "data_collection", "hidden", "output");
    private static final Set<String> BUILTINS = Set.of("__tool_directory__", "__new_file_path__", "__tool_data_path__",
            "__root_dir__", "__datatypes_config__", "__user_id__", "__user_email__", "__user_name__", "__app__",
            "__get_data_table_entry__", "__galaxy_url__", "__admin_users__", "__local_working_directory__",
            "GALAXY_DATA_INDEX_DIR", "GALAXY_ROOT_DIR", "chromInfo", "tool", "on_string", "__input__");

    private WrapperRules() {
    }

    /** A declared name: an input parameter, a conditional/section/repeat, or an output. */
    private static final class Decl {
        final String name;
        final String kind; // param type, or conditional / section / repeat / output
        final Map<String, Decl> children = new LinkedHashMap<>();

        Decl(String name, String kind) {
            this.name = name;
            this.kind = kind;
        }

        boolean container() {
            return kind.equals("conditional") || kind.equals("section") || kind.equals("repeat");
        }
    }

    /**
     * Checks an expanded wrapper.
     *
     * @param tool the expanded tool document
     * @param testData the folder of test data (the wrapper's {@code test-data/})
     * @param customDatatypes extensions declared in the project's datatypes_conf.xml
     */
    static List<String> check(Document tool, Path testData, Set<String> customDatatypes) {
        List<String> violations = new ArrayList<>();
        Element root = tool.getDocumentElement();
        if (!root.getTagName().equals("tool")) {
            violations.add("[tool] root element is <" + root.getTagName() + ">, not <tool>");
            return violations;
        }
        checkTool(root, violations);
        Map<String, Decl> declared = declarations(root);
        checkCommand(root, declared, violations);
        checkTests(root, declared, testData, violations);
        checkHelp(root, violations);
        checkCitations(root, violations);
        checkContainer(root, violations);
        checkDatatypes(root, customDatatypes, violations);
        return violations;
    }

    private static void checkTool(Element root, List<String> violations) {
        String id = root.getAttribute("id");
        if (!id.matches("[a-z0-9_]+")) {
            violations.add("[tool] id '" + id + "' must be lower-case letters, digits and underscores");
        }
        String version = root.getAttribute("version");
        if (!version.matches("[0-9][\\w.]*\\+galaxy\\d+")) {
            violations.add("[tool] version '" + version + "' must be <tool version>+galaxy<N> (@TOOL_VERSION@+galaxy@VERSION_SUFFIX@)");
        }
        if (root.getAttribute("profile").isBlank()) {
            violations.add("[tool] no profile attribute (the minimum Galaxy version)");
        }
        Element command = first(root, "command");
        if (command == null) {
            violations.add("[tool] no <command>");
        } else if (!"exit_code".equals(command.getAttribute("detect_errors"))) {
            violations.add("[tool] <command> must set detect_errors=\"exit_code\"");
        }
    }

    // ---- declarations -------------------------------------------------------------------------

    private static Map<String, Decl> declarations(Element root) {
        Map<String, Decl> top = new LinkedHashMap<>();
        Element inputs = first(root, "inputs");
        if (inputs != null) {
            collectInputs(inputs, top);
        }
        Element outputs = first(root, "outputs");
        if (outputs != null) {
            for (Element output : children(outputs, null)) {
                if (output.hasAttribute("name")) {
                    String kind = output.getTagName().equals("collection") ? "output_collection" : "output";
                    top.put(output.getAttribute("name"), new Decl(output.getAttribute("name"), kind));
                }
            }
        }
        Element configfiles = first(root, "configfiles");
        if (configfiles != null) {
            for (Element configfile : children(configfiles, null)) {
                if (configfile.hasAttribute("name")) {
                    top.put(configfile.getAttribute("name"), new Decl(configfile.getAttribute("name"), "output"));
                }
            }
        }
        return top;
    }

    private static void collectInputs(Element parent, Map<String, Decl> into) {
        for (Element element : children(parent, null)) {
            switch (element.getTagName()) {
                case "param" -> {
                    Decl decl = new Decl(paramName(element), element.getAttribute("type"));
                    into.put(decl.name, decl);
                }
                case "conditional" -> {
                    Decl decl = new Decl(element.getAttribute("name"), "conditional");
                    collectInputs(element, decl.children);
                    for (Element when : children(element, "when")) {
                        collectInputs(when, decl.children);
                    }
                    into.put(decl.name, decl);
                }
                case "section", "repeat" -> {
                    Decl decl = new Decl(element.getAttribute("name"), element.getTagName());
                    collectInputs(element, decl.children);
                    into.put(decl.name, decl);
                }
                default -> {
                }
            }
        }
    }

    private static String paramName(Element param) {
        if (param.hasAttribute("name")) {
            return param.getAttribute("name");
        }
        // Galaxy derives the name from argument="--foo-bar" -> foo_bar
        return param.getAttribute("argument").replaceFirst("^-+", "").replace('-', '_');
    }

    // ---- the command --------------------------------------------------------------------------

    private static void checkCommand(Element root, Map<String, Decl> declared, List<String> violations) {
        Element command = first(root, "command");
        if (command == null) {
            return;
        }
        List<String> texts = new ArrayList<>();
        texts.add(command.getTextContent());
        Element configfiles = first(root, "configfiles");
        if (configfiles != null) {
            for (Element configfile : children(configfiles, null)) {
                texts.add(configfile.getTextContent());
            }
        }
        Set<String> reported = new LinkedHashSet<>();
        for (int t = 0; t < texts.size(); t++) {
            String text = stripComments(texts.get(t));
            Set<String> locals = new LinkedHashSet<>();
            Map<String, Decl> loopBindings = new LinkedHashMap<>();
            for (String line : text.split("\n")) {
                Matcher set = SET.matcher(line);
                if (set.find()) {
                    locals.add(set.group(1));
                }
                Matcher loop = FOR.matcher(line);
                if (loop.find()) {
                    List<String> vars = new ArrayList<>();
                    Matcher var = LOOP_VAR.matcher(loop.group(1));
                    while (var.find()) {
                        vars.add(var.group(1));
                    }
                    Decl iterable = null;
                    Matcher ref = REF.matcher(loop.group(2).trim());
                    if (ref.matches()) {
                        iterable = resolve(ref.group(1), declared, loopBindings, locals, null);
                    }
                    if (vars.size() == 1 && iterable != null && iterable.kind.equals("repeat")) {
                        loopBindings.put(vars.get(0), iterable);
                    } else {
                        locals.addAll(vars);
                    }
                }
            }
            boolean shell = t == 0; // quoting applies to the shell command, not to config files
            boolean inSingle = false;
            boolean inDouble = false;
            for (String line : text.split("\n")) {
                boolean directive = line.trim().startsWith("#");
                for (int i = 0; i < line.length(); i++) {
                    char c = line.charAt(i);
                    if (c == '\\' && !inSingle && i + 1 < line.length()) {
                        i++; // an escaped character: \$ is a shell variable, \' a literal quote
                        continue;
                    }
                    if (!directive && c == '\'' && !inDouble) {
                        inSingle = !inSingle;
                        continue;
                    }
                    if (!directive && c == '"' && !inSingle) {
                        inDouble = !inDouble;
                        continue;
                    }
                    if (c != '$') {
                        continue;
                    }
                    Matcher ref = REF.matcher(line).region(i, line.length());
                    if (!ref.lookingAt()) {
                        continue;
                    }
                    String path = ref.group(1);
                    List<String> problems = new ArrayList<>();
                    Decl decl = resolve(path, declared, loopBindings, locals, problems);
                    for (String problem : problems) {
                        if (reported.add(problem)) {
                            violations.add(problem);
                        }
                    }
                    if (shell && !directive && decl != null && QUOTED_KINDS.contains(decl.kind) && !inSingle && !inDouble) {
                        String problem = "[quoted] '$" + path + "' (a " + decl.kind + " value from the user) must be quoted"
                                + " in the command line: '$" + path + "'";
                        if (reported.add(problem)) {
                            violations.add(problem);
                        }
                    }
                    i = ref.end() - 1;
                }
            }
        }
    }

    /** Removes Cheetah comments: {@code ## ...} to the end of the line and {@code #* ... *#} blocks. */
    private static String stripComments(String text) {
        String noBlocks = text.replaceAll("(?s)#\\*.*?\\*#", "");
        StringBuilder out = new StringBuilder();
        for (String line : noBlocks.split("\n", -1)) {
            int comment = line.indexOf("##");
            out.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        return out.toString();
    }

    /**
     * Resolves {@code a.b.c} against the declarations; adds a [declared] problem when the first name
     * or a name nested in a conditional/section/repeat does not exist. Returns the deepest declaration
     * reached (a leaf's further segments are attributes such as {@code .ext}), or null for locals.
     */
    private static Decl resolve(String path, Map<String, Decl> declared, Map<String, Decl> loops, Set<String> locals,
            List<String> problems) {
        String[] segments = path.split("\\.");
        String head = segments[0];
        Decl decl;
        if (loops.containsKey(head)) {
            Decl repeat = loops.get(head);
            decl = new Decl(head, "section");
            decl.children.putAll(repeat.children);
        } else if (declared.containsKey(head)) {
            decl = declared.get(head);
        } else if (locals.contains(head) || BUILTINS.contains(head)) {
            return null;
        } else {
            if (problems != null) {
                problems.add("[declared] '$" + head + "' is not a declared input, output or Cheetah variable"
                        + (head.equals(head.toUpperCase()) ? " (a shell variable? escape it: \\$" + head + ")" : ""));
            }
            return null;
        }
        for (int i = 1; i < segments.length && decl.container(); i++) {
            Decl child = decl.children.get(segments[i]);
            if (child == null) {
                if (problems != null) {
                    problems.add("[declared] '$" + path + "': " + decl.kind + " '" + decl.name + "' has no parameter '"
                            + segments[i] + "' (it has " + decl.children.keySet() + ")");
                }
                return null;
            }
            decl = child;
        }
        return decl;
    }

    // ---- tests --------------------------------------------------------------------------------

    private static void checkTests(Element root, Map<String, Decl> declared, Path testData, List<String> violations) {
        Element tests = first(root, "tests");
        List<Element> testList = tests == null ? List.of() : children(tests, "test");
        if (testList.isEmpty()) {
            violations.add("[tests] no <tests>: every tool needs at least one test");
            return;
        }
        Set<String> dataParams = new LinkedHashSet<>();
        collectDataParams(declared.values(), dataParams);
        for (int n = 0; n < testList.size(); n++) {
            Element test = testList.get(n);
            String where = "[tests] test " + (n + 1) + ": ";
            boolean failure = "true".equals(test.getAttribute("expect_failure"));
            if (failure) {
                if (descendants(test, "assert_stderr").isEmpty() && descendants(test, "assert_stdout").isEmpty()) {
                    violations.add(where + "an expected failure must assert on the message (assert_stderr or assert_stdout)");
                }
            } else {
                boolean compares = false;
                for (String tag : List.of("output", "element")) {
                    for (Element output : descendants(test, tag)) {
                        boolean has = output.hasAttribute("file") || !descendants(output, "assert_contents").isEmpty()
                                || output.hasAttribute("md5") || output.hasAttribute("checksum");
                        if (tag.equals("output") && !has) {
                            violations.add(where + "output '" + output.getAttribute("name")
                                    + "' is not checked (add file= or <assert_contents>)");
                        }
                        compares |= has;
                    }
                }
                if (!compares) {
                    violations.add(where + "asserts nothing about the outputs' content");
                }
            }
            for (Element param : descendants(test, "param")) {
                if (dataParams.contains(param.getAttribute("name")) && param.hasAttribute("value")) {
                    for (String file : param.getAttribute("value").split(",")) {
                        requireTestFile(file.trim(), testData, where, violations);
                    }
                }
            }
            for (String tag : List.of("output", "element")) {
                for (Element output : descendants(test, tag)) {
                    if (output.hasAttribute("file")) {
                        requireTestFile(output.getAttribute("file"), testData, where, violations);
                    }
                }
            }
        }
    }

    private static void collectDataParams(Iterable<Decl> decls, Set<String> into) {
        for (Decl decl : decls) {
            if (decl.kind.equals("data") || decl.kind.equals("data_collection")) {
                into.add(decl.name);
            }
            collectDataParams(decl.children.values(), into);
        }
    }

    private static void requireTestFile(String name, Path testData, String where, List<String> violations) {
        if (name.isEmpty() || !Files.isRegularFile(testData.resolve(name))) {
            violations.add(where + "test-data/" + name + " does not exist");
        }
    }

    // ---- help, citations, container, datatypes ----------------------------------------------

    private static void checkHelp(Element root, List<String> violations) {
        Element help = first(root, "help");
        if (help == null || help.getTextContent().strip().length() < 100) {
            violations.add("[help] no <help>, or too short to explain the tool (reStructuredText, with an example)");
        }
    }

    private static void checkCitations(Element root, List<String> violations) {
        Element citations = first(root, "citations");
        List<Element> list = citations == null ? List.of() : children(citations, "citation");
        if (list.isEmpty()) {
            violations.add("[citations] no <citations>: cite the method (DOI or BibTeX)");
        }
        for (Element citation : list) {
            String text = citation.getTextContent().strip();
            if (citation.getAttribute("type").equals("doi") && !DOI.matcher(text).matches()) {
                violations.add("[citations] '" + text + "' is not a DOI (10.NNNN/...)");
            } else if (text.isEmpty()) {
                violations.add("[citations] empty citation");
            }
        }
    }

    private static void checkContainer(Element root, List<String> violations) {
        Element requirements = first(root, "requirements");
        List<Element> containers = requirements == null ? List.of() : children(requirements, "container");
        if (containers.isEmpty()) {
            violations.add("[container] no <container> in <requirements>: every regbert tool runs in its image");
        }
        for (Element container : containers) {
            String image = container.getTextContent().strip();
            String type = container.getAttribute("type");
            if (!type.equals("docker") && !type.equals("singularity")) {
                violations.add("[container] container type '" + type + "' (expected docker or singularity)");
            }
            if (!CONTAINER.matcher(image).matches() || image.endsWith(":latest")) {
                violations.add("[container] '" + image + "' needs an explicit version tag (name:version, not latest)");
            }
        }
    }

    private static void checkDatatypes(Element root, Set<String> customDatatypes, List<String> violations) {
        Element outputs = first(root, "outputs");
        if (outputs == null) {
            return;
        }
        List<Element> withFormat = new ArrayList<>(descendants(outputs, "data"));
        withFormat.addAll(descendants(outputs, "discover_datasets"));
        withFormat.addAll(descendants(outputs, "collection"));
        for (Element element : withFormat) {
            String format = element.getAttribute("format");
            if (format.startsWith("regbert.") && !customDatatypes.contains(format)) {
                violations.add("[datatypes] format '" + format + "' is not declared in datatypes_conf.xml");
            }
        }
    }

    // ---- DOM helpers --------------------------------------------------------------------------

    private static Element first(Element parent, String tag) {
        List<Element> list = children(parent, tag);
        return list.isEmpty() ? null : list.get(0);
    }

    private static List<Element> descendants(Element parent, String tag) {
        List<Element> result = new ArrayList<>();
        NodeList nodes = parent.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            result.add((Element) nodes.item(i));
        }
        return result;
    }
}
