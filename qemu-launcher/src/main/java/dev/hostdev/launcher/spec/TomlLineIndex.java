package dev.hostdev.launcher.spec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the line on which each key of a TOML document is defined, so that errors found after
 * parsing (Jackson's TOML module keeps no locations in its tree) can name the line. Keys are
 * addressed as JSON pointers into the parsed tree, e.g. {@code /hostdev/1/pci}. Only what a spec
 * file uses is understood: tables, arrays of tables, (dotted, quoted) keys, multi-line strings and
 * arrays; a key inside an inline table is found at its parent key's line.
 */
final class TomlLineIndex {
    private final Map<String, Integer> lines = new HashMap<>();
    private String duplicateKey;
    private int duplicateLine;

    private TomlLineIndex() {
    }

    /** Indexes a document's text. Never fails: text the index does not understand is skipped. */
    static TomlLineIndex of(String text) {
        TomlLineIndex index = new TomlLineIndex();
        Map<String, Integer> arrayCounts = new HashMap<>();
        String table = "";
        String[] rows = text.split("\r?\n", -1);
        String openMultiline = null;
        int bracketDepth = 0;
        for (int i = 0; i < rows.length; i++) {
            int lineNr = i + 1;
            String row = rows[i];
            if (openMultiline != null) {
                if (row.contains(openMultiline)) {
                    openMultiline = null;
                }
                continue;
            }
            if (bracketDepth > 0) {
                bracketDepth += depthChange(row);
                continue;
            }
            String line = row.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[[")) {
                int end = line.indexOf("]]");
                if (end < 0) {
                    continue;
                }
                String name = pointer(splitKey(line.substring(2, end)));
                int n = arrayCounts.merge(name, 1, Integer::sum) - 1;
                table = name + "/" + n;
                index.lines.putIfAbsent(name, lineNr);
                index.lines.put(table, lineNr);
                continue;
            }
            if (line.startsWith("[")) {
                int end = line.indexOf(']');
                if (end < 0) {
                    continue;
                }
                table = resolveTable(pointer(splitKey(line.substring(1, end))), arrayCounts);
                if (index.lines.putIfAbsent(table, lineNr) != null && index.duplicateKey == null) {
                    index.duplicateKey = table;
                    index.duplicateLine = lineNr;
                }
                continue;
            }
            int eq = keyEnd(line);
            if (eq < 0) {
                continue;
            }
            String key = table + pointer(splitKey(line.substring(0, eq)));
            if (index.lines.putIfAbsent(key, lineNr) != null && index.duplicateKey == null) {
                index.duplicateKey = key;
                index.duplicateLine = lineNr;
            }
            String value = line.substring(eq + 1).strip();
            if (value.startsWith("\"\"\"") || value.startsWith("'''")) {
                String quote = value.substring(0, 3);
                if (!value.substring(3).contains(quote)) {
                    openMultiline = quote;
                }
            } else if (value.startsWith("[")) {
                bracketDepth = Math.max(0, depthChange(value));
            }
        }
        return index;
    }

    /** The JSON pointer of the first key or table defined a second time, or {@code null}. */
    String duplicateKey() {
        return duplicateKey;
    }

    /** The line of that second definition (0 if none). */
    int duplicateLine() {
        return duplicateLine;
    }

    /**
     * The line of the key at a JSON pointer, or of its nearest enclosing key or table; 0 if none
     * is known.
     */
    int lineOf(String pointer) {
        for (String p = pointer; ; ) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            int slash = p.lastIndexOf('/');
            if (slash <= 0) {
                return 0;
            }
            p = p.substring(0, slash);
        }
    }

    /** A sub-table of an array of tables, e.g. {@code [hostdev.extra]}, belongs to its last element. */
    private static String resolveTable(String name, Map<String, Integer> arrayCounts) {
        StringBuilder resolved = new StringBuilder();
        for (String part : name.substring(1).split("/")) {
            resolved.append('/').append(part);
            Integer count = arrayCounts.get(resolved.toString());
            if (count != null && !resolved.toString().equals(name)) {
                resolved.append('/').append(count - 1);
            }
        }
        return resolved.toString();
    }

    private static int depthChange(String text) {
        int depth = 0;
        boolean inString = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\' && quote == '"') {
                    i++;
                } else if (c == quote) {
                    inString = false;
                }
            } else if (c == '"' || c == '\'') {
                inString = true;
                quote = c;
            } else if (c == '#') {
                break;
            } else if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            }
        }
        return depth;
    }

    /** The index of the {@code =} ending a key, skipping quoted parts; -1 if the line is no key. */
    private static int keyEnd(String line) {
        boolean inString = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inString) {
                if (c == quote) {
                    inString = false;
                }
            } else if (c == '"' || c == '\'') {
                inString = true;
                quote = c;
            } else if (c == '=') {
                return i;
            } else if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == ' ' || c == '\t')) {
                return -1;
            }
        }
        return -1;
    }

    private static List<String> splitKey(String key) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inString = false;
        char quote = 0;
        for (char c : key.strip().toCharArray()) {
            if (inString) {
                if (c == quote) {
                    inString = false;
                } else {
                    current.append(c);
                }
            } else if (c == '"' || c == '\'') {
                inString = true;
                quote = c;
            } else if (c == '.') {
                parts.add(current.toString().strip());
                current.setLength(0);
            } else if (c != ' ' && c != '\t') {
                current.append(c);
            }
        }
        parts.add(current.toString().strip());
        return parts;
    }

    private static String pointer(List<String> parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            b.append('/').append(p.replace("~", "~0").replace("/", "~1"));
        }
        return b.toString();
    }
}
