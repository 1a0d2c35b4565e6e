package dev.hostdev.engine.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads values of a record Hostdev wrote, token by token, accepting only the JSON type each was written with (and
 * {@code null} where the mapper reads one as null): anything else is {@link NotAsWritten}, left to the mapper, which
 * may coerce it ({@code "3"} for 3) or reject it with its own message. What the record readers built on it share.
 */
public final class WrittenFormReader {
    private final JsonParser p;
    private final List<String> seen = new ArrayList<>(16);

    /** A reader for the object whose {@code START_OBJECT} {@code p} is on. */
    public WrittenFormReader(JsonParser p) {
        this.p = p;
    }

    /**
     * The next key of the object, moving onto its value; {@code null} at the object's end.
     *
     * @throws NotAsWritten for a key given twice (the mapper has its own way with those)
     */
    public String nextKey() throws IOException, NotAsWritten {
        if (p.nextToken() != JsonToken.FIELD_NAME) {
            return null;
        }
        String key = p.currentName();
        if (seen.contains(key)) {
            throw new NotAsWritten("key " + key + " given twice");
        }
        seen.add(key);
        p.nextToken();
        return key;
    }

    /** Skips the value of a key the record does not know (as the mapper ignores unknown keys). */
    public void skipValue() throws IOException {
        p.skipChildren();
    }

    /** Whether the value is {@code null}. */
    public boolean isNull() {
        return p.currentToken() == JsonToken.VALUE_NULL;
    }

    /** The value, an object: a reader of its keys. */
    public WrittenFormReader object() throws NotAsWritten {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new NotAsWritten("not an object: " + p.currentToken());
        }
        return new WrittenFormReader(p);
    }

    /**
     * Moves to the next element of the array the value is (call {@link #startArray} first): {@code false} at its end.
     */
    public boolean nextElement() throws IOException {
        return p.nextToken() != JsonToken.END_ARRAY;
    }

    /** Checks that the value is an array (its elements then come with {@link #nextElement}). */
    public void startArray() throws NotAsWritten {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new NotAsWritten("not an array: " + p.currentToken());
        }
    }

    /** The value, a string or null. */
    public String text() throws IOException, NotAsWritten {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new NotAsWritten("not a string: " + t);
        }
        return p.getText();
    }

    /** The value, an array of strings (none null), or null. */
    public List<String> strings() throws IOException, NotAsWritten {
        if (isNull()) {
            return null;
        }
        startArray();
        List<String> out = new ArrayList<>();
        while (nextElement()) {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw new NotAsWritten("not a string: " + p.currentToken());
            }
            out.add(p.getText());
        }
        return out;
    }

    /** The value, an integer in int's range. */
    public int intValue() throws IOException, NotAsWritten {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            throw new NotAsWritten("not an int: " + p.currentToken());
        }
        return p.getIntValue();
    }

    /** The value, an integer in long's range. */
    public long longValue() throws IOException, NotAsWritten {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new NotAsWritten("not a long: " + p.currentToken());
        }
        return p.getLongValue();
    }

    /** The value, {@code true} or {@code false}. */
    public boolean bool() throws NotAsWritten {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (t == JsonToken.VALUE_FALSE) {
            return false;
        }
        throw new NotAsWritten("not a boolean: " + t);
    }

    /** The value, a string that is exactly the name of one of {@code constants}, or null. */
    public <E extends Enum<E>> E constant(E[] constants) throws IOException, NotAsWritten {
        String s = text();
        if (s == null) {
            return null;
        }
        for (E c : constants) {
            if (c.name().equals(s)) {
                return c;
            }
        }
        throw new NotAsWritten("not a constant: " + s);
    }
}
