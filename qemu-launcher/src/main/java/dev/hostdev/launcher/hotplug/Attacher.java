package dev.hostdev.launcher.hotplug;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.bind.BindResult;
import dev.hostdev.engine.bind.Outcome;
import dev.hostdev.engine.bind.SysfsWrite;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.cmdline.EmulatedDevice;
import dev.hostdev.launcher.cmdline.QemuDevice;
import dev.hostdev.launcher.cmdline.UsbHost;
import dev.hostdev.launcher.cmdline.VfioPci;
import dev.hostdev.launcher.qmp.QemuMonitor;
import dev.hostdev.launcher.qmp.QmpCall;
import dev.hostdev.launcher.qmp.QmpCommandException;
import dev.hostdev.launcher.spec.DeviceBus;
import dev.hostdev.launcher.spec.DeviceModels;
import dev.hostdev.launcher.topology.PciFacts;
import dev.hostdev.launcher.topology.Placement;
import dev.hostdev.launcher.vm.CommandHints;
import dev.hostdev.launcher.vm.RunningVm;
import dev.hostdev.launcher.vm.Slot;
import dev.hostdev.launcher.vm.SlotKind;
import dev.hostdev.launcher.vm.VmDevice;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRecordFile;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hotplugs a device into a running VM: a free slot from the slot map ({@code addr=0x0} on a root
 * port, always), the host device detached first if managed, {@code device_add}, confirmation in
 * {@code /machine/peripheral}, the slot recorded as taken. Any failure gives a detached device back.
 * The plan ({@link AttachPlan}) is made with every check first, under the VM's lock; the dry run returns
 * it, the real run carries out that same plan.
 */
public final class Attacher {
    /**
     * How long {@code device_add} may take: QEMU realizes a vfio-pci device in it (opening the group, resetting the
     * device), which takes seconds on a loaded host and longer under emulation.
     */
    static final Duration QMP_TIMEOUT = Duration.ofSeconds(30);

    private final RunningVm vm;
    private final PciFacts facts;
    private final HotplugChecks checks;
    private final Duration qmpTimeout;

    /**
     * @param facts  whether a host PCI device is PCI Express (root port) or conventional (bridge slot)
     * @param checks what must hold of the device on the host (present, on vfio-pci, not held by another VM)
     */
    public Attacher(RunningVm vm, PciFacts facts, HotplugChecks checks) {
        this(vm, facts, checks, QMP_TIMEOUT);
    }

    /** With another QMP timeout (tests). */
    Attacher(RunningVm vm, PciFacts facts, HotplugChecks checks, Duration qmpTimeout) {
        this.vm = vm;
        this.facts = facts;
        this.checks = checks;
        this.qmpTimeout = qmpTimeout;
    }

    /**
     * Attaches {@code device}.
     *
     * @param id     the device id, or {@code null} to pick {@code hpN}
     * @param dryRun plan only (every check made): nothing is detached or sent
     */
    public AttachResult attach(HotplugDevice device, String id, boolean dryRun) {
        return attach(device, id, false, dryRun);
    }

    /**
     * Attaches {@code device}; with {@code allFunctions}, a host PCI device at function 0 comes with every other
     * function of it on this host, all in one root port (function numbers kept, {@code multifunction=on} on
     * function 0), added from the highest function down and function 0 last, as QEMU wants a multi-function
     * device hotplugged. The other functions get the ids {@code ID-fN}.
     *
     * @param id     the device id (of function 0), or {@code null} to pick {@code hpN}
     * @param dryRun plan only (every check made): nothing is detached or sent
     */
    public AttachResult attach(HotplugDevice device, String id, boolean allFunctions, boolean dryRun) {
        return attach(device, id, allFunctions, dryRun, null);
    }

    /**
     * Attaches {@code device} as {@link #attach(HotplugDevice, String, boolean)} does (same checks, lock and record),
     * over the connection {@code session} holds instead of one of its own.
     *
     * @param id the device id, or {@code null} to pick {@code hpN}
     */
    public AttachResult attach(HotplugDevice device, String id, HotplugSession session) {
        if (!session.vm().dir().qmpSocket().equals(vm.dir().qmpSocket())) {
            throw new IllegalArgumentException("a session of VM " + session.vm().name() + " for an attacher of VM " + vm.name());
        }
        return attach(device, id, false, false, session);
    }

