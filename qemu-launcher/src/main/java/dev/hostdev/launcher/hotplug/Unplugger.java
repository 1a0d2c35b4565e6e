package dev.hostdev.launcher.hotplug;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.bind.SysfsWrite;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.qmp.QemuMonitor;
import dev.hostdev.launcher.qmp.QemuStatus;
import dev.hostdev.launcher.qmp.QmpCall;
import dev.hostdev.launcher.qmp.QmpCommandException;
import dev.hostdev.launcher.vm.PlanStep;
import dev.hostdev.launcher.vm.RunningVm;
import dev.hostdev.launcher.vm.VmDevice;
import dev.hostdev.launcher.vm.VmOperationPlan;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Unplugs a device from a running VM: {@code device_del}, then {@code DEVICE_DELETED} for it. The event is
 * QEMU's word that the device is gone, so an acknowledged unplug asks QEMU nothing more; only when the event
 * does not come does it ask ({@code qom-list /machine/peripheral}) whether the device went unheard. Only a device
 * really gone is taken off the record and its managed host device given back. The other endings are errors
 * that say which they are: guest busy (retried with backoff until the timeout), VM paused (nothing will
 * acknowledge), or timed out with the unplug still pending (no guest OS, or a guest that ignores it).
 * {@link #request} sends the {@code device_del} without waiting (rigs whose guests run firmware only). The
 * plan is made with the same checks for the dry run and the real run.
 */
public final class Unplugger {
    /** Default wait: covers native PCIe hotplug's 5 s attention-button delay with room to spare. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    /** How long to wait on a paused VM: enough for a USB unplug, which needs no guest. */
    private static final Duration PAUSED_WAIT = Duration.ofSeconds(1);
    private static final Duration QMP_TIMEOUT = Duration.ofSeconds(10);

    private final RunningVm vm;

    /** @param vm the VM to unplug from */
    public Unplugger(RunningVm vm) {
        this.vm = vm;
    }

    /**
     * The plan of unplugging {@code id}, with the checks the real run makes (the VM is running or paused and
     * QEMU still runs; the device is recorded).
     */
    public VmOperationPlan plan(String id, Duration timeout) {
        return plan(id, timeout, true);
    }

    /**
     * The plan of unplugging {@code id}, waiting for the guest ({@link #unplug}) or not ({@link #request}).
     *
     * @param wait whether the real run waits for {@code DEVICE_DELETED}
     */
    public VmOperationPlan plan(String id, Duration timeout, boolean wait) {
        VmRecord r = vm.record();
        VmDevice d = target(r, r.effectiveState(), id);
        List<VmDevice> slot = slotOf(r, d);
        String del = slot.get(0).id();
        String ids = String.join(", ", slot.stream().map(VmDevice::id).toList());
        List<PlanStep> steps = new ArrayList<>();
        steps.add(new PlanStep.Checked("VM " + r.name() + " is " + r.effectiveState().jsonName() + " and has device " + id
                + (slot.size() > 1 ? ", one function of the multi-function device " + ids + " in root port " + d.rootPort()
                + ": they are unplugged as one slot" : "")));
        steps.add(new PlanStep.Qmp(QmpCall.queryStatus(), "running: a paused guest acknowledges no PCI unplug"));
        steps.add(new PlanStep.Qmp(QmpCall.deviceDel(del), null));
        if (!wait) {
            steps.add(new PlanStep.Action("do not wait for DEVICE_DELETED of " + ids + " (a guest busy is retried with backoff for up to "
                    + timeout.toMillis() + " ms): unless the event has already come, " + ids + " stays recorded"
                    + (d.managed() && d.host() != null ? " and " + d.host() + " stays on vfio-pci" : "")
                    + " until a later 'hostdev unplug " + r.name() + " " + id + "' finds it gone"));
            return new VmOperationPlan("unplug " + id + " from VM " + r.name() + " without waiting", steps);
        }
        steps.add(new PlanStep.Wait("DEVICE_DELETED of " + ids + " (a guest busy is retried with backoff)", timeout,
                "fail with the unplug left pending; cross-check " + QmpCall.listPeripherals().render()));
        steps.add(new PlanStep.Action("take " + ids + " off the record"));
        List<String> hosts = managedHosts(r, slot);
        if (!hosts.isEmpty()) {
            List<SysfsWrite> writes = vm.managed().reattach(hosts.stream().map(PciAddress::parse).toList(), true).writes();
            steps.add(new PlanStep.SysfsWrites("give " + String.join(" and ", hosts) + " back to " + (hosts.size() == 1 ? "its host driver"
                    : "their host drivers"), writes));
        }
        return new VmOperationPlan("unplug " + id + " from VM " + r.name(), steps);
    }

    /**
     * The devices unplugged with {@code d}: every function of the multi-function device it belongs to (the devices
     * directly on its root port), function 0 first; just {@code d} otherwise. QEMU unplugs a slot as one, on
     * {@code device_del} of function 0.
     */
    static List<VmDevice> slotOf(VmRecord r, VmDevice d) {
        if (d.rootPort() == null || !d.rootPort().equals(d.bus())) {
            return List.of(d);
        }
        List<VmDevice> slot = new ArrayList<>(r.devices().stream().filter(x -> d.bus().equals(x.bus())).toList());
        slot.sort(java.util.Comparator.comparing(x -> x.addr() == null ? "" : x.addr()));
        return slot.size() > 1 && "0x0".equals(slot.get(0).addr()) ? slot : List.of(d);
    }

    private static List<String> managedHosts(VmRecord r, List<VmDevice> slot) {
        return slot.stream().filter(x -> x.managed() && x.host() != null && r.managed().contains(x.host())).map(VmDevice::host).toList();
    }

    private static VmDevice target(VmRecord r, dev.hostdev.launcher.vm.VmState state, String id) {
        RunningVm.requireLive(r, state, "unplug");
        return r.device(id).orElseThrow(() -> HostdevException.notFound("VM " + r.name() + " has no device '" + id + "'",
                "its devices: " + String.join(", ", r.devices().stream().map(VmDevice::id).toList())));
    }

    /**
     * Unplugs device {@code id}, waiting up to {@code timeout} for the guest to release it.
     *
     * @throws HostdevException STATE when the VM is paused (nothing acknowledges), TIMEOUT when the guest
     *                          did not release it in time (the unplug stays pending), QEMU when QEMU refused
     */
    public UnplugResult unplug(String id, Duration timeout) {
        return unplug(id, timeout, true, null);
    }

    /**
     * Sends {@code device_del} for {@code id} (retrying a busy guest with backoff until {@code timeout}) and
     * returns without waiting for the guest: for rigs whose guests never acknowledge (firmware only). A device
     * whose {@code DEVICE_DELETED} has already come, or that QEMU no longer has, is released as by
     * {@link #unplug}; otherwise the result is not {@linkplain UnplugResult#acked() acknowledged} and the device
     * stays recorded (and a managed host device on vfio-pci) until a later {@link #unplug} finds it gone.
     *
     * @throws HostdevException TIMEOUT when the guest stayed busy, QEMU when QEMU refused
     */
    public UnplugResult request(String id, Duration timeout) {
        return unplug(id, timeout, false, null);
    }

    /**
     * Unplugs {@code id} as {@link #unplug(String, Duration)} does (same lock, record and endings), over the connection
     * {@code session} holds. QEMU's status is the one the session last heard (asked when it connected): it is asked
     * again only when the guest does not acknowledge in time, to tell a paused VM from a silent guest.
     */
    public UnplugResult unplug(String id, Duration timeout, HotplugSession session) {
        if (!session.vm().dir().qmpSocket().equals(vm.dir().qmpSocket())) {
            throw new IllegalArgumentException("a session of VM " + session.vm().name() + " for an unplugger of VM " + vm.name());
        }
        return unplug(id, timeout, true, session);
    }

    private UnplugResult unplug(String id, Duration timeout, boolean wait, HotplugSession session) {
        try {
            return unplugLocked(id, timeout, wait, session);
        } catch (RuntimeException e) {
            if (session != null) {
                session.failed(e);
            }
            throw e;
        }
    }

    private UnplugResult unplugLocked(String id, Duration timeout, boolean wait, HotplugSession session) {
        try (VmRuntimeDir.Lock lock = vm.lock("unplug")) {
            VmRecord r = vm.record();
            VmDevice device = target(r, r.state(), id); // QEMU's liveness: its monitor answers for it
            List<VmDevice> slot = slotOf(r, device);
            String del = slot.get(0).id(); // function 0 of a multi-function device: QEMU unplugs the slot
            long t0 = System.nanoTime();
            long deadline = t0 + timeout.toNanos();
            int retries = 0;
            try (SessionMonitor held = SessionMonitor.of(session, () -> vm.monitor(r, "unplug", QMP_TIMEOUT))) {
                QemuMonitor monitor = held.monitor();
                QemuStatus status = session == null ? monitor.queryStatus() : session.knownStatus();
                boolean pending = false;
                Duration backoff = FIRST_BACKOFF;
                while (true) {
                    try {
                        monitor.requestDeviceDel(del);
                        break;
                    } catch (QmpCommandException e) {
                        if (e.errorClass().equals("DeviceNotFound")) {
                            return released(slot, t0, retries); // gone already: released before we asked
                        }
                        if (e.description().contains("already in the process of unplug")) {
                            pending = true; // an earlier device_del still waits for the guest: wait for it too
                            break;
                        }
                        if (!isGuestBusy(e) || System.nanoTime() + backoff.toNanos() > deadline) {
                            throw isGuestBusy(e) ? new HostdevException(ErrorCode.TIMEOUT, "the guest of VM " + vm.name()
                                    + " stayed busy (slot power indicator blinking) for " + timeout.toSeconds() + " s; " + id
                                    + " was not unplugged (QEMU: " + e.description() + ")", "try again later, or with a longer --timeout") : e;
                        }
                        retries++;
                        sleep(backoff);
                        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                    }
                }
                if (!wait) {
                    if (slot.stream().allMatch(each -> monitor.deviceDeletedHeard(each.id()))) {
                        return released(slot, t0, retries); // USB, or an unplug pending from before, completed at once
                    }
                    return new UnplugResult(device, Duration.ofNanos(System.nanoTime() - t0), List.of(), retries, false);
                }
                boolean paused = !status.running();
                Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
                if (paused && left.compareTo(PAUSED_WAIT) > 0) {
                    left = PAUSED_WAIT; // USB unplug completes without the guest; PCI would wait for ever
                }
                try {
                    // QEMU sends DEVICE_DELETED once the device is unrealized and gone from its tree: nothing to
                    // ask QEMU after it (a whole query-pci per unplug grew the QMP transcript by 8 KB a cycle)
                    for (VmDevice each : slot) {
                        monitor.awaitDeviceDeleted(each.id(), Duration.ofNanos(Math.max(1, Math.min(left.toNanos(), deadline - System.nanoTime()))));
                    }
                } catch (HostdevException e) {
                    if (e.code() != ErrorCode.TIMEOUT) {
                        throw e;
                    }
                    if (session != null) {
                        status = session.refreshStatus(); // paused since the session asked? then nothing will acknowledge
                        paused = !status.running();
                    }
                    Set<String> still = monitor.peripheralIds();
                    if (paused && still.contains(del)) {
                        throw new HostdevException(ErrorCode.STATE, "VM " + vm.name() + " is paused (QEMU status "
                                + status.status() + "): QEMU took device_del for " + id
                                + " but no guest runs to acknowledge it; the unplug stays pending until the guest runs",
                                "resume the guest; the device stays recorded until it is really gone");
                    }
                    if (!java.util.Collections.disjoint(still, slot.stream().map(VmDevice::id).toList())
                            || slot.stream().anyMatch(each -> monitor.inQueryPci(each.id()))) {
                        throw new HostdevException(ErrorCode.TIMEOUT, "no guest acknowledged the unplug of " + id + " from VM "
                                + vm.name() + " within " + seconds(timeout) + (pending ? " (an earlier unplug was already pending)" : "")
                                + ": QEMU still has it and the unplug stays pending. A VM with no guest OS (firmware only), or a guest"
                                + " without PCI hotplug support, never acknowledges one",
                                "the device stays recorded" + (device.managed() ? " and " + device.host() + " stays on vfio-pci" : "")
                                        + "; if the guest runs an OS, try a longer --timeout, or 'hostdev unplug --no-wait' not to wait;"
                                        + " 'hostdev vm stop' ends the VM");
                    }
                    // gone without the event (it came while nobody listened): released all the same
                }
            }
            UnplugResult done = released(slot, t0, retries);
            if (session != null && device.addr() != null) {
                session.vacated(slot.get(0).bus(), slot.get(0).addr());
            }
            return done;
        }
    }

    private UnplugResult released(List<VmDevice> slot, long t0, int retries) {
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        VmRecord r = vm.record();
        for (VmDevice each : slot) {
            r = r.withoutDevice(each.id());
        }
        vm.dir().write(r);
        List<String> returned = managedHosts(r, slot);
        if (!returned.isEmpty()) {
            vm.managed().reattach(returned.stream().map(PciAddress::parse).toList(), false);
            VmRecord now = vm.record();
            for (String h : returned) {
                now = now.withoutManaged(h);
            }
            vm.dir().write(now);
        }
        return new UnplugResult(slot.get(0), took, returned, retries, true);
    }

    /** {@code 15 s}, {@code 1.5 s}, {@code 300 ms}: a timeout as the user gave it (a 300 ms one is not "0 s"). */
    private static String seconds(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms / 1000 + "." + String.valueOf(1000 + ms % 1000).substring(1).replaceAll("0+$", "") + " s";
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
