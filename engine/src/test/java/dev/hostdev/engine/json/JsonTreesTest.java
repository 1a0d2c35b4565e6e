package dev.hostdev.engine.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonTrees} against its oracle, {@code ObjectMapper}: the same nodes (of the same classes) read from the same
 * text, the same errors at the same place, and the same text written for the same tree.
 */
class JsonTreesTest {
    private static final ObjectMapper ORACLE = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final List<String> INPUTS = List.of(
            "{\"return\":{\"a\":[1,2,{\"b\":\"c\"}]},\"id\":\"1\"}",
            "{\"QMP\":{\"version\":{\"qemu\":{\"micro\":0,\"minor\":2,\"major\":7},\"package\":\"Debian 1:7.2+dfsg-7\"},\"capabilities\":[\"oob\"]}}",
            "{\"timestamp\":{\"seconds\":1733300000,\"microseconds\":123456},\"event\":\"DEVICE_DELETED\",\"data\":{\"path\":\"/machine/peripheral/n1\"}}",
            // integers at every size's edges, fractions, exponents, negative zero
            "[0,-0,1,-1,2147483647,2147483648,-2147483648,-2147483649,9223372036854775807,9223372036854775808,-9223372036854775809,"
                    + "123456789012345678901234567890]",
            "[0.0,-0.0,1.5,-1.5,1e3,1E-3,1.7976931348623157e308,4.9e-324,1e400,0.1,123456789.123456789,3.141592653589793238462643]",
            "[true,false,null,\"\",\"\\u0000\\u001f\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"é日本\\uD83D\\uDE00\",\"\\u00e9\"]",
            // a key given twice: first place, last value
            "{\"a\":1,\"b\":2,\"a\":{\"x\":[3]}}",
            "{\"a\":{\"a\":{\"a\":[[[[{}]]]]}},\"\":[]}",
            "  {\"white\" :\n [ 1 ,\t2 ] }  ",
            "\"just text\"",
            "42",
            "-7.25",
            "true",
            "null",
            "",
            "   \n",
            "[]",
            "{}",
            "{\"a\":1} trailing",
            "{\"a\":1}{\"b\":2}",
            // errors
            "{",
            "{\"a\":",
            "{\"a\":1,}",
            "[1,]",
            "{'a':1}",
            "{\"a\":tru}",
            "{\"a\":01}",
            "{\"a\":NaN}",
            "[1 2]",
            "{\"a\"\n:\n\n  x}",
            "\"unterminated",
            "\"bad \\q escape\"",
            "{\"a\":\"control \u0001 char\"}",
            "]",
            "{\"a\":1]");

    private static void assertSameTree(JsonNode expected, JsonNode actual, String where) {
        assertEquals(expected.getClass(), actual.getClass(), where);
        assertEquals(expected, actual, where);
        if (expected.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> a = actual.fields();
            for (Iterator<Map.Entry<String, JsonNode>> e = expected.fields(); e.hasNext();) {
                Map.Entry<String, JsonNode> x = e.next();
                Map.Entry<String, JsonNode> y = a.next();
                assertEquals(x.getKey(), y.getKey(), where + " key order");
                assertSameTree(x.getValue(), y.getValue(), where + "/" + x.getKey());
            }
            assertFalse(a.hasNext(), where);
        } else if (expected.isArray()) {
            for (int i = 0; i < expected.size(); i++) {
                assertSameTree(expected.get(i), actual.get(i), where + "[" + i + "]");
            }
        }
    }

    private static String outcome(ThrowingRead read) {
        try {
            JsonNode n = read.read();
            return "tree " + n.getClass().getSimpleName() + " " + n;
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            return "error " + e.getClass().getName() + ": " + e.getOriginalMessage() + (at == null ? " nowhere"
                    : " at " + at.getLineNr() + ":" + at.getColumnNr() + " (offset " + at.getCharOffset() + "/" + at.getByteOffset() + ")");
        } catch (Exception e) {
            return "other " + e;
        }
    }

    private interface ThrowingRead {
        JsonNode read() throws Exception;
    }

    @Test
    void readsTheTreesAndErrorsTheMapperReads() throws Exception {
        for (String in : INPUTS) {
            String expected = outcome(() -> ORACLE.readTree(in));
            assertEquals(expected, outcome(() -> JsonTrees.parse(in)), "from a String: " + in);
            byte[] bytes = in.getBytes(StandardCharsets.UTF_8);
            assertEquals(outcome(() -> ORACLE.readTree(bytes)), outcome(() -> JsonTrees.parse(bytes)), "from bytes: " + in);
            if (expected.startsWith("tree")) {
                assertSameTree(ORACLE.readTree(in), JsonTrees.parse(in), in);
                assertSameTree(ORACLE.readTree(bytes), JsonTrees.parse(bytes), in);
            }
        }
    }