    private AttachResult attach(HotplugDevice device, String id, boolean allFunctions, boolean dryRun, HotplugSession session) {
        try (VmRuntimeDir.Lock lock = vm.lock("attach")) {
            VmRecord r = vm.record();
            AttachPlan plan = plan(r, device, id, allFunctions, session);
            if (dryRun) {
                return new AttachResult(plan.recorded(), plan.deviceAdd().arguments(), plan.detachWrites(), true, plan.describe(), plan.others());
            }
            return plug(r, plan, session);
        }
    }

    /** The plan of attaching {@code device} to the VM recorded as {@code r}, every check made. */
    private AttachPlan plan(VmRecord r, HotplugDevice device, String id, boolean allFunctions, HotplugSession session) {
        List<String> checked = new ArrayList<>();
        // Whether QEMU still runs is asked of the kernel (/proc) before a host device is detached for it;
        // otherwise its monitor answers for it (RunningVm.monitor).
        RunningVm.requireLive(r, device instanceof HotplugDevice.HostPci p && p.managed() ? r.effectiveState() : r.state(), "attach");
        checked.add("VM " + r.name() + " is " + r.state().jsonName());
        if (device instanceof HotplugDevice.Emulated e) {
            DeviceModels.ownKey(e.model()).ifPresent(key -> {
                throw HostdevException.usage("'" + e.model() + "' is not a device to hotplug: the VM's spec makes it (" + key
                        + ")", e.model().equals("pcie-root-port") ? "root ports cannot be added to a running VM: raise spare_root_ports"
                        + " in the spec and restart the VM" : "use that key in the spec and restart the VM");
            });
        }
        String newId = id == null ? freeId(r) : checkId(r, id);
        checked.addAll(checks.check(r, device, newId));
        List<PciAddress> functions = allFunctions ? otherFunctions(device) : List.of();
        Optional<Slot> slot = Optional.empty();
        QemuDevice qdev;
        if (device instanceof HotplugDevice.HostUsb u) {
            qdev = new UsbHost(newId, usbBus(r, device), u.device());
        } else if (device instanceof HotplugDevice.Emulated e && DeviceModels.defaultBus(e.model()) == DeviceBus.XHCI) {
            qdev = new EmulatedDevice(e.model(), newId, usbBus(r, device), Optional.empty(), Map.of());
        } else {
            SlotKind kind = kindOf(r, device);
            String host = device instanceof HotplugDevice.HostPci p ? p.address().toString() : null;
            Slot s = pick(r, kind, host, session).orElseThrow(() -> noRoom(r, kind, device));
            if (device instanceof HotplugDevice.HostPci p && kind == SlotKind.ROOT_PORT) {
                PortFit.check(r.name(), s, p.address(), facts).ifPresent(checked::add);
            }
            slot = Optional.of(s);
            if (!functions.isEmpty() && s.kind() != SlotKind.ROOT_PORT) {
                throw HostdevException.usage(device.describe() + " is conventional PCI: its functions cannot be hotplugged whole"
                        + " into a slot of the pcie-pci-bridge", "attach each function alone (without --functions all)");
            }
            Placement at = s.kind() == SlotKind.ROOT_PORT ? Placement.onRootPort(s.bus(), 0, !functions.isEmpty())
                    : new Placement(s.bus(), Integer.decode(s.addr()), 0);
            qdev = device instanceof HotplugDevice.HostPci p ? new VfioPci(newId, p.address(), at)
                    : new EmulatedDevice(((HotplugDevice.Emulated) device).model(), newId, at.bus(), Optional.of(at.addr()), Map.of());
        }
        HotplugDevice.HostPci managedHost = device instanceof HotplugDevice.HostPci p && p.managed() ? p : null;
        Object addr = qdev.properties().get("addr");
        VmDevice recorded = new VmDevice(newId, qdev.driver(), qdev.properties().get("bus").toString(),
                addr == null ? null : addr.toString(), slot.map(Slot::rootPort).orElse(null), hostOf(device),
                managedHost != null, true);
        List<FunctionAdd> others = new ArrayList<>();
        for (int i = functions.size() - 1; i >= 0; i--) { // QEMU's order: the highest function first, function 0 last
            PciAddress f = functions.get(i);
            String fid = checkId(r, newId + "-f" + f.function());
            HotplugDevice.HostPci fdev = new HotplugDevice.HostPci(f, managedHost != null);
            checked.addAll(checks.check(r, fdev, fid));
            VfioPci fq = new VfioPci(fid, f, Placement.onRootPort(slot.orElseThrow().bus(), f.function(), false));
            others.add(new FunctionAdd(new VmDevice(fid, fq.driver(), fq.placement().bus(), fq.placement().addr(),
                    slot.get().rootPort(), f.toString(), managedHost != null, true), QmpCall.deviceAdd(fq.deviceAddArguments())));
        }
        // the engine plans the detach with its own checks (host use, claims, group viability) under dry run
        List<PciAddress> hosts = new ArrayList<>();
        if (managedHost != null) {
            hosts.add(managedHost.address());
            hosts.addAll(functions);
        }
        List<SysfsWrite> writes = managedHost == null ? List.of()
                : CommandHints.forAttach(() -> vm.managed().detach(hosts, true), managedHost.address()).writes();
        return new AttachPlan(r.name(), recorded, slot.orElse(null), managedHost, writes, checked,
                QmpCall.deviceAdd(qdev.deviceAddArguments()), others);
    }

