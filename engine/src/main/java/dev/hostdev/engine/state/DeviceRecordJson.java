package dev.hostdev.engine.state;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.hostdev.engine.json.JsonTrees;
import dev.hostdev.engine.json.NotAsWritten;
import dev.hostdev.engine.json.WrittenFormReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A {@link DeviceRecord} as its file holds it, written and read with jackson-core's streaming API: the bytes
 * {@link Json#MAPPER} writes (snake_case keys, nulls written, indented), and the record read from the form written in
 * any key order, unknown keys skipped, missing ones null. Anything else is {@link NotAsWritten}: the caller reads it
 * with the mapper, which accepts or rejects it as before.
 */
final class DeviceRecordJson {
    private DeviceRecordJson() {
    }

    /** The record's file content, byte for byte as {@code Json.MAPPER.writeValueAsBytes(record)}. */
    static byte[] write(DeviceRecord r) {
        ByteArrayBuilder out = new ByteArrayBuilder();
        try (JsonGenerator g = JsonTrees.FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("address", r.address());
            g.writeStringField("original_driver", r.originalDriver());
            g.writeStringField("original_driver_override", r.originalDriverOverride());
            g.writeStringField("driver", r.driver());
            g.writeStringField("detached_at", r.detachedAt());
            g.writeNumberField("detached_by_pid", r.detachedByPid());
            g.writeStringField("detached_by", r.detachedBy());
            StateJsonWriting.strings(g, "serials", r.serials());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: does not happen
        }
        return out.toByteArray();
    }

    /**
     * The record in {@code json}, or {@code null} when it holds only {@code null} (as the mapper reads it).
     *
     * @throws NotAsWritten when the bytes are not in the form written: the mapper's to read or reject
     */
    static DeviceRecord read(byte[] json) throws NotAsWritten {
        try (JsonParser p = JsonTrees.FACTORY.createParser(json)) {
            if (p.nextToken() == JsonToken.VALUE_NULL) {
                return null;
            }
            WrittenFormReader r = new WrittenFormReader(p).object();
            String address = null;
            String originalDriver = null;
            String originalDriverOverride = null;
            String driver = null;
            String detachedAt = null;
            long detachedByPid = 0;
            String detachedBy = null;
            List<String> serials = null;
            for (String key = r.nextKey(); key != null; key = r.nextKey()) {
                switch (key) {
                    case "address" -> address = r.text();
                    case "original_driver" -> originalDriver = r.text();
                    case "original_driver_override" -> originalDriverOverride = r.text();
                    case "driver" -> driver = r.text();
                    case "detached_at" -> detachedAt = r.text();
                    case "detached_by_pid" -> detachedByPid = r.longValue();
                    case "detached_by" -> detachedBy = r.text();
                    case "serials" -> serials = r.strings();
                    default -> r.skipValue();
                }
            }
            return new DeviceRecord(address, originalDriver, originalDriverOverride, driver, detachedAt, detachedByPid, detachedBy, serials);
        } catch (IOException | RuntimeException e) {
            throw new NotAsWritten(String.valueOf(e.getMessage()));
        }
    }
}
