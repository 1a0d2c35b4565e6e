package dev.hostdev.launcher.cmdline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.launcher.spec.MemorySize;
import java.util.Map;

/**
 * QEMU's {@code key=value,key=value} option syntax. A comma inside a value is written twice; a
 * value is otherwise taken literally by QEMU. Values are Strings, whole numbers, Booleans
 * ({@code on}/{@code off}), {@link QemuHex} or {@link MemorySize} (bytes).
 */
public final class QemuOptions {
    private QemuOptions() {
    }

    /** Escapes a value: each comma doubled. */
    public static String escape(String value) {
        return value.replace(",", ",,");
    }

    /** One value as the command line spells it. */
    public static String text(Object value) {
        if (value instanceof Boolean b) {
            return b ? "on" : "off";
        }
        if (value instanceof MemorySize m) {
            return Long.toString(m.bytes());
        }
        return escape(String.valueOf(value));
    }

    /** {@code first,key=value,…}: the first item as is (a driver or backend name), then the options in order. */
    public static String render(String first, Map<String, Object> options) {
        StringBuilder b = new StringBuilder(first);
        for (Map.Entry<String, Object> e : options.entrySet()) {
            b.append(',').append(e.getKey()).append('=').append(text(e.getValue()));
        }
        return b.toString();
    }

    /** The options as a JSON object with typed values (numbers, booleans, strings), as QMP wants them. */
    public static ObjectNode json(Map<String, Object> options) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, Object> e : options.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Boolean b) {
                o.put(e.getKey(), b);
            } else if (v instanceof Integer i) {
                o.put(e.getKey(), i);
            } else if (v instanceof Long l) {
                o.put(e.getKey(), l);
            } else if (v instanceof QemuHex h) {
                o.put(e.getKey(), h.value());
            } else if (v instanceof MemorySize m) {
                o.put(e.getKey(), m.bytes());
            } else {
                o.put(e.getKey(), String.valueOf(v));
            }
        }
        return o;
    }
}
