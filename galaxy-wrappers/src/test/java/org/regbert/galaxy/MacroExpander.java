package org.regbert.galaxy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Expands Galaxy tool macros the way Galaxy's loader does: {@code <macros>} with {@code <import>}
 * (recursive, relative to the including file), {@code <xml name>} macros (with {@code tokens="a,b"},
 * defaults {@code token_a="..."}, {@code <yield/>} and named {@code <yield name>} filled from the
 * expand's {@code <token name>} children), nested {@code <expand>}, and {@code <token>} substitution in
 * text and attributes. The {@code <macros>} element is removed afterwards, as the schema check needs.
 */
final class MacroExpander {
    private static final Pattern LEFTOVER_TOKEN = Pattern.compile("@[A-Z][A-Z0-9_]*@");
    private static final int MAX_DEPTH = 50;

    private final Map<String, Element> macros = new LinkedHashMap<>();
    private final Map<String, String> tokens = new LinkedHashMap<>();

    /** Thrown for a wrapper whose macros cannot be expanded (unknown macro, missing import, token left). */
    static final class MacroException extends RuntimeException {
        MacroException(String message) {
            super(message);
        }
    }

    /** Reads {@code tool}, expands its macros and returns the expanded document. */
    static Document expand(Path tool) {
        Document document = parse(tool);
        new MacroExpander().expandDocument(document, tool.toAbsolutePath().getParent());
        return document;
    }

    /** Expands a wrapper given as text; imports resolve against {@code dir}. */
    static Document expand(String xml, Path dir) {
        Document document = parse(xml);
        new MacroExpander().expandDocument(document, dir);
        return document;
    }

    private void expandDocument(Document document, Path dir) {
        Element root = document.getDocumentElement();
        for (Element macrosElement : children(root, "macros")) {
            collect(macrosElement, dir, 0);
            root.removeChild(macrosElement);
        }
        expandAll(root, 0);
        substituteTokens(root);
        List<String> leftovers = new ArrayList<>();
        collectLeftoverTokens(root, leftovers);
        if (!leftovers.isEmpty()) {
            throw new MacroException("undefined token(s) left after expansion: " + String.join(", ", leftovers));
        }
    }

    private void collect(Element macrosElement, Path dir, int depth) {
        if (depth > MAX_DEPTH) {
            throw new MacroException("macro imports nested too deep (a cycle?) at " + dir);
        }
        for (Element child : children(macrosElement, null)) {
            switch (child.getTagName()) {
                case "import" -> {
                    Path imported = dir.resolve(child.getTextContent().trim());
                    if (!Files.isRegularFile(imported)) {
                        throw new MacroException("imported macro file not found: " + imported);
                    }
                    Document importedDoc = parse(imported);
                    collect(importedDoc.getDocumentElement(), imported.getParent(), depth + 1);
                }
                case "xml" -> macros.put(required(child, "name"), child);
                case "token" -> tokens.put(required(child, "name"), child.getTextContent());
                case "template", "edam_operations", "edam_topics" -> {
                    // templates are Cheetah-level; nothing to expand in the XML.
                }
                default -> throw new MacroException("unexpected <" + child.getTagName() + "> in <macros>");
            }
        }
    }

    private void expandAll(Element element, int depth) {
        if (depth > MAX_DEPTH) {
            throw new MacroException("macro expansion nested too deep (a recursive macro?)");
        }
        // Replace this level's <expand> elements until none is left (a macro may expand into another).
        for (int round = 0; ; round++) {
            List<Element> expands = children(element, "expand");
            if (expands.isEmpty()) {
                break;
            }
            if (round > MAX_DEPTH) {
                throw new MacroException("macro expansion nested too deep (a recursive macro?)");
            }
            for (Element expand : expands) {
                for (Node node : expandOne(expand)) {
                    element.insertBefore(node, expand);
                }
                element.removeChild(expand);
            }
        }
        for (Element child : children(element, null)) {
            expandAll(child, depth + 1);
        }
    }

    private List<Node> expandOne(Element expand) {
        String name = required(expand, "macro");
        Element macro = macros.get(name);
        if (macro == null) {
            throw new MacroException("<expand macro=\"" + name + "\"/>: no such macro (known: " + macros.keySet() + ")");
        }
        Document document = expand.getOwnerDocument();
        Map<String, String> macroTokens = new LinkedHashMap<>();
        String declared = macro.getAttribute("tokens");
        if (!declared.isBlank()) {
            for (String token : declared.split(",")) {
                String key = token.trim();
                String value = expand.hasAttribute(key) ? expand.getAttribute(key)
                        : macro.hasAttribute("token_" + key) ? macro.getAttribute("token_" + key) : null;
                if (value == null) {
                    throw new MacroException("<expand macro=\"" + name + "\"> lacks the token attribute '" + key + "'");
                }
                macroTokens.put("@" + key.toUpperCase(Locale.ROOT) + "@", value);
            }
        }
        List<Node> yieldContent = new ArrayList<>();
        Map<String, List<Node>> namedYields = new LinkedHashMap<>();
        for (Node node = expand.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element e && e.getTagName().equals("token") && e.hasAttribute("name")) {
                List<Node> content = new ArrayList<>();
                for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
                    content.add(c);
                }
                namedYields.put(e.getAttribute("name"), content);
            } else {
                yieldContent.add(node);
            }
        }
        List<Node> result = new ArrayList<>();
        for (Node node = macro.getFirstChild(); node != null; node = node.getNextSibling()) {
            Node copy = document.importNode(node, true);
            replaceTokens(copy, macroTokens);
            result.add(copy);
        }
        // <yield/> and <yield name="..."/> inside the copied nodes, or as top-level nodes of the macro.
        List<Node> expanded = new ArrayList<>();
        for (Node node : result) {
            if (node instanceof Element e && e.getTagName().equals("yield")) {
                expanded.addAll(yieldNodes(e, yieldContent, namedYields, document));
            } else {
                if (node instanceof Element e) {
                    fillYields(e, yieldContent, namedYields, document);
                }
                expanded.add(node);
            }
        }
        return expanded;
    }

    private void fillYields(Element element, List<Node> yieldContent, Map<String, List<Node>> named, Document document) {
        for (Element child : children(element, null)) {
            if (child.getTagName().equals("yield")) {
                for (Node node : yieldNodes(child, yieldContent, named, document)) {
                    element.insertBefore(node, child);
                }
                element.removeChild(child);
            } else {
                fillYields(child, yieldContent, named, document);
            }
        }
    }

    private static List<Node> yieldNodes(Element yield, List<Node> yieldContent, Map<String, List<Node>> named,
            Document document) {
        List<Node> source = yield.hasAttribute("name") ? named.getOrDefault(yield.getAttribute("name"), List.of())
                : yieldContent;
        List<Node> copies = new ArrayList<>();
        for (Node node : source) {
            copies.add(document.importNode(node, true));
        }
        return copies;
    }

    private void substituteTokens(Node node) {
        // Token values may use other tokens (e.g. a version made of two tokens): resolve them first.
        Map<String, String> resolved = new LinkedHashMap<>(tokens);
        for (int round = 0; round < 10; round++) {
            boolean changed = false;
            for (Map.Entry<String, String> entry : resolved.entrySet()) {
                String value = apply(entry.getValue(), resolved);
                if (!value.equals(entry.getValue())) {
                    entry.setValue(value);
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
        }
        replaceTokens(node, resolved);
    }

    private static void replaceTokens(Node node, Map<String, String> values) {
        if (values.isEmpty()) {
            return;
        }
        switch (node.getNodeType()) {
            case Node.TEXT_NODE, Node.CDATA_SECTION_NODE, Node.COMMENT_NODE -> node.setNodeValue(apply(node.getNodeValue(), values));
            case Node.ELEMENT_NODE -> {
                NamedNodeMap attributes = node.getAttributes();
                for (int i = 0; i < attributes.getLength(); i++) {
                    Attr attr = (Attr) attributes.item(i);
                    attr.setValue(apply(attr.getValue(), values));
                }
                for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
                    replaceTokens(child, values);
                }
            }
            default -> {
            }
        }
    }

    private static String apply(String text, Map<String, String> values) {
        String result = text;
        for (Map.Entry<String, String> entry : values.entrySet()) {
            result = result.replace(entry.getKey(), entry.getValue());
        }
        return result;
    }

    private static void collectLeftoverTokens(Node node, List<String> leftovers) {
        switch (node.getNodeType()) {
            case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> addLeftovers(node.getNodeValue(), leftovers);
            case Node.ELEMENT_NODE -> {
                NamedNodeMap attributes = node.getAttributes();
                for (int i = 0; i < attributes.getLength(); i++) {
                    addLeftovers(attributes.item(i).getNodeValue(), leftovers);
                }
                for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
                    collectLeftoverTokens(child, leftovers);
                }
            }
            default -> {
            }
        }
    }

    private static void addLeftovers(String text, List<String> leftovers) {
        Matcher matcher = LEFTOVER_TOKEN.matcher(text);
        while (matcher.find()) {
            if (!leftovers.contains(matcher.group())) {
                leftovers.add(matcher.group());
            }
        }
    }

    static List<Element> children(Element parent, String tag) {
        List<Element> result = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && (tag == null || e.getTagName().equals(tag))) {
                result.add(e);
            }
        }
        return result;
    }

    private static String required(Element element, String attribute) {
        if (!element.hasAttribute(attribute)) {
            throw new MacroException("<" + element.getTagName() + "> without the '" + attribute + "' attribute");
        }
        return element.getAttribute(attribute);
    }

    static Document parse(Path file) {
        try {
            return builder().parse(file.toFile());
        } catch (SAXException e) {
            throw new MacroException(file + " is not well-formed XML: " + e.getMessage());
        } catch (IOException e) {
            throw new MacroException("cannot read " + file + ": " + e.getMessage());
        }
    }

    static Document parse(String xml) {
        try {
            return builder().parse(new InputSource(new StringReader(xml)));
        } catch (SAXException e) {
            throw new MacroException("not well-formed XML: " + e.getMessage());
        } catch (IOException e) {
            throw new MacroException(e.getMessage());
        }
    }

    private static DocumentBuilder builder() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            factory.setCoalescing(false);
            factory.setExpandEntityReferences(false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The document as XML text (CDATA kept), for the schema check, xmllint and humans. */
    static String serialize(Document document) {
        try {
            Transformer transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            StringWriter writer = new StringWriter();
            transformer.transform(new DOMSource(document), new StreamResult(writer));
            return writer.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException(e);
        }
    }
}
