package dev.hostdev.launcher.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.hostdev.engine.HostdevException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link TomlText} reads TOML with jackson-core's streaming API: the same tree, node class for node class, as
 * {@code new TomlMapper().readTree(text)} (its oracle, how it read before), and the same FILE:LINE errors.
 */
class TomlTextOracleTest {
    private static final String HINT = "see https://toml.io";

    private static final List<String> INPUTS = List.of(
            "",
            "# only a comment\n\n",
            "name = \"web\"\nmemory = \"2G\"\nspare_root_ports = 4\n",
            "a = 1\nb = 2147483648\nc = 9223372036854775807\nd = -9223372036854775808\ne = 0x1f\nf = 0o17\ng = 0b101\nh = 1_000\n",
            "big = 99999999999999999999\n",
            "f1 = 1.5\nf2 = -0.0\nf3 = 1e300\nf4 = inf\nf5 = -inf\nf6 = nan\nf7 = 3.141592653589793238462643\nf8 = 6.02e23\nf9 = 1.50\nf10 = 100.0\nf11 = 0.000\nf12 = 1e-400\n",
            "t = true\nf = false\n",
            "odt = 1979-05-27T07:32:00Z\nldt = 1979-05-27T07:32:00\nld = 1979-05-27\nlt = 07:32:00.999999\n",
            "s1 = 'literal \\n'\ns2 = \"esc \\t \\u00e9 \\U0001F600\"\ns3 = \"\"\"\nmulti\nline\"\"\"\ns4 = '''raw\n'''\n",
            "[cpu]\ncount = 2\n[cpu.topology]\nsockets = 1\n\n[[hostdev]]\npci = \"0000:01:00.0\"\n[[hostdev]]\nusb = \"1-2\"\n",
            "inline = { a = 1, b = [1, 2, { c = \"d\" }] }\nempty = []\nmixed = [1, \"a\", true]\nnested = [[1], [2.5]]\n",
            "\"quoted key\" = 1\ndotted.key.here = 2\n'single' = 3\n",
            // errors
            "name = \"web\nmemory = 1\n",
            "name = web\n",
            "a = 1\na = 2\n",
            "a = 1\n\n# comment\n\nb = 2\na = 3\n",
            "[t]\nx = 1\n[t]\ny = 2\n",
            "= 1\n",
            "a = [1, 2\n",
            "a = 1979-13-45\n",
            "a = 1.\n",
            "a = 01\n",
            "a = { b = 1,\n c = 2 }\n",
            "a = \"\\x\"\n");

    private static String outcome(String text) {
        SpecSource source = new SpecSource("web.toml", Path.of("/"), TomlLineIndex.of(text));
        try {
            return tree(TomlText.parse(source, text, HINT));
        } catch (HostdevException e) {
            return "error " + e.code() + ": " + e.getMessage() + " / " + e.hint();
        }
    }

    /** How TomlText read before: through a TomlMapper. */
    private static String oracle(String text) {
        SpecSource source = new SpecSource("web.toml", Path.of("/"), TomlLineIndex.of(text));
        try {
            return tree(new TomlMapper().readTree(text));
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            String message = e.getOriginalMessage();
            if (message.startsWith("Duplicate key") && source.lines().duplicateKey() != null) {
                line = source.lines().duplicateLine();
                message = SpecSource.keyName(source.lines().duplicateKey()) + " is defined twice";
            }
            HostdevException h = source.errorAtLine(line, "not valid TOML: " + message, HINT);
            return "error " + h.code() + ": " + h.getMessage() + " / " + h.hint();
        }
    }

    /** The tree with every node's class, keys in order. */
    private static String tree(JsonNode n) {
        if (n == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(n.getClass().getSimpleName());
        if (n.isObject()) {
            b.append('{');
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                b.append(e.getKey()).append('=').append(tree(e.getValue())).append(',');
            }
            b.append('}');
        } else if (n.isArray()) {
            b.append('[');
            for (JsonNode c : n) {
                b.append(tree(c)).append(',');
            }
            b.append(']');
        } else {
            b.append('(').append(n.asText()).append(')');
        }
        return b.toString();
    }

    @Test
    void readsWhatTheTomlMapperReadAndFailsAsItFailed() {
        for (String text : INPUTS) {
            assertEquals(oracle(text), outcome(text), text);
        }
    }
}
