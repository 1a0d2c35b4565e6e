package dev.hostdev.engine.state;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.hostdev.engine.json.JsonTrees;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A {@link JournalEntry} written with jackson-core's streaming API: the bytes {@link Json#MAPPER} writes (snake_case
 * keys, nulls written, indented). Entries are read back only by recovery, strictly, with {@link JournalEntryParser}.
 */
final class JournalEntryJson {
    private JournalEntryJson() {
    }

    /** The entry's file content, byte for byte as {@code Json.MAPPER.writeValueAsBytes(entry)}. */
    static byte[] write(JournalEntry e) {
        ByteArrayBuilder out = new ByteArrayBuilder();
        try (JsonGenerator g = JsonTrees.FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("id", e.id());
            g.writeStringField("operation", e.operation());
            g.writeNumberField("pid", e.pid());
            g.writeStringField("requester", e.requester());
            g.writeStringField("started_at", e.startedAt());
            g.writeStringField("boot_id", e.bootId());
            g.writeArrayFieldStart("devices");
            for (JournalEntry.JournalDevice d : e.devices()) {
                g.writeStartObject();
                g.writeStringField("address", d.address());
                g.writeStringField("pci_id", d.pciId());
                g.writeStringField("original_driver", d.originalDriver());
                g.writeStringField("original_driver_override", d.originalDriverOverride());
                g.writeStringField("recorded_driver", d.recordedDriver());
                g.writeBooleanField("leave_unbound", d.leaveUnbound());
                g.writeStringField("target_driver", d.targetDriver());
                StateJsonWriting.strings(g, "steps", d.steps());
                g.writeNumberField("steps_done", d.stepsDone());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException x) {
            throw new UncheckedIOException(x); // in memory: does not happen
        }
        return out.toByteArray();
    }
}
