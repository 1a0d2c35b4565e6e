package dev.hostdev.launcher.qmp;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One QMP command as a value: its name and arguments. Every command Hostdev sends is made here, so the
 * names QEMU reads are spelt in one place; plans hold these values, the dry run prints them and the
 * real run sends the same ones through {@link QemuMonitor}.
 *
 * @param command   QEMU's command name
 * @param arguments its arguments, or {@code null} for none
 */
public record QmpCall(String command, ObjectNode arguments) {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** QOM path of the devices created with an id. */
    public static final String PERIPHERAL = "/machine/peripheral";

    /** Requires the name; copies the arguments. */
    public QmpCall {
        Objects.requireNonNull(command, "command");
        arguments = arguments == null ? null : arguments.deepCopy();
    }

    /** {@code query-status}: whether the guest runs, and QEMU's run state. */
    public static QmpCall queryStatus() {
        return new QmpCall("query-status", null);
    }

    /** {@code device_add} with the given arguments ({@code {"driver":…,"id":…,…}}). */
    public static QmpCall deviceAdd(ObjectNode arguments) {
        return new QmpCall("device_add", Objects.requireNonNull(arguments));
    }

    /** {@code device_del} of the device with this id. */
    public static QmpCall deviceDel(String id) {
        return new QmpCall("device_del", JSON.objectNode().put("id", Objects.requireNonNull(id)));
    }

    /** {@code qom-list} of {@code /machine/peripheral}: the ids of the devices QEMU has. */
    public static QmpCall listPeripherals() {
        return new QmpCall("qom-list", JSON.objectNode().put("path", PERIPHERAL));
    }

    /** {@code query-pci}: the PCI devices the guest's firmware has enumerated. */
    public static QmpCall queryPci() {
        return new QmpCall("query-pci", null);
    }

    /** {@code query-cpus-fast}: each vCPU's index and host thread id. */
    public static QmpCall queryCpusFast() {
        return new QmpCall("query-cpus-fast", null);
    }

    /** {@code cont}: resume the guest's CPUs. */
    public static QmpCall cont() {
        return new QmpCall("cont", null);
    }

    /** {@code system_powerdown}: the ACPI power button. */
    public static QmpCall systemPowerdown() {
        return new QmpCall("system_powerdown", null);
    }

    /** {@code quit}: QEMU exits at once. */
    public static QmpCall quit() {
        return new QmpCall("quit", null);
    }

    /** {@code set-action} for a guest power-off (QEMU 6.0+): {@code poweroff} (exit) or {@code pause}. */
    public static QmpCall setShutdownAction(String action) {
        return new QmpCall("set-action", JSON.objectNode().put("shutdown", Objects.requireNonNull(action)));
    }

    /** The message QEMU reads, as JSON: {@code {"execute":"device_del","arguments":{"id":"hp1"}}}. */
    public ObjectNode json() {
        ObjectNode o = JSON.objectNode().put("execute", command);
        if (arguments != null) {
            o.set("arguments", arguments.deepCopy());
        }
        return o;
    }

    /** As QEMU reads it: {@code {"execute":"device_del","arguments":{"id":"hp1"}}}. */
    public String render() {
        return dev.hostdev.engine.json.JsonTrees.toJson(json());
    }

    @Override
    public String toString() {
        return render();
    }
}
