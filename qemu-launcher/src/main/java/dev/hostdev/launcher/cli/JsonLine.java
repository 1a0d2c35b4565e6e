package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.bind.SysfsWrite;
import dev.hostdev.engine.json.JsonTrees;
import java.io.PrintWriter;
import java.util.List;

/**
 * The one place {@code --json} output is printed: one compact object on one line, then a flush, so that a
 * program reading line by line gets each result as soon as it exists (docs/json.md).
 */
final class JsonLine {
    /** For commands that turn records into JSON with Jackson's data binding. */
    private JsonLine() {
    }

    /** A new, empty object to fill. */
    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Prints {@code node} compactly on one line of {@code out}. */
    static void print(PrintWriter out, JsonNode node) {
        out.println(JsonTrees.toJson(node));
        out.flush();
    }

    /** Sysfs writes as {@code [{"attribute","value"}…]}, the form {@code detach --json} uses. */
    static ArrayNode writes(List<SysfsWrite> writes) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (SysfsWrite w : writes) {
            a.addObject().put("attribute", w.hostPath()).put("value", w.value());
        }
        return a;
    }
}
