package dev.hostdev.engine.state;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/** What the state files' streaming writers share. */
final class StateJsonWriting {
    private StateJsonWriting() {
    }

    /** {@code "name" : [ "a", "b" ]}, or {@code null} for a null list, as the mapper writes a {@code List<String>}. */
    static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeFieldName(name);
        if (values == null) {
            g.writeNull();
            return;
        }
        g.writeStartArray();
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
