package dev.hostdev.launcher.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A typed conversation with QEMU's monitor: the commands Hostdev sends ({@link QmpCall}) and their replies
 * parsed in one place. The QEMU version is checked once, when it connects: Hostdev starts QEMU with
 * {@code -action} and tells it {@code set-action}, both new in QEMU 6.0.
 */
public final class QemuMonitor implements AutoCloseable {
    /** The oldest QEMU Hostdev drives: {@code -action} and {@code set-action} came in 6.0. */
    public static final QemuVersion MINIMUM = new QemuVersion(6, 0, 0);

    private final QmpClient qmp;
    private final QemuVersion version;

    private QemuMonitor(QmpClient qmp, QemuVersion version) {
        this.qmp = qmp;
        this.version = version;
    }

    /**
     * Connects to the QMP socket and checks QEMU's version.
     *
     * @throws HostdevException QMP or TIMEOUT when nothing answers; ENVIRONMENT when QEMU is older than {@link #MINIMUM}
     */
    public static QemuMonitor connect(Path socket, QmpOptions options) {
        return over(QmpClient.connect(socket, options));
    }

    /** Takes over an open client, checking the version its QEMU greeted with; closes it if too old. */
    public static QemuMonitor over(QmpClient client) {
        try {
            QemuVersion v = QemuVersion.ofGreeting(client.greeting());
            v.requireAtLeast(MINIMUM);
            return new QemuMonitor(client, v);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** QEMU's version, from its greeting. */
    public QemuVersion version() {
        return version;
    }

    /** Sends a planned call and waits for its reply under the default timeout. */
    public JsonNode run(QmpCall call) {
        return qmp.execute(call.command(), call.arguments());
    }

    /** Sends a planned call and waits for its reply under {@code timeout}. */
    public JsonNode run(QmpCall call, Duration timeout) {
        return qmp.execute(call.command(), call.arguments(), timeout);
    }

    /** {@code query-status}. */
    public QemuStatus queryStatus() {
        return QemuStatus.of(run(QmpCall.queryStatus()));
    }

    /**
     * {@code device_add} followed at once by {@code qom-list /machine/peripheral} (QEMU runs them in order):
     * the device's presence is confirmed in the same round trip.
     *
     * @return the ids under {@code /machine/peripheral} right after the device was added
     * @throws QmpCommandException when QEMU refuses the device
     */
    public Set<String> deviceAdd(QmpCall deviceAdd, Duration timeout) {
        if (!deviceAdd.command().equals("device_add")) {
            throw new IllegalArgumentException("not a device_add: " + deviceAdd);
        }
        QmpClient.Pending added = qmp.submit(deviceAdd.command(), deviceAdd.arguments(), timeout);
        QmpCall list = QmpCall.listPeripherals();
        QmpClient.Pending listed = qmp.submit(list.command(), list.arguments(), timeout);
        added.await();
        return peripheralIds(listed.await());
    }

    /**
     * Asks QEMU to unplug a device ({@code device_del}) without waiting for the guest.
     *
     * @throws QmpCommandException when QEMU refuses (DeviceNotFound, guest busy, already pending, …)
     */
    public void requestDeviceDel(String id) {
        run(QmpCall.deviceDel(id));
    }

    /**
     * {@code device_del}, completing only on the {@code DEVICE_DELETED} event for {@code id}.
     *
     * @throws HostdevException TIMEOUT when the guest did not release it in time
     */
    public void deviceDel(String id, Duration timeout) {
        requestDeviceDel(id);
        awaitDeviceDeleted(id, timeout);
    }

    /**
     * Waits for {@code DEVICE_DELETED} of {@code id} (one already received counts).
     *
     * @throws HostdevException TIMEOUT when it does not come in time
     */
    public void awaitDeviceDeleted(String id, Duration timeout) {
        qmp.awaitEvent("DEVICE_DELETED for " + id, ev -> ev.isDeviceDeleted(id), timeout);
    }

    /** Whether a {@code DEVICE_DELETED} for {@code id} has come and not been taken. */
    public boolean deviceDeletedHeard(String id) {
        return qmp.backlog().stream().anyMatch(ev -> ev.isDeviceDeleted(id));
    }

    /** The ids under {@code /machine/peripheral}: the devices QEMU has that were created with an id. */
    public Set<String> peripheralIds() {
        return peripheralIds(run(QmpCall.listPeripherals()));
    }

    /** The ids in {@code qom-list}'s answer for {@code /machine/peripheral}. */
    public static Set<String> peripheralIds(JsonNode list) {
        Set<String> ids = new TreeSet<>();
        for (JsonNode n : list) {
            if (n.path("type").asText().startsWith("child<")) {
                ids.add(n.path("name").asText());
            }
        }
        return ids;
    }

    /** Whether {@code query-pci} lists a device with this id, on any bus (behind bridges too). */
    public boolean inQueryPci(String id) {
        return containsQdevId(run(QmpCall.queryPci()), id);
    }

    private static boolean containsQdevId(JsonNode n, String id) {
        if (n.isObject() && id.equals(n.path("qdev_id").asText(null))) {
            return true;
        }
        for (JsonNode child : n) {
            if (containsQdevId(child, id)) {
                return true;
            }
        }
        return false;
    }

    /** {@code query-cpus-fast}: the host thread id of each vCPU, by vCPU index. */
    public java.util.SortedMap<Integer, Integer> vcpuThreads() {
        return vcpuThreads(run(QmpCall.queryCpusFast()));
    }

    /**
     * Reads a {@code query-cpus-fast} reply: {@code [{"cpu-index":0,"thread-id":1234,…}…]}.
     *
     * @throws HostdevException (qmp) if an entry lacks either number
     */
    public static java.util.SortedMap<Integer, Integer> vcpuThreads(JsonNode reply) {
        java.util.SortedMap<Integer, Integer> out = new java.util.TreeMap<>();
        for (JsonNode cpu : reply) {
            JsonNode index = cpu.get("cpu-index");
            JsonNode thread = cpu.get("thread-id");
            if (index == null || !index.canConvertToInt() || thread == null || !thread.canConvertToInt() || thread.asInt() <= 0) {
                throw new dev.hostdev.engine.HostdevException(dev.hostdev.engine.ErrorCode.QMP,
                        "query-cpus-fast: an entry without cpu-index and thread-id: " + cpu, null);
            }
            out.put(index.asInt(), thread.asInt());
        }
        return out;
    }

    /** {@code cont}. */
    public void cont() {
        run(QmpCall.cont());
    }

    /** {@code system_powerdown}. */
    public void systemPowerdown() {
        run(QmpCall.systemPowerdown());
    }

    /**
     * {@code quit}. A QEMU that closes the connection while quitting has done what was asked.
     *
     * @return whether QEMU acknowledged it (false: the connection closed first)
     */
    public boolean quit() {
        try {
            run(QmpCall.quit());
            return true;
        } catch (QmpCommandException e) {
            throw e;
        } catch (HostdevException e) {
            if (e.code() == ErrorCode.QMP) {
                return false;
            }
            throw e;
        }
    }

    /** {@code set-action shutdown=ACTION}. */
    public void setShutdownAction(String action) {
        run(QmpCall.setShutdownAction(action));
    }

    /** The {@code SHUTDOWN} event this connection has received and nobody took, if any. */
    public Optional<QmpEvent> heardShutdown() {
        return qmp.backlog().stream().filter(ev -> ev.name().equals("SHUTDOWN")).findFirst();
    }

    /**
     * Waits up to {@code timeout} for the {@code SHUTDOWN} event.
     *
     * @throws HostdevException TIMEOUT when it did not come; QMP when the connection closed first
     */
    public QmpEvent awaitShutdown(Duration timeout) {
        return qmp.awaitEvent("SHUTDOWN", e -> e.name().equals("SHUTDOWN"), timeout);
    }

    /** Events received and not yet taken. */
    public List<QmpEvent> backlog() {
        return qmp.backlog();
    }

    @Override
    public void close() {
        qmp.close();
    }
}
