package dev.hostdev.launcher.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.HostdevException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One table of a spec file being read: typed getters that fail with the key's line, and
 * {@link #finish()} that rejects any key nobody asked for (a typo must not be ignored silently).
 */
final class TomlTable {
    private final SpecSource source;
    private final String pointer;
    private final ObjectNode node;
    private final Set<String> known = new LinkedHashSet<>();

    TomlTable(SpecSource source, String pointer, ObjectNode node) {
        this.source = source;
        this.pointer = pointer;
        this.node = node;
    }

    /** Where a key of this table is written: {@code FILE:LINE}. */
    String where(String key) {
        return source.where(pointerOf(key));
    }

    /** The JSON pointer of a key of this table. */
    String pointerOf(String key) {
        return pointer + "/" + key.replace("~", "~0").replace("/", "~1");
    }

    /** A usage error located at one of this table's keys. */
    HostdevException error(String key, String message, String hint) {
        return source.error(pointerOf(key), SpecSource.keyName(pointerOf(key)) + " " + message, hint);
    }

    /** A usage error located at this table as a whole. */
    HostdevException tableError(String message, String hint) {
        String name = pointer.isEmpty() ? "" : SpecSource.keyName(pointer) + ": ";
        return source.error(pointer, name + message, hint);
    }

    /** Whether the key is present. Marks it known. */
    boolean has(String key) {
        known.add(key);
        return node.has(key);
    }

    /** An optional string. */
    Optional<String> string(String key) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw error(key, "must be a string, not " + describe(v), "write it in quotes, e.g. " + key + " = \"…\"");
        }
        return Optional.of(v.asText());
    }

    /** A string that must be present. */
    String requiredString(String key, String example) {
        return string(key).orElseThrow(() -> tableError("'" + key + "' is missing", "add e.g. " + key + " = " + example));
    }

    /** An optional integer (TOML integer, not a string or a float). */
    Optional<Long> integer(String key) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw error(key, "must be a whole number, not " + describe(v), "e.g. " + key + " = 2");
        }
        return Optional.of(v.asLong());
    }

    /** An optional integer within [min, max]. */
    Optional<Integer> integer(String key, long min, long max) {
        Optional<Long> v = integer(key);
        if (v.isPresent() && (v.get() < min || v.get() > max)) {
            throw error(key, "must be between " + min + " and " + max + ", not " + v.get(), null);
        }
        return v.map(Long::intValue);
    }

    /** An optional boolean. */
    Optional<Boolean> bool(String key) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isBoolean()) {
            throw error(key, "must be true or false, not " + describe(v), "write " + key + " = true or " + key + " = false (no quotes)");
        }
        return Optional.of(v.asBoolean());
    }

    /** An optional string parsed by a parser that throws {@link HostdevException}; its message is located. */
    <T> Optional<T> parsed(String key, Function<String, T> parser) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parser.apply(text.get()));
        } catch (HostdevException e) {
            throw source.error(pointerOf(key), SpecSource.keyName(pointerOf(key)) + ": " + e.getMessage(), e.hint());
        }
    }

    /** A sub-table (TOML {@code [key]} or inline table), if present. */
    Optional<TomlTable> table(String key) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isObject()) {
            throw error(key, "must be a table, not " + describe(v), "write " + key + " = { name = value, … }");
        }
        return Optional.of(new TomlTable(source, pointerOf(key), (ObjectNode) v));
    }

    /** The tables of an array of tables ({@code [[key]]}); empty if absent. */
    List<TomlTable> tables(String key) {
        known.add(key);
        JsonNode v = node.get(key);
        List<TomlTable> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            throw error(key, "must be an array of tables ([[" + key + "]] sections), not " + describe(v), null);
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isObject()) {
                throw source.error(pointerOf(key) + "/" + i, SpecSource.keyName(pointerOf(key) + "/" + i)
                        + " must be a table, not " + describe(e), "use [[" + key + "]] sections");
            }
            out.add(new TomlTable(source, pointerOf(key) + "/" + i, (ObjectNode) e));
        }
        return out;
    }

    /** The raw node of a key (marks it known), or {@code null}. */
    JsonNode raw(String key) {
        known.add(key);
        return node.get(key);
    }

    /** All key names of this table, in file order. */
    List<String> keys() {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** The line of this table (0 if unknown). */
    int line() {
        return source.lineOf(pointer);
    }

    /** The line of one of its keys. */
    int lineOf(String key) {
        return source.lineOf(pointerOf(key));
    }

    /** A readable name of this table, e.g. {@code hostdev[1]}. */
    String name() {
        return pointer.isEmpty() ? "the file" : SpecSource.keyName(pointer);
    }

    /**
     * Rejects keys no getter asked for. Call after reading every key.
     *
     * @param topLevelKeys the file's top-level keys: one of them inside a section was meant for the
     *                     top (TOML puts a key in the section above it), and the hint says so
     */
    void finish(Set<String> topLevelKeys) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (known.contains(key)) {
                continue;
            }
            String hint = "known keys here: " + String.join(", ", known);
            if (!pointer.isEmpty() && topLevelKeys.contains(key)) {
                hint = "'" + key + "' is a top-level key: move it above the first [[…]] section (in TOML a key belongs to the section above it)";
            } else {
                String near = nearest(key);
                if (near != null) {
                    hint = "did you mean '" + near + "'? " + hint;
                }
            }
            throw error(key, "is not a known key" + (pointer.isEmpty() ? "" : " of " + name().replaceAll("\\[\\d+]$", "")), hint);
        }
    }

    /** The known key within two edits of {@code key}, if one is. */
    private String nearest(String key) {
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            int d = distance(key, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    static String describe(JsonNode v) {
        if (v.isTextual()) {
            return "the string \"" + v.asText() + "\"";
        }
        if (v.isBoolean()) {
            return "the boolean " + v.asText();
        }
        if (v.isIntegralNumber()) {
            return "the number " + v.asText();
        }
        if (v.isNumber()) {
            return "the decimal " + v.asText();
        }
        if (v.isArray()) {
            return "an array";
        }
        if (v.isObject()) {
            return "a table";
        }
        return v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
}