    /** The slot {@link dev.hostdev.launcher.vm.SlotMap#pick} gives, but not the one a session's last unplug emptied if another fits. */
    private static Optional<Slot> pick(VmRecord r, SlotKind kind, String host, HotplugSession session) {
        if (session != null) {
            Optional<Slot> vacated = r.slots().slots().stream().filter(x -> x.isFree() && session.justVacated(x)).findFirst();
            if (vacated.isPresent()) {
                Optional<Slot> other = r.slots().occupy(vacated.get(), "(just vacated)").pick(kind, host);
                if (other.isPresent()) {
                    return r.slots().slots().stream().filter(x -> x.bus().equals(other.get().bus()) && x.addr().equals(other.get().addr())).findFirst();
                }
            }
        }
        return r.slots().pick(kind, host);
    }

    /** The functions other than 0 of a host PCI device at function 0, ascending; empty for a single-function device. */
    private List<PciAddress> otherFunctions(HotplugDevice device) {
        if (!(device instanceof HotplugDevice.HostPci p)) {
            throw HostdevException.usage("--functions all is for host PCI devices, not " + device.describe(),
                    "leave --functions out");
        }
        if (p.address().function() != 0) {
            throw HostdevException.usage("--functions all gives a multi-function device from its function 0, not " + p.address(),
                    "attach " + p.address().functionZero() + " --functions all");
        }
        return facts.functionsOf(p.address()).stream().filter(a -> !a.equals(p.address())).toList();
    }

    private AttachResult plug(VmRecord r, AttachPlan plan, HotplugSession session) {
        HotplugDevice.HostPci managedHost = plan.managedHost();
        VmDevice recorded = plan.recorded();
        List<SysfsWrite> writes = List.of();
        boolean detachedHere = false;
        List<PciAddress> detached = new ArrayList<>();
        if (managedHost != null) {
            List<PciAddress> hosts = plan.managedHosts().stream().map(PciAddress::parse).toList();
            BindResult b = CommandHints.forAttach(() -> vm.managed().detach(hosts, false), managedHost.address());
            writes = b.writes();
            b.devices().stream().filter(o -> hosts.contains(o.device()) && o.outcome() == Outcome.DETACHED).forEach(o -> detached.add(o.device()));
            detachedHere = !detached.isEmpty();
            if (detachedHere) {
                // recorded before device_add: should Hostdev die now, the supervisor still gives them back
                for (PciAddress a : detached) {
                    r = r.withManaged(a.toString());
                }
                vm.dir().write(r);
            }
        }
        boolean addSent = false;
        VmRecord current = r;
        try (SessionMonitor held = SessionMonitor.of(session, () -> vm.monitor(current, "attach", qmpTimeout))) {
            QemuMonitor monitor = held.monitor();
            // QEMU runs commands in order: the confirmation goes with device_add, and the record of the
            // slot taken is written while QEMU works, then put in place only once the device is confirmed.
            try (VmRecordFile.Staged record = vm.dir().stage(withDevices(r, plan))) { // r is current: the lock is held
                addSent = true;
                for (FunctionAdd f : plan.others()) {
                    monitor.deviceAdd(f.deviceAdd(), qmpTimeout); // confirmed with function 0's list below
                }
                Set<String> present = monitor.deviceAdd(plan.deviceAdd(), qmpTimeout);
                for (VmDevice d : plan.allRecorded()) {
                    if (!present.contains(d.id())) {
                        throw new HostdevException(ErrorCode.QEMU, "QEMU accepted device_add for " + d.id()
                                + " but it is not in " + QmpCall.PERIPHERAL, "see 'hostdev vm status " + r.name() + "' and " + vm.dir().qmpLog());
                    }
                }
                // QEMU takes a device out of its tree before it sends DEVICE_DELETED: the event of an earlier
                // device of this id can come after this device_add. Only a device QEMU no longer has was removed.
                if (monitor.deviceDeletedHeard(recorded.id()) && !monitor.peripheralIds().contains(recorded.id())) {
                    throw new HostdevException(ErrorCode.QEMU, "the guest removed " + recorded.id() + " as soon as it was plugged in"
                            + " (a hotplug while the guest boots can be taken as an unplug)", "wait until the guest has booted, then attach again");
                }
                record.commit();
            }
        } catch (RuntimeException e) {
            if (session != null) {
                session.failed(e);
            }
            if (addSent && unanswered(e)) {
                throw keptUnconfirmed(r, plan, e);
            }
            if (addSent && !plan.others().isEmpty()) {
                withdrawn(plan, e);
            }
            if (detachedHere) {
                giveBack(detached, e);
            }
            throw e;
        }
        return new AttachResult(recorded, plan.deviceAdd().arguments(), writes, false, plan.describe(), plan.others());
    }