    @Test
    void writesWhatToStringAndTheMapperWrite() throws Exception {
        for (String in : INPUTS) {
            JsonNode tree;
            try {
                tree = ORACLE.readTree(in);
            } catch (JsonProcessingException e) {
                continue;
            }
            if (tree.isMissingNode()) {
                continue;
            }
            assertEquals(ORACLE.writeValueAsString(tree), JsonTrees.toJson(tree), in);
            assertEquals(tree.toString(), JsonTrees.toJson(tree), in);
        }
    }

    private static String text(Random rnd) {
        StringBuilder b = new StringBuilder();
        for (int i = rnd.nextInt(6); i > 0; i--) {
            switch (rnd.nextInt(5)) {
                case 0 -> b.append((char) rnd.nextInt(0x80));
                case 1 -> b.append((char) rnd.nextInt(0x20));
                case 2 -> b.append((char) (0x80 + rnd.nextInt(0x780)));
                case 3 -> b.append("\uD83D\uDE00");
                default -> b.append((char) (0x800 + rnd.nextInt(0xD000 - 0x800)));
            }
        }
        return b.toString();
    }

    private static JsonNode random(Random rnd, int depth) {
        int kind = rnd.nextInt(depth > 4 ? 12 : 14);
        return switch (kind) {
            case 0 -> NODES.textNode(text(rnd));
            case 1 -> NODES.numberNode(rnd.nextInt());
            case 2 -> NODES.numberNode(rnd.nextLong());
            case 3 -> NODES.numberNode(BigInteger.valueOf(rnd.nextLong()).shiftLeft(rnd.nextInt(80)));
            case 4 -> NODES.numberNode(switch (rnd.nextInt(6)) {
                case 0 -> Double.NaN;
                case 1 -> Double.POSITIVE_INFINITY;
                case 2 -> -0.0;
                case 3 -> Double.MIN_VALUE;
                default -> rnd.nextGaussian() * Math.pow(10, rnd.nextInt(40) - 20);
            });
            case 5 -> NODES.numberNode(rnd.nextFloat() * 1000);
            case 6 -> NODES.numberNode(new BigDecimal(BigInteger.valueOf(rnd.nextLong()), rnd.nextInt(40) - 20));
            case 7 -> NODES.numberNode((short) rnd.nextInt());
            case 8 -> NODES.booleanNode(rnd.nextBoolean());
            case 9, 10, 11 -> NODES.nullNode();
            case 12 -> {
                ObjectNode o = NODES.objectNode();
                for (int i = rnd.nextInt(5); i > 0; i--) {
                    o.set(text(rnd), random(rnd, depth + 1));
                }
                yield o;
            }
            default -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = rnd.nextInt(5); i > 0; i--) {
                    a.add(random(rnd, depth + 1));
                }
                yield a;
            }
        };
    }

    @Test
    void writesRandomTreesAsTheMapperDoes() throws Exception {
        Random rnd = new Random(13);
        for (int i = 0; i < 5000; i++) {
            JsonNode tree = random(rnd, 0);
            String expected = ORACLE.writeValueAsString(tree);
            assertEquals(expected, JsonTrees.toJson(tree));
            assertEquals(tree.toString(), JsonTrees.toJson(tree));
            // and what the mapper reads back from its own text, the tree utility reads alike
            assertEquals(outcome(() -> ORACLE.readTree(expected)), outcome(() -> JsonTrees.parse(expected)), expected);
        }
    }

    @Test
    void nodesOnlyAMapperCanWriteAreWrittenByOne() {
        ObjectNode o = NODES.objectNode();
        o.put("bytes", new byte[] {1, 2, 3});
        o.putPOJO("pojo", List.of("a", 1));
        assertFalse(JsonTrees.plain(o));
        assertEquals(o.toString(), JsonTrees.toJson(o));
        assertTrue(JsonTrees.plain(NODES.objectNode().put("a", 1)));
        assertEquals(NODES.missingNode().toString(), JsonTrees.toJson(NODES.missingNode()), "a missing node alone: as toString()");
        ObjectNode holding = NODES.objectNode().set("m", NODES.missingNode());
        assertEquals(holding.toString(), JsonTrees.toJson(holding), "a missing node inside");
        assertEquals(NODES.pojoNode(null).toString(), JsonTrees.toJson(NODES.pojoNode(null)));
    }

    @Test
    void deepNestingMeetsTheParsersLimitNotTheStack() {
        List<String> parts = new ArrayList<>();
        String deep = "[".repeat(5000) + "]".repeat(5000);
        parts.add(deep);
        for (String in : parts) {
            assertEquals(outcome(() -> ORACLE.readTree(in)), outcome(() -> JsonTrees.parse(in)));
        }
    }
}
