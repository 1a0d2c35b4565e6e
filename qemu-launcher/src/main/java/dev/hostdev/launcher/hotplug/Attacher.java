package dev.hostdev.launcher.hotplug;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.bind.BindResult;
import dev.hostdev.engine.bind.Outcome;
import dev.hostdev.engine.bind.SysfsWrite;
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
        try (VmRuntimeDir.Lock lock = vm.lock("attach")) {
            VmRecord r = vm.record();
            AttachPlan plan = plan(r, device, id);
            if (dryRun) {
                return new AttachResult(plan.recorded(), plan.deviceAdd().arguments(), plan.detachWrites(), true, plan.describe());
            }
            return plug(r, plan);
        }
    }

    /** The plan of attaching {@code device} to the VM recorded as {@code r}, every check made. */
    private AttachPlan plan(VmRecord r, HotplugDevice device, String id) {
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
        Optional<Slot> slot = Optional.empty();
        QemuDevice qdev;
        if (device instanceof HotplugDevice.HostUsb u) {
            qdev = new UsbHost(newId, usbBus(r, device), u.device());
        } else if (device instanceof HotplugDevice.Emulated e && DeviceModels.defaultBus(e.model()) == DeviceBus.XHCI) {
            qdev = new EmulatedDevice(e.model(), newId, usbBus(r, device), Optional.empty(), Map.of());
        } else {
            SlotKind kind = kindOf(device);
            String host = device instanceof HotplugDevice.HostPci p ? p.address().toString() : null;
            Slot s = r.slots().pick(kind, host).orElseThrow(() -> noRoom(r, kind, device));
            slot = Optional.of(s);
            Placement at = s.kind() == SlotKind.ROOT_PORT ? Placement.onRootPort(s.bus())
                    : new Placement(s.bus(), Integer.decode(s.addr()), 0);
            qdev = device instanceof HotplugDevice.HostPci p ? new VfioPci(newId, p.address(), at)
                    : new EmulatedDevice(((HotplugDevice.Emulated) device).model(), newId, at.bus(), Optional.of(at.addr()), Map.of());
        }
        HotplugDevice.HostPci managedHost = device instanceof HotplugDevice.HostPci p && p.managed() ? p : null;
        Object addr = qdev.properties().get("addr");
        VmDevice recorded = new VmDevice(newId, qdev.driver(), qdev.properties().get("bus").toString(),
                addr == null ? null : addr.toString(), slot.map(Slot::rootPort).orElse(null), hostOf(device),
                managedHost != null, true);
        // the engine plans the detach with its own checks (host use, claims, group viability) under dry run
        List<SysfsWrite> writes = managedHost == null ? List.of()
                : CommandHints.forAttach(() -> vm.managed().detach(List.of(managedHost.address()), true), managedHost.address()).writes();
        return new AttachPlan(r.name(), recorded, slot.orElse(null), managedHost, writes, checked,
                QmpCall.deviceAdd(qdev.deviceAddArguments()));
    }

    private AttachResult plug(VmRecord r, AttachPlan plan) {
        HotplugDevice.HostPci managedHost = plan.managedHost();
        VmDevice recorded = plan.recorded();
        List<SysfsWrite> writes = List.of();
        boolean detachedHere = false;
        if (managedHost != null) {
            BindResult b = CommandHints.forAttach(() -> vm.managed().detach(List.of(managedHost.address()), false), managedHost.address());
            writes = b.writes();
            detachedHere = b.devices().stream().anyMatch(o -> o.device().equals(managedHost.address()) && o.outcome() == Outcome.DETACHED);
            if (detachedHere) {
                // recorded before device_add: should Hostdev die now, the supervisor still gives it back
                r = r.withManaged(managedHost.address().toString());
                vm.dir().write(r);
            }
        }
        boolean addSent = false;
        try (QemuMonitor monitor = vm.monitor(r, "attach", qmpTimeout)) {
            // QEMU runs commands in order: the confirmation goes with device_add, and the record of the
            // slot taken is written while QEMU works, then put in place only once the device is confirmed.
            try (VmRecordFile.Staged record = vm.dir().stage(r.withDevice(recorded, plan.slot(), null))) { // r is current: the lock is held
                addSent = true;
                Set<String> present = monitor.deviceAdd(plan.deviceAdd(), qmpTimeout);
                if (!present.contains(recorded.id())) {
                    throw new HostdevException(ErrorCode.QEMU, "QEMU accepted device_add for " + recorded.id()
                            + " but it is not in " + QmpCall.PERIPHERAL, "see 'hostdev vm status " + r.name() + "' and " + vm.dir().qmpLog());
                }
                if (monitor.deviceDeletedHeard(recorded.id())) {
                    throw new HostdevException(ErrorCode.QEMU, "the guest removed " + recorded.id() + " as soon as it was plugged in"
                            + " (a hotplug while the guest boots can be taken as an unplug)", "wait until the guest has booted, then attach again");
                }
                record.commit();
            }
        } catch (RuntimeException e) {
            if (addSent && unanswered(e)) {
                throw keptUnconfirmed(r, plan, e);
            }
            if (detachedHere) {
                giveBack(managedHost, e);
            }
            throw e;
        }
        return new AttachResult(recorded, plan.deviceAdd().arguments(), writes, false, plan.describe());
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
        vm.dir().write(r.withDevice(d, plan.slot(), null));
        return new HostdevException(ErrorCode.TIMEOUT, "QEMU did not confirm device_add of " + d.id() + " in VM " + r.name()
                + " within " + qmpTimeout.toSeconds() + " s (" + cause.getMessage() + "); it may have added it, so " + d.id()
                + " stays recorded" + (d.host() == null ? "" : " and " + d.host() + " stays on vfio-pci"),
                "see 'hostdev vm status " + r.name() + "'; 'hostdev unplug " + r.name() + " " + d.id() + "' takes it out"
                        + (d.managed() ? " and gives " + d.host() + " back" : ""), cause);
    }

    private void giveBack(HotplugDevice.HostPci host, RuntimeException cause) {
        try {
            vm.managed().reattach(List.of(host.address()), false);
            vm.dir().write(vm.record().withoutManaged(host.address().toString()));
        } catch (HostdevException e) {
            cause.addSuppressed(e);
        }
    }

    private SlotKind kindOf(HotplugDevice device) {
        if (device instanceof HotplugDevice.Emulated e) {
            return DeviceModels.defaultBus(e.model()) == DeviceBus.BRIDGE ? SlotKind.BRIDGE_SLOT : SlotKind.ROOT_PORT;
        }
        HotplugDevice.HostPci p = (HotplugDevice.HostPci) device;
        boolean pcie = facts.isPcie(p.address()).orElseThrow(() -> HostdevException.notFound(
                "PCI device " + p.address() + " is not on this host", "check the address with 'hostdev list'"));
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
