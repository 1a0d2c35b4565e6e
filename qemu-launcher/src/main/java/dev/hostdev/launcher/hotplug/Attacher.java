package dev.hostdev.launcher.hotplug;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.bind.BindResult;
import dev.hostdev.engine.bind.Outcome;
import dev.hostdev.engine.bind.SysfsWrite;
import dev.hostdev.launcher.cmdline.EmulatedDevice;
import dev.hostdev.launcher.cmdline.QemuDevice;
import dev.hostdev.launcher.cmdline.UsbHost;
import dev.hostdev.launcher.cmdline.VfioPci;
import dev.hostdev.launcher.qmp.QmpClient;
import dev.hostdev.launcher.qmp.QmpEvent;
import dev.hostdev.launcher.spec.DeviceBus;
import dev.hostdev.launcher.spec.DeviceModels;
import dev.hostdev.launcher.topology.PciFacts;
import dev.hostdev.launcher.topology.Placement;
import dev.hostdev.launcher.vm.ManagedDevices;
import dev.hostdev.launcher.vm.Slot;
import dev.hostdev.launcher.vm.SlotKind;
import dev.hostdev.launcher.vm.VmDevice;
import dev.hostdev.launcher.vm.VmQmp;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmStarter;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Hotplugs a device into a running VM: a free slot from the slot map ({@code addr=0x0} on a root
 * port, always), the host device detached first if managed, {@code device_add}, confirmation in
 * {@code /machine/peripheral}, the slot recorded as taken. Any failure gives a detached device back.
 */
public final class Attacher {
    private final VmRuntimeDir dir;
    private final ManagedDevices managed;
    private final PciFacts facts;
    private final PrintWriter verbose;

    /**
     * @param facts   whether a host PCI device is PCI Express (root port) or conventional (bridge slot)
     * @param verbose where {@code -v} shows QMP messages, or {@code null}
     */
    public Attacher(VmRuntimeDir dir, ManagedDevices managed, PciFacts facts, PrintWriter verbose) {
        this.dir = dir;
        this.managed = managed;
        this.facts = facts;
        this.verbose = verbose;
    }

    /**
     * Attaches {@code device}.
     *
     * @param id     the device id, or {@code null} to pick {@code hpN}
     * @param dryRun plan only: nothing is detached or sent
     */
    public AttachResult attach(HotplugDevice device, String id, boolean dryRun) {
        try (VmRuntimeDir.Lock lock = dir.lock("attach", Duration.ofSeconds(30))) {
            VmRecord r = dir.require();
            // Whether QEMU still runs is asked of the kernel (/proc) before a host device is detached for it;
            // otherwise its monitor answers for it (VmQmp.connectLive).
            if (device instanceof HotplugDevice.HostPci p && p.managed()) {
                VmQmp.requireLive(r, r.effectiveState(), "attach");
            }
            String newId = id == null ? freeId(r) : checkId(r, id);
            Optional<Slot> slot = Optional.empty();
            QemuDevice qdev;
            if (device instanceof HotplugDevice.HostUsb u) {
                qdev = new UsbHost(newId, usbBus(r, device), u.device());
            } else if (device instanceof HotplugDevice.Emulated e && DeviceModels.defaultBus(e.model()) == DeviceBus.XHCI) {
                qdev = new EmulatedDevice(e.model(), newId, usbBus(r, device), Optional.empty(), java.util.Map.of());
            } else {
                SlotKind kind = kindOf(device);
                String host = device instanceof HotplugDevice.HostPci p ? p.address().toString() : null;
                Slot s = r.slots().pick(kind, host).orElseThrow(() -> noRoom(r, kind, device));
                slot = Optional.of(s);
                Placement at = s.kind() == SlotKind.ROOT_PORT ? Placement.onRootPort(s.bus())
                        : new Placement(s.bus(), Integer.decode(s.addr()), 0);
                qdev = device instanceof HotplugDevice.HostPci p ? new VfioPci(newId, p.address(), at)
                        : new EmulatedDevice(((HotplugDevice.Emulated) device).model(), newId, at.bus(), Optional.of(at.addr()),
                                java.util.Map.of());
            }
            HotplugDevice.HostPci managedHost = device instanceof HotplugDevice.HostPci p && p.managed() ? p : null;
            Object addr = qdev.properties().get("addr");
            VmDevice recorded = new VmDevice(newId, qdev.driver(), qdev.properties().get("bus").toString(),
                    addr == null ? null : addr.toString(), slot.map(Slot::rootPort).orElse(null), hostOf(device),
                    managedHost != null, true);
            ObjectNode args = qdev.deviceAddArguments();
            if (dryRun) {
                List<SysfsWrite> writes = managedHost == null ? List.of()
                        : managed.detach(List.of(managedHost.address()), true).writes();
                return new AttachResult(recorded, args, writes, true);
            }
            return plug(r, slot.orElse(null), recorded, args, managedHost);
        }
    }

    private AttachResult plug(VmRecord r, Slot slot, VmDevice recorded, ObjectNode args, HotplugDevice.HostPci managedHost) {
        List<SysfsWrite> writes = List.of();
        boolean detachedHere = false;
        if (managedHost != null) {
            BindResult b = managed.detach(List.of(managedHost.address()), false);
            writes = b.writes();
            detachedHere = b.devices().stream().anyMatch(o -> o.device().equals(managedHost.address()) && o.outcome() == Outcome.DETACHED);
            if (detachedHere) {
                // recorded before device_add: should Hostdev die now, the supervisor still gives it back
                r = r.withManaged(managedHost.address().toString());
                dir.write(r);
            }
        }
        Duration timeout = Duration.ofSeconds(10);
        try (QmpClient qmp = VmQmp.connectLive(dir, r, "attach", verbose, timeout)) {
            // QEMU runs commands in order: the confirmation goes with device_add, and the record of the
            // slot taken is written while QEMU works, then put in place only once the device is confirmed.
            QmpClient.Pending added = qmp.submit("device_add", args, timeout);
            QmpClient.Pending listed = qmp.submit("qom-list", VmStarter.peripheralListArguments(), timeout);
            try (VmRuntimeDir.Staged record = dir.stage(r.withDevice(recorded, slot, null))) { // r is current: the lock is held
                added.await();
                Set<String> present = VmStarter.peripheralIds(listed.await());
                if (!present.contains(recorded.id())) {
                    throw new HostdevException(ErrorCode.QEMU, "QEMU accepted device_add for " + recorded.id()
                            + " but it is not in /machine/peripheral", "see 'hostdev vm status " + r.name() + "' and " + dir.qmpLog());
                }
                if (qmp.backlog().stream().anyMatch((QmpEvent e) -> e.isDeviceDeleted(recorded.id()))) {
                    throw new HostdevException(ErrorCode.QEMU, "the guest removed " + recorded.id() + " as soon as it was plugged in"
                            + " (a hotplug while the guest boots can be taken as an unplug)", "wait until the guest has booted, then attach again");
                }
                record.commit();
            }
        } catch (RuntimeException e) {
            if (detachedHere) {
                giveBack(r, managedHost, e);
            }
            throw e;
        }
        return new AttachResult(recorded, args, writes, false);
    }

    private void giveBack(VmRecord r, HotplugDevice.HostPci host, RuntimeException cause) {
        try {
            managed.reattach(List.of(host.address()), false);
            dir.write(dir.require().withoutManaged(host.address().toString()));
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
