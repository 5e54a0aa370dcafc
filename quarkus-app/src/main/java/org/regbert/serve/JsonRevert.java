package org.regbert.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Undoing one transaction's change to a JSON value that later transactions may have changed too (the
 * shared reference state, where instances interleave): from the value BEFORE the transaction, the value
 * it left (AFTER) and the value now (CURRENT), the value with only that transaction's change taken out.
 * Nobody changed it since: exactly BEFORE. Else field by field: a field the transaction did not change
 * keeps its current value; a list loses the elements the transaction added and gets back those it removed
 * (a pending VCF scored); a scalar a later transaction set keeps that later value. Java null: absent.
 */
final class JsonRevert {
    private JsonRevert() {
    }

    static JsonNode revert(JsonNode before, JsonNode after, JsonNode current) {
        if (Objects.equals(current, after)) {
            return before;
        }
        if (current instanceof ObjectNode now && after instanceof ObjectNode left
                && (before == null || before.isObject())) {
            ObjectNode out = now.deepCopy();
            Set<String> fields = new LinkedHashSet<>();
            left.fieldNames().forEachRemaining(fields::add);
            if (before != null) {
                before.fieldNames().forEachRemaining(fields::add);
            }
            for (String field : fields) {
                JsonNode was = before == null ? null : before.get(field);
                JsonNode set = left.get(field);
                if (Objects.equals(was, set)) {
                    continue;  // not this transaction's change
                }
                JsonNode restored = revert(was, set, now.get(field));
                if (restored == null) {
                    out.remove(field);
                } else {
                    out.set(field, restored);
                }
            }
            return out;
        }
        if (current instanceof ArrayNode now && after instanceof ArrayNode left
                && (before == null || before.isArray())) {
            List<JsonNode> was = elements(before);
            List<JsonNode> set = elements(left);
            List<JsonNode> out = elements(now);
            for (JsonNode added : minus(set, was)) {
                out.remove(added);
            }
            for (JsonNode removed : minus(was, set)) {
                if (count(out, removed) < count(was, removed)) {
                    out.add(removed);
                }
            }
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            out.forEach(array::add);
            return array;
        }
        return current;  // a later transaction's value stands
    }

    private static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        if (array != null) {
            array.forEach(out::add);
        }
        return out;
    }

    /** A minus B as multisets (one occurrence removed per element of B), in A's order. */
    private static List<JsonNode> minus(List<JsonNode> a, List<JsonNode> b) {
        List<JsonNode> out = new ArrayList<>(a);
        b.forEach(out::remove);
        return out;
    }

    private static long count(List<JsonNode> list, JsonNode e) {
        return list.stream().filter(e::equals).count();
    }
}
