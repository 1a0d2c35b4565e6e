package dev.hostdev.launcher.vm;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code state.json} records of a VM: enough for stop, status, attach, unplug and the
 * supervisor to work without the spec file.
 *
 * @param name             the VM's name
 * @param spec             the spec file it was started from
 * @param argv             QEMU's argument list
 * @param state            its state as last recorded
 * @param qemu             the QEMU process, or {@code null} before it started
 * @param supervisor       the supervisor process, or {@code null}
 * @param startedAt        when it was started (ISO-8601)
 * @param spareRootPorts   how many spare root ports the spec asked for (for the "no free port" message)
 * @param usbBus           the USB bus for USB devices ({@code xhci.0}), or {@code null} without xHCI
 * @param slots            the slot map
 * @param devices          devices in the VM, command line first, then hotplugged ones
 * @param managed          host PCI devices Hostdev detached for this VM and still has to give back
 * @param ended            how QEMU ended, or {@code null} while it runs (and before its first end)
 */
public record VmRecord(String name, String spec, List<String> argv, VmState state, ProcessIdentity qemu,
                       ProcessIdentity supervisor, String startedAt, int spareRootPorts, String usbBus, SlotMap slots,
                       List<VmDevice> devices, List<String> managed, VmEnd ended) {
    /** Requires name, state and slots; copies the lists. */
    public VmRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(slots, "slots");
        argv = List.copyOf(argv == null ? List.of() : argv);
        devices = List.copyOf(devices == null ? List.of() : devices);
        managed = List.copyOf(managed == null ? List.of() : managed);
    }

    /** The device with this id. */
    public Optional<VmDevice> device(String id) {
        return devices.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    /** The same record in another state. */
    public VmRecord withState(VmState s) {
        return new VmRecord(name, spec, argv, s, qemu, supervisor, startedAt, spareRootPorts, usbBus, slots, devices, managed, ended);
    }

    /** The same record with how QEMU ended. */
    public VmRecord withEnded(VmEnd e) {
        return new VmRecord(name, spec, argv, state, qemu, supervisor, startedAt, spareRootPorts, usbBus, slots, devices, managed, e);
    }

    /** The same record with the QEMU process. */
    public VmRecord withQemu(ProcessIdentity p) {
        return new VmRecord(name, spec, argv, state, p, supervisor, startedAt, spareRootPorts, usbBus, slots, devices, managed, ended);
    }

    /** The same record with the supervisor process. */
    public VmRecord withSupervisor(ProcessIdentity p) {
        return new VmRecord(name, spec, argv, state, qemu, p, startedAt, spareRootPorts, usbBus, slots, devices, managed, ended);
    }

    /** The same record with a device added in a slot (or on USB when {@code slot} is null). */
    public VmRecord withDevice(VmDevice d, Slot slot, String managedHost) {
        List<VmDevice> ds = new ArrayList<>(devices);
        ds.add(d);
        List<String> m = new ArrayList<>(managed);
        if (managedHost != null && !m.contains(managedHost)) {
            m.add(managedHost);
        }
        return new VmRecord(name, spec, argv, state, qemu, supervisor, startedAt, spareRootPorts, usbBus,
                slot == null ? slots : slots.occupy(slot, d.id()), ds, m, ended);
    }

    /** The same record without device {@code id} (its slot freed). Its managed host device stays listed until given back. */
    public VmRecord withoutDevice(String id) {
        List<VmDevice> ds = devices.stream().filter(d -> !d.id().equals(id)).toList();
        return new VmRecord(name, spec, argv, state, qemu, supervisor, startedAt, spareRootPorts, usbBus, slots.release(id), ds, managed, ended);
    }

    /** The same record with a host device added to the managed list (Hostdev detached it for this VM). */
    public VmRecord withManaged(String host) {
        if (managed.contains(host)) {
            return this;
        }
        List<String> m = new ArrayList<>(managed);
        m.add(host);
        return new VmRecord(name, spec, argv, state, qemu, supervisor, startedAt, spareRootPorts, usbBus, slots, devices, m, ended);
    }

    /** The same record without a host device in the managed list (it was given back). */
    public VmRecord withoutManaged(String host) {
        return new VmRecord(name, spec, argv, state, qemu, supervisor, startedAt, spareRootPorts, usbBus, slots, devices,
                managed.stream().filter(h -> !h.equals(host)).toList(), ended);
    }

    /** Whether the recorded QEMU process still runs. */
    @JsonIgnore
    public boolean qemuAlive() {
        return qemu != null && qemu.isAlive();
    }

    /**
     * Whether the record says QEMU runs but was written during a previous boot: the host rebooted (or crashed)
     * under the VM. Its pids mean nothing in this boot and are never signalled; its managed devices were reset
     * by the reboot and are not "given back" (this boot may already hold them for another VM).
     */
    @JsonIgnore
    public boolean endedByHostReboot() {
        return state.hasProcess() && qemu != null && qemu.fromAnotherBoot();
    }

    /**
     * The state as it really is: a state with a process whose QEMU is gone is what its recorded end says
     * (the supervisor heard QEMU's SHUTDOWN event), else {@link VmState#STOPPED} when it was stopping and
     * {@link VmState#CRASHED} when not, even before the supervisor has cleaned up.
     */
    @JsonIgnore
    public VmState effectiveState() {
        if (endedByHostReboot()) {
            return VmState.CRASHED;
        }
        if (state.hasProcess() && qemu != null && !qemuAlive()) {
            if (ended != null) {
                return ended.state();
            }
            return state == VmState.STOPPING ? VmState.STOPPED : VmState.CRASHED;
        }
        return state;
    }
}
