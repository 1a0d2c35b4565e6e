package dev.hostdev.launcher.topology;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.spec.DeviceMemory;
import dev.hostdev.launcher.spec.EmulatedDeviceSpec;
import dev.hostdev.launcher.spec.HostdevSpec;
import dev.hostdev.launcher.spec.VmSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sizes the guest's 64-bit PCI hole for its big BARs: the 64-bit prefetchable BARs of the host devices
 * given at start (read from sysfs {@code resource}), of emulated devices whose memory is a BAR
 * ({@code ivshmem-plain}), and the {@code pref64-reserve} of every root port sized for a hotplug. The
 * hole is their sum rounded up to 1 GiB, and never below QEMU's default (32 GiB). Like OVMF, the plan
 * aligns the hole to the largest power of two not above its size, after the guest's RAM above 4 GiB; the
 * end must lie within the guest's physical address width, or the plan is refused naming each window.
 * SeaBIOS places its windows within the same bounds.
 */
public final class AddressSpacePlanner {
    static final long GIB = 1L << 30;
    static final long FOUR_GIB = 4 * GIB;
    /** Q35 keeps RAM below 4 GiB up to here when the guest has less than this much (QEMU's pc_q35_init). */
    static final long Q35_LOWMEM_SMALL = 0xb0000000L;
    /** … and up to 2 GiB when it has more. */
    static final long Q35_LOWMEM_LARGE = 0x80000000L;

    private AddressSpacePlanner() {
    }

    /** Plans the address space; makes no check ({@link #check}). */
    public static AddressSpacePlan plan(VmSpec spec, Q35Topology topology, PciFacts facts, GuestPhysBits physBits) {
        List<Pref64Window> windows = new ArrayList<>();
        for (HostdevSpec h : spec.pciHostdevs()) {
            if (h.pci().isEmpty()) {
                continue;
            }
            PciAddress a = h.pci().get();
            Optional<BarSizes> bars = facts.barSizes(a);
            if (bars.isPresent() && bars.get().pref64() > 0) {
                windows.add(Pref64Window.of("hostdev " + h.id() + " (" + a + ") 64-bit prefetchable BARs " + bars.get().describePref64(),
                        bars.get().pref64()));
            }
        }
        for (EmulatedDeviceSpec d : spec.devices()) {
            if (d.memory().isPresent() && DeviceMemory.BAR_MODELS.contains(d.model())) {
                windows.add(Pref64Window.of("device " + d.id() + " (" + d.model() + ") memory BAR " + d.memory().get(),
                        d.memory().get().bytes()));
            }
        }
        for (RootPortPlan p : topology.rootPorts()) {
            p.reservation().pref64().ifPresent(r -> windows.add(new Pref64Window("hotplug port " + p.port().id() + " pref64-reserve " + r
                    + p.reservation().forDevice().map(a -> " (sized for " + a + ")").orElse(""), r.bytes(),
                    Pref64Window.of("", r.bytes()).bytes())));
        }
        long ram = spec.memory().bytes();
        long lowmem = ram >= Q35_LOWMEM_SMALL ? Q35_LOWMEM_LARGE : Q35_LOWMEM_SMALL;
        long below = Math.min(ram, lowmem);
        long above = ram - below;
        long start = above > 0 ? roundUp(FOUR_GIB + above, GIB) : FOUR_GIB;
        long total = windows.stream().mapToLong(Pref64Window::bytes).sum();
        boolean explicit = !windows.isEmpty();
        long hole = Math.max(AddressSpacePlan.QEMU_DEFAULT_HOLE64, roundUp(total, GIB));
        long alignment = explicit ? Long.highestOneBit(hole) : GIB;
        long end = roundUp(start, alignment) + hole;
        return new AddressSpacePlan(below, above, start, windows, hole, alignment, end, physBits, explicit);
    }

    /**
     * Refuses a plan whose hole does not fit the guest's physical address width, naming every window.
     *
     * @param tunable whether the width may be raised in the spec (phys_bits: TCG, or KVM below the host's width)
     * @throws HostdevException usage when {@code phys_bits} can fix it, environment when the host's CPU limits it
     */
    public static void check(String vm, AddressSpacePlan plan, boolean tunable) {
        if (plan.fits()) {
            return;
        }
        int bits = plan.physBits().bits().getAsInt();
        int needed = 64 - Long.numberOfLeadingZeros(plan.end() - 1);
        List<String> what = plan.windows().stream().map(w -> w.what() + " (window " + AddressSpacePlan.size(w.bytes()) + ")").toList();
        String message = "VM " + vm + "'s 64-bit PCI devices do not fit the guest's physical address space: "
                + (what.isEmpty() ? "no device windows" : String.join(", ", what)) + " need a " + AddressSpacePlan.size(plan.holeSize())
                + " pci-hole64, which the firmware aligns to " + AddressSpacePlan.size(plan.alignment()) + " after "
                + AddressSpacePlan.size(plan.belowFourG() + plan.aboveFourG()) + " of RAM, so it ends at "
                + String.format("0x%x", plan.end()) + ", past the " + bits + "-bit limit " + String.format("0x%x", plan.physBits().limit())
                + " (" + plan.physBits().source() + ")";
        if (tunable) {
            throw HostdevException.usage(message, "set phys_bits = " + needed + " in the spec (the least that fits), or give the VM fewer or smaller devices");
        }
        throw new HostdevException(ErrorCode.ENVIRONMENT, message, "the host's CPU has " + bits + " physical address bits and the guest"
                + " cannot have more under KVM: give the VM fewer or smaller devices (or less memory), or run it on a host with at least "
                + needed + " address bits");
    }

    static long roundUp(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }
}