    /** Whether QEMU left device_add unanswered (timeout, monitor gone): it may have added the device all the same. */
    private static boolean unanswered(RuntimeException e) {
        return !(e instanceof QmpCommandException) && e instanceof HostdevException h
                && (h.code() == ErrorCode.TIMEOUT || h.code() == ErrorCode.QMP);
    }

    /**
     * A device_add QEMU did not answer may have taken the device: giving a host device back then would unbind it
     * from vfio-pci under a running QEMU (the kernel blocks until QEMU lets go). It is recorded as attached
     * instead, so that every command sees the VM's claim and {@code unplug} can take it out cleanly.
     */
    private HostdevException keptUnconfirmed(VmRecord r, AttachPlan plan, RuntimeException cause) {
        VmDevice d = plan.recorded();
        vm.dir().write(withDevices(r, plan));
        return new HostdevException(ErrorCode.TIMEOUT, "QEMU did not confirm device_add of " + d.id() + " in VM " + r.name()
                + " within " + qmpTimeout.toSeconds() + " s (" + cause.getMessage() + "); it may have added it, so " + d.id()
                + " stays recorded" + (d.host() == null ? "" : " and " + d.host() + " stays on vfio-pci"),
                "see 'hostdev vm status " + r.name() + "'; 'hostdev unplug " + r.name() + " " + d.id() + "' takes it out"
                        + (d.managed() ? " and gives " + d.host() + " back" : ""), cause);
    }

    private void giveBack(List<PciAddress> hosts, RuntimeException cause) {
        try {
            vm.managed().reattach(hosts, false);
            VmRecord now = vm.record();
            for (PciAddress a : hosts) {
                now = now.withoutManaged(a.toString());
            }
            vm.dir().write(now);
        } catch (HostdevException e) {
            cause.addSuppressed(e);
        }
    }

    /** The record with every device of the plan, the slot taken by function 0's. */
    private static VmRecord withDevices(VmRecord r, AttachPlan plan) {
        VmRecord out = r;
        for (FunctionAdd f : plan.others()) {
            out = out.withDevice(f.recorded(), null, null);
        }
        return out.withDevice(plan.recorded(), plan.slot(), null);
    }

    /**
     * Takes back the functions already added when a whole-slot attach failed before function 0 was confirmed: QEMU
     * removes a function the guest never saw (its function 0 is absent) at once. A function QEMU refuses to drop
     * makes this attach fail as one kept unconfirmed would: the host devices then stay on vfio-pci.
     */
    private void withdrawn(AttachPlan plan, RuntimeException cause) {
        try (QemuMonitor monitor = vm.monitor(vm.record(), "attach", qmpTimeout)) {
            for (FunctionAdd f : plan.others()) {
                try {
                    monitor.requestDeviceDel(f.recorded().id());
                } catch (QmpCommandException e) {
                    // DeviceNotFound: it was never added
                }
            }
            Set<String> left = monitor.peripheralIds();
            List<String> still = plan.allRecorded().stream().map(VmDevice::id).filter(left::contains).toList();
            if (!still.isEmpty()) {
                throw new HostdevException(ErrorCode.QEMU, "after the failed attach QEMU still has " + String.join(", ", still),
                        "see 'hostdev vm status " + vm.name() + "'; 'hostdev vm stop " + vm.name() + "' ends the VM and gives its devices back");
            }
        } catch (HostdevException e) {
            cause.addSuppressed(e);
            throw new HostdevException(e.code(), e.getMessage(), e.hint(), cause);
        }
    }

