package dev.hostdev.launcher.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Objects;

/**
 * An asynchronous QMP event, e.g. {@code DEVICE_DELETED} with {@code data.device}.
 *
 * @param name       the event name
 * @param data       its {@code data} member (an empty object when QEMU sent none)
 * @param timestampMicros QEMU's timestamp in microseconds since the epoch, or 0 when absent
 */
public record QmpEvent(String name, JsonNode data, long timestampMicros) {
    public QmpEvent {
        Objects.requireNonNull(name, "name");
        data = data == null || data.isNull() || data.isMissingNode() ? JsonNodeFactory.instance.objectNode() : data;
    }

    /** The text member {@code data.<field>}, or {@code null}. */
    public String dataText(String field) {
        JsonNode n = data.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** Whether this is {@code DEVICE_DELETED} for the device with QOM id {@code deviceId}. */
    public boolean isDeviceDeleted(String deviceId) {
        return "DEVICE_DELETED".equals(name) && deviceId.equals(dataText("device"));
    }
}
