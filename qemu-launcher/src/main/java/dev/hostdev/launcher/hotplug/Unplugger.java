package dev.hostdev.launcher.hotplug;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.qmp.QmpClient;
import dev.hostdev.launcher.qmp.QmpCommandException;
import dev.hostdev.launcher.vm.ManagedDevices;
import dev.hostdev.launcher.vm.VmDevice;
import dev.hostdev.launcher.vm.VmQmp;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmStarter;
import dev.hostdev.launcher.vm.VmState;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Unplugs a device from a running VM: {@code device_del}, then {@code DEVICE_DELETED} for it (with
 * {@code /machine/peripheral} as the cross-check). Only a device really gone is taken off the record
 * and its managed host device given back. The other endings are errors that say which they are:
 * guest busy (retried with backoff until the timeout), VM paused (nothing will acknowledge), or
 * timed out with the unplug still pending (no guest OS, or a guest that ignores it).
 */
public final class Unplugger {
    /** Default wait: covers native PCIe hotplug's 5 s attention-button delay with room to spare. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    /** How long to wait on a paused VM: enough for a USB unplug, which needs no guest. */
    private static final Duration PAUSED_WAIT = Duration.ofSeconds(1);

    private final VmRuntimeDir dir;
    private final ManagedDevices managed;
    private final PrintWriter verbose;

    /** @param verbose where {@code -v} shows QMP messages, or {@code null} */
    public Unplugger(VmRuntimeDir dir, ManagedDevices managed, PrintWriter verbose) {
        this.dir = dir;
        this.managed = managed;
        this.verbose = verbose;
    }

    /** The device to unplug, checked against the record and the VM's state (QEMU's liveness included). */
    public VmDevice target(String id) {
        VmRecord r = dir.require();
        return target(r, r.effectiveState(), id);
    }

    private static VmDevice target(VmRecord r, VmState state, String id) {
        VmQmp.requireLive(r, state, "unplug");
        return r.device(id).orElseThrow(() -> HostdevException.notFound("VM " + r.name() + " has no device '" + id + "'",
                "its devices: " + String.join(", ", r.devices().stream().map(VmDevice::id).toList())));
    }

    /** The arguments of {@code device_del} for {@code id}. */
    public static ObjectNode deviceDel(String id) {
        return JsonNodeFactory.instance.objectNode().put("id", id);
    }

    /**
     * Unplugs device {@code id}, waiting up to {@code timeout} for the guest to release it.
     *
     * @throws HostdevException STATE when the VM is paused (nothing acknowledges), TIMEOUT when the guest
     *                          did not release it in time (the unplug stays pending), QEMU when QEMU refused
     */
    public UnplugResult unplug(String id, Duration timeout) {
        try (VmRuntimeDir.Lock lock = dir.lock("unplug", Duration.ofSeconds(30))) {
            VmRecord r = dir.require();
            VmDevice device = target(r, r.state(), id); // QEMU's liveness: its monitor answers for it
            long t0 = System.nanoTime();
            long deadline = t0 + timeout.toNanos();
            int retries = 0;
            try (QmpClient qmp = VmQmp.connectLive(dir, r, "unplug", verbose, Duration.ofSeconds(10))) {
                JsonNode status = qmp.execute("query-status");
                boolean pending = false;
                Duration backoff = FIRST_BACKOFF;
                while (true) {
                    try {
                        qmp.execute("device_del", deviceDel(id));
                        break;
                    } catch (QmpCommandException e) {
                        if (e.errorClass().equals("DeviceNotFound")) {
                            return released(device, t0, retries); // gone already: released before we asked
                        }
                        if (e.description().contains("already in the process of unplug")) {
                            pending = true; // an earlier device_del still waits for the guest: wait for it too
                            break;
                        }
                        if (!isGuestBusy(e) || System.nanoTime() + backoff.toNanos() > deadline) {
                            throw isGuestBusy(e) ? new HostdevException(ErrorCode.TIMEOUT, "the guest of VM " + dir.name()
                                    + " stayed busy (slot power indicator blinking) for " + timeout.toSeconds() + " s; " + id
                                    + " was not unplugged (QEMU: " + e.description() + ")", "try again later, or with a longer --timeout") : e;
                        }
                        retries++;
                        sleep(backoff);
                        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                    }
                }
                boolean paused = !status.path("running").asBoolean(false);
                Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
                if (paused && left.compareTo(PAUSED_WAIT) > 0) {
                    left = PAUSED_WAIT; // USB unplug completes without the guest; PCI would wait for ever
                }
                try {
                    qmp.awaitEvent("DEVICE_DELETED for " + id, ev -> ev.isDeviceDeleted(id), left);
                } catch (HostdevException e) {
                    if (e.code() != ErrorCode.TIMEOUT) {
                        throw e;
                    }
                    if (paused && VmStarter.peripheralIds(qmp).contains(id)) {
                        throw new HostdevException(ErrorCode.STATE, "VM " + dir.name() + " is paused (QEMU status "
                                + status.path("status").asText() + "): QEMU took device_del for " + id
                                + " but no guest runs to acknowledge it; the unplug stays pending until the guest runs",
                                "resume the guest; the device stays recorded until it is really gone");
                    }
                    if (VmStarter.peripheralIds(qmp).contains(id)) {
                        throw new HostdevException(ErrorCode.TIMEOUT, "no guest acknowledged the unplug of " + id + " from VM "
                                + dir.name() + " within " + timeout.toSeconds() + " s" + (pending ? " (an earlier unplug was already pending)" : "")
                                + ": QEMU still has it and the unplug stays pending. A VM with no guest OS (firmware only), or a guest"
                                + " without PCI hotplug support, never acknowledges one",
                                "the device stays recorded" + (device.managed() ? " and " + device.host() + " stays on vfio-pci" : "")
                                        + "; if the guest runs an OS, try a longer --timeout; 'hostdev vm stop' ends the VM");
                    }
                    // gone without the event (it came while nobody listened): released all the same
                }
                if (VmStarter.peripheralIds(qmp).contains(id) || inQueryPci(qmp, id)) {
                    throw new HostdevException(ErrorCode.QEMU, "QEMU sent DEVICE_DELETED for " + id + " but still lists it",
                            "see 'hostdev vm status " + dir.name() + "' and " + dir.qmpLog());
                }
            }
            return released(device, t0, retries);
        }
    }

    private UnplugResult released(VmDevice device, long t0, int retries) {
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        VmRecord r = dir.require().withoutDevice(device.id());
        dir.write(r);
        List<String> returned = new ArrayList<>();
        if (device.managed() && device.host() != null && r.managed().contains(device.host())) {
            managed.reattach(List.of(PciAddress.parse(device.host())), false);
            dir.write(dir.require().withoutManaged(device.host()));
            returned.add(device.host());
        }
        return new UnplugResult(device, took, returned, retries);
    }

    /** Whether {@code query-pci} lists a device with this id, on any bus (behind bridges too). */
    static boolean inQueryPci(QmpClient qmp, String id) {
        return containsQdevId(qmp.execute("query-pci"), id);
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

    private static boolean isGuestBusy(QmpCommandException e) {
        return e.description().contains("guest is busy") || e.description().contains("power indicator");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostdevException(ErrorCode.TIMEOUT, "interrupted", null, e);
        }
    }
}