    private SlotKind kindOf(VmRecord r, HotplugDevice device) {
        if (device instanceof HotplugDevice.Emulated e) {
            return DeviceModels.defaultBus(e.model()) == DeviceBus.BRIDGE ? SlotKind.BRIDGE_SLOT : SlotKind.ROOT_PORT;
        }
        HotplugDevice.HostPci p = (HotplugDevice.HostPci) device;
        boolean pcie = facts.isPcie(p.address()).orElseThrow(() -> HostdevException.notFound(
                "PCI device " + p.address() + " is not on this host", "check the address with 'hostdev list'"));
        if (!pcie && PortFit.wantsReservedPort(r.slots(), p.address(), facts)) {
            // behind the pcie-pci-bridge no window is reserved for it: its 64-bit BARs could not be mapped
            return SlotKind.ROOT_PORT;
        }
        return pcie ? SlotKind.ROOT_PORT : SlotKind.BRIDGE_SLOT;
    }

    private static String usbBus(VmRecord r, HotplugDevice device) {
        if (r.usbBus() == null) {
            throw new HostdevException(ErrorCode.STATE, "VM " + r.name() + " has no USB controller for " + device.describe(),
                    "add a USB device or [[device]] model = \"qemu-xhci\" to the spec and restart the VM");
        }
        return r.usbBus();
    }

    private static HostdevException noRoom(VmRecord r, SlotKind kind, HotplugDevice device) {
        if (kind == SlotKind.BRIDGE_SLOT && !r.slots().hasBridge()) {
            return new HostdevException(ErrorCode.STATE, "VM " + r.name() + " has no pcie-pci-bridge for " + device.describe()
                    + " (conventional PCI)", "set legacy_hotplug = true in the spec and restart the VM");
        }
        if (kind == SlotKind.BRIDGE_SLOT) {
            return new HostdevException(ErrorCode.STATE, "every slot of VM " + r.name() + "'s pcie-pci-bridge is taken", null);
        }
        List<String> taken = r.slots().slots().stream().filter(s -> s.kind() == SlotKind.ROOT_PORT && !s.isFree())
                .map(s -> s.bus() + "=" + s.occupant()).toList();
        return new HostdevException(ErrorCode.STATE, "no free root port in VM " + r.name() + " for " + device.describe()
                + ": it was started with " + r.spareRootPorts() + " spare root port(s) and every port is taken (" + abbreviated(taken) + ")",
                "raise spare_root_ports in the spec and restart the VM: root ports cannot be added to a running VM");
    }

    /** The first few, then how many more: a VM may have a hundred ports. */
    private static String abbreviated(List<String> items) {
        int shown = 8;
        return items.size() <= shown ? String.join(", ", items)
                : String.join(", ", items.subList(0, shown)) + " and " + (items.size() - shown) + " more";
    }

    private static String hostOf(HotplugDevice d) {
        if (d instanceof HotplugDevice.HostPci p) {
            return p.address().toString();
        }
        return d instanceof HotplugDevice.HostUsb u ? u.device().toString() : null;
    }

    private static String freeId(VmRecord r) {
        Set<String> taken = new java.util.HashSet<>();
        r.devices().forEach(d -> taken.add(d.id()));
        r.slots().slots().forEach(s -> taken.add(s.occupant()));
        for (int n = 1; ; n++) {
            String id = "hp" + n;
            if (!taken.contains(id)) {
                return id;
            }
        }
    }

    private static String checkId(VmRecord r, String id) {
        if (!QemuDevice.ID.matcher(id).matches()) {
            throw HostdevException.usage("not a device id QEMU accepts: '" + id + "'",
                    "start with a letter; then letters, digits, '_', '.', '-' (at most 128)");
        }
        if (r.device(id).isPresent() || r.slots().slotOf(id).isPresent()) {
            throw HostdevException.usage("VM " + r.name() + " already has a device with id '" + id + "'",
                    "choose another --id, or leave it out to get one");
        }
        return id;
    }
}
