package dev.hostdev.engine.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ShortNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON trees ({@link JsonNode}) read from a {@link JsonParser} and written compactly with a {@link JsonGenerator}:
 * what {@code new ObjectMapper().readTree(..)} and {@code JsonNode.toString()} do, without an {@code ObjectMapper}
 * (whose construction alone costs a cold command some 60 ms).
 *
 * <p>Reading builds exactly the nodes the mapper's default tree reading builds: {@link IntNode}, {@link LongNode} or
 * {@link BigIntegerNode} by the size of an integer, {@link DoubleNode} for a fraction (a {@link FloatNode} or
 * {@link DecimalNode}, without trailing zeros, only where the parser says the number is one: TOML's are decimals), {@link TextNode}, {@link BooleanNode},
 * {@link NullNode}; a key given twice keeps its first place and its last value; errors are the parser's own,
 * with its message and location. Nothing after the first value is read (as the mapper, which by default ignores
 * trailing content). Writing gives the mapper's bytes: the same generator calls for the same nodes.
 */
public final class JsonTrees {
    /** The factory for JSON parsers and generators, with Jackson's defaults (as an {@code ObjectMapper}'s). */
    public static final JsonFactory FACTORY = new JsonFactory();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTrees() {
    }

    /**
     * Parses one JSON value from {@code json}, as {@code new ObjectMapper().readTree(json)}.
     *
     * @return the tree; a {@code MissingNode} for text with no value (empty, or white space only)
     * @throws IOException the parser's error ({@link com.fasterxml.jackson.core.JsonProcessingException} for bad JSON)
     */
    public static JsonNode parse(String json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            return read(p);
        }
    }

    /** As {@link #parse(String)}, from UTF-8 (or another encoding the parser detects) bytes. */
    public static JsonNode parse(byte[] json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            return read(p);
        }
    }

    /**
     * Reads the value at the parser's current token, or its next one when it has none yet (a new parser), as the
     * mapper's {@code readTree(JsonParser)} does. The parser is left on the value's last token; it is not closed.
     *
     * @return the tree; a {@code MissingNode} when the input has no value
     */
    public static JsonNode read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            t = p.nextToken();
            if (t == null) {
                return NODES.missingNode();
            }
        }
        if (!t.isStructStart()) {
            return scalar(p, t);
        }
        // iteratively, not recursively: a deeply nested input meets the parser's nesting limit, not a stack overflow
        Deque<ContainerNode<?>> open = new ArrayDeque<>();
        ContainerNode<?> root = t == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
        open.push(root);
        String key = null;
        while (!open.isEmpty()) {
            ContainerNode<?> current = open.peek();
            t = p.nextToken();
            if (t == null) {
                // the parser reports an unclosed container itself; this is for a parser that does not
                throw new com.fasterxml.jackson.core.JsonParseException(p, "Unexpected end-of-input");
            }
            if (t == JsonToken.FIELD_NAME) {
                key = p.currentName();
                continue;
            }
            if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                open.pop();
                continue;
            }
            JsonNode value;
            if (t == JsonToken.START_OBJECT) {
                value = NODES.objectNode();
            } else if (t == JsonToken.START_ARRAY) {
                value = NODES.arrayNode();
            } else {
                value = scalar(p, t);
            }
            if (current instanceof ObjectNode o) {
                o.replace(key, value); // a key given twice: its first place, its last value (as the mapper)
            } else {
                ((ArrayNode) current).add(value);
            }
            if (value instanceof ContainerNode<?> c) {
                open.push(c);
            }
        }
        return root;
    }

    private static JsonNode scalar(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                return switch (p.getNumberTypeFP()) {
                    case BIG_DECIMAL -> NODES.numberNode(stripped(p.getDecimalValue()));
                    case FLOAT32 -> NODES.numberNode(p.getFloatValue());
                    default -> NODES.numberNode(p.getDoubleValue());
                };
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT:
                return embedded(p.getEmbeddedObject());
            default:
                throw new com.fasterxml.jackson.core.JsonParseException(p, "Unexpected token (" + t + ") where a value was expected");
        }
    }

    /** As the mapper's tree reading (its default STRIP_TRAILING_BIGDECIMAL_ZEROES): {@code 1.50} is {@code 1.5}, {@code 0.0} is {@code 0}. */
    private static java.math.BigDecimal stripped(java.math.BigDecimal d) {
        try {
            return d.stripTrailingZeros();
        } catch (ArithmeticException e) {
            return d; // a scale beyond int's range: left as it is, as the mapper leaves it
        }
    }

    private static JsonNode embedded(Object o) {
        if (o == null) {
            return NODES.nullNode();
        }
        if (o instanceof byte[] b) {
            return NODES.binaryNode(b);
        }
        if (o instanceof JsonNode n) {
            return n;
        }
        return NODES.pojoNode(o);
    }

    /**
     * {@code node} as compact JSON on one line: the text of {@code node.toString()}, which is that of
     * {@code new ObjectMapper().writeValueAsString(node)} but for a missing node alone (empty, not {@code null}).
     */
    public static String toJson(JsonNode node) {
        if (node.isMissingNode()) {
            return ""; // as toString() (the mapper writes "null"); inside a container both write null
        }
        if (!plain(node)) {
            return MapperFallback.write(node);
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /**
     * Writes {@code node} with {@code g}, as the mapper's serialisation of a tree does.
     *
     * @throws IllegalArgumentException for a node only a mapper can write (binary, POJO, missing): see {@link #plain}
     */
    public static void write(JsonGenerator g, JsonNode node) throws IOException {
        Deque<Iterator<?>> open = new ArrayDeque<>();
        writeValue(g, node, open);
        while (!open.isEmpty()) {
            Iterator<?> it = open.peek();
            if (!it.hasNext()) {
                open.pop();
                if (g.getOutputContext().inObject()) {
                    g.writeEndObject();
                } else {
                    g.writeEndArray();
                }
                continue;
            }
            Object next = it.next();
            if (next instanceof Map.Entry<?, ?> e) {
                g.writeFieldName((String) e.getKey());
                writeValue(g, (JsonNode) e.getValue(), open);
            } else {
                writeValue(g, (JsonNode) next, open);
            }
        }
    }

    private static void writeValue(JsonGenerator g, JsonNode n, Deque<Iterator<?>> open) throws IOException {
        if (n instanceof ObjectNode o) {
            g.writeStartObject(o);
            open.push(o.properties().iterator());
        } else if (n instanceof ArrayNode a) {
            g.writeStartArray(a, a.size());
            open.push(a.elements());
        } else if (n instanceof TextNode t) {
            g.writeString(t.textValue());
        } else if (n instanceof BooleanNode b) {
            g.writeBoolean(b.booleanValue());
        } else if (n instanceof NullNode) {
            g.writeNull();
        } else if (n instanceof IntNode || n instanceof LongNode || n instanceof ShortNode || n instanceof BigIntegerNode
                || n instanceof DoubleNode || n instanceof FloatNode || n instanceof DecimalNode) {
            // a number node writes itself with one generator call; it needs no serializer provider
            ((com.fasterxml.jackson.databind.node.ValueNode) n).serialize(g, null);
        } else {
            throw new IllegalArgumentException("a " + n.getNodeType() + " node (" + n.getClass().getSimpleName() + ") needs a mapper to write");
        }
    }

    /**
     * Whether {@link #write} can write {@code node}: it holds only objects, arrays, text, numbers, booleans and nulls
     * (what parsing JSON gives, and what Hostdev builds).
     */
    public static boolean plain(JsonNode node) {
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.push(node);
        while (!todo.isEmpty()) {
            JsonNode n = todo.pop();
            if (n instanceof ContainerNode<?>) {
                for (JsonNode c : n) {
                    todo.push(c);
                }
            } else if (!(n instanceof TextNode || n instanceof BooleanNode || n instanceof NullNode || n instanceof IntNode
                    || n instanceof LongNode || n instanceof ShortNode || n instanceof BigIntegerNode || n instanceof DoubleNode
                    || n instanceof FloatNode || n instanceof DecimalNode)) {
                return false;
            }
        }
        return true;
    }
}
